package dev.parley.core;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/**
 * A {@link NodeClock} that moves only when a test says so. {@link #advance} moves both readings and
 * runs every timer that falls due, in time order, on the calling thread (timers only hop to
 * executors, so a test then waits for what they send, never for time).
 *
 * <p>Thread-safe: guarded by {@code this}; timers run outside the lock.
 */
public final class ManualClock implements NodeClock {
  private long nanos;
  private final long epochMillisAtZero;
  private long sequence;
  private final PriorityQueue<Task> due = new PriorityQueue<>();

  private final class Task implements Comparable<Task>, Timer {
    final long at;
    final long order = sequence++;
    final Runnable run;
    boolean cancelled;

    Task(long at, Runnable run) {
      this.at = at;
      this.run = run;
    }

    @Override
    public int compareTo(Task o) {
      return at != o.at ? Long.compare(at, o.at) : Long.compare(order, o.order);
    }

    @Override
    public void cancel() {
      synchronized (ManualClock.this) {
        cancelled = true;
        due.remove(this);
      }
    }
  }

  /** A clock that reads {@code start} until advanced. */
  public ManualClock(Instant start) {
    this.epochMillisAtZero = start.toEpochMilli();
  }

  /** A clock that starts at 2026-01-01T00:00:00Z. */
  public ManualClock() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Override
  public synchronized long millis() {
    return epochMillisAtZero + nanos / 1_000_000;
  }

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  @Override
  public synchronized Timer schedule(Duration delay, Runnable task) {
    Task t = new Task(nanos + Math.max(0, delay.toNanos()), task);
    due.add(t);
    notifyAll(); // awaitTimerAt
    return t;
  }

  /**
   * Waits until a timer falls due {@code d} from now (one another thread is about to schedule: a
   * wait it starts once a call the test holds has returned), at most 5 s of real time. The clock
   * must not move meanwhile.
   */
  public synchronized void awaitTimerAt(Duration d) throws InterruptedException {
    long at = nanos + d.toNanos();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (due.stream().noneMatch(t -> t.at == at)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no timer due " + d + " from now within 5 s");
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** Whether a timer falls due exactly {@code d} from now. */
  public synchronized boolean hasTimerAt(Duration d) {
    long at = nanos + d.toNanos();
    return due.stream().anyMatch(t -> t.at == at);
  }

  /** Timers waiting to run. */
  public synchronized int pendingTimers() {
    return due.size();
  }

  /** Moves time forward by {@code d}, running each timer that falls due at its own moment. */
  public void advance(Duration d) {
    long target;
    synchronized (this) {
      target = nanos + d.toNanos();
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = due.peek();
        if (next == null || next.at > target) {
          nanos = target;
          return;
        }
        due.poll();
        nanos = Math.max(nanos, next.at);
      }
      if (!next.cancelled) {
        next.run.run();
      }
    }
  }
}
