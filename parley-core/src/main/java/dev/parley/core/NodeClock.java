package dev.parley.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Time as the core sees it: the wall clock (message timestamps, token expiry), a monotonic clock
 * (rate limits, leases, latencies) and timers. {@link #system()} is the real one; tests drive a
 * manual clock ({@code ManualClock} in the core's test fixtures), so expiry, rate limits, typing
 * leases, presence time-to-live and retries are tested without waiting.
 *
 * <p>Thread-safe. Timer tasks run on the clock's own thread and must only hop to an executor or do
 * trivial work; they never block.
 */
public interface NodeClock extends AutoCloseable {

  /** Wall-clock time, epoch milliseconds. */
  long millis();

  /** Monotonic time in nanoseconds, for intervals only. */
  long nanoTime();

  /** Runs {@code task} on the clock's thread once {@code delay} has passed. */
  Timer schedule(Duration delay, Runnable task);

  /**
   * {@code future}'s outcome, or a {@link TimeoutException} once {@code limit} of this clock has
   * passed without one, whichever comes first; {@code future} itself is left as it is (its work may
   * still finish). The timeout is completed on {@code executor}, never on the clock's thread, so
   * what waits on it may take its time; the timer is cancelled as soon as {@code future} answers.
   * If the clock schedules no more (it is closing), the wait is not bounded.
   *
   * <p>For a wait on a store, a shared state or a peer that could fail to answer for ever: the
   * routing thread's steps, a conversation's turn to announce its move.
   */
  default <T> CompletableFuture<T> within(
      CompletableFuture<T> future, Duration limit, Executor executor) {
    if (future.isDone()) {
      return future;
    }
    CompletableFuture<T> bounded = new CompletableFuture<>();
    future.whenComplete(
        (v, e) -> {
          if (e != null) {
            bounded.completeExceptionally(e);
          } else {
            bounded.complete(v);
          }
        });
    Timer timer;
    try {
      timer =
          schedule(
              limit,
              () ->
                  executor.execute(
                      () ->
                          bounded.completeExceptionally(
                              new TimeoutException("no answer within " + limit))));
    } catch (RejectedExecutionException closing) {
      return bounded;
    }
    bounded.whenComplete((v, e) -> timer.cancel());
    return bounded;
  }

  /** Stops the timers (a system clock's thread). Idempotent. */
  @Override
  default void close() {}

  /** A scheduled task; cancel it to forget it. */
  interface Timer {
    /** Cancels the task if it has not run yet. Idempotent; any thread. */
    void cancel();
  }

  /** The real clock with one daemon timer thread named {@code threadName}. */
  static NodeClock system(String threadName) {
    return new SystemClock(threadName);
  }

  /** The real clock with the timer thread {@code parley-core-timer}. */
  static NodeClock system() {
    return system("parley-core-timer");
  }

  /** The real clock: {@link System}'s readings and a single-thread scheduler. */
  final class SystemClock implements NodeClock {
    private final ScheduledThreadPoolExecutor timer;

    private SystemClock(String threadName) {
      this.timer =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
              });
      // A cancelled timer leaves the queue at once, not when it would have been due (a move's
      // 30 s turn wait is cancelled as soon as the turn comes: most are).
      timer.setRemoveOnCancelPolicy(true);
    }

    @Override
    public long millis() {
      return System.currentTimeMillis();
    }

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public Timer schedule(Duration delay, Runnable task) {
      ScheduledFuture<?> f =
          timer.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }
}
