package dev.parley.client;

import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one thread a {@link ParleyClient}'s state is confined to: it runs the public methods' work in
 * the order called, the client's periodic tick and its retries, and — as the {@code HttpClient}'s
 * executor — the sockets' callbacks, so nothing the client holds needs a lock.
 *
 * <p>Thread-safe: any thread may hand it work or ask it a question.
 */
final class ClientThread {
  /** How long a question waits for the thread's answer before it gives up. */
  private static final long ANSWER_SECONDS = 10;

  /** How long a question after shutdown waits for the work still queued. */
  private static final long DRAIN_SECONDS = 5;

  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "parley-client");
            t.setDaemon(true);
            return t;
          });

  /** The thread as an executor, for the {@code HttpClient} and for scheduling retries. */
  ScheduledExecutorService executor() {
    return loop;
  }

  /** Runs {@code task} on the thread after the work queued before it; false after shutdown. */
  boolean run(Runnable task) {
    try {
      loop.execute(task);
      return true;
    } catch (RejectedExecutionException shutDown) {
      return false;
    }
  }

  /** Runs {@code task} every {@code millis} until shutdown. */
  void every(long millis, Runnable task) {
    loop.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Asks {@code question} on the thread and waits for the answer. After shutdown, once the work
   * still queued has run, it is asked on the caller's thread: nothing changes any more.
   *
   * @throws IllegalStateException when the thread does not answer in time
   */
  <T> T call(Callable<T> question) {
    if (loop.isShutdown()) {
      try {
        loop.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS);
        return question.call();
      } catch (Exception e) {
        throw new IllegalStateException("the client is closed", e);
      }
    }
    try {
      return loop.submit(question).get(ANSWER_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the client thread did not answer", e);
    }
  }

  boolean isShutdown() {
    return loop.isShutdown();
  }

  /** Lets the work queued so far run, then ends the thread; later work is refused. */
  void shutdown() {
    loop.shutdown();
  }
}
