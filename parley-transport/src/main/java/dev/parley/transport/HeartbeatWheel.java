package dev.parley.transport;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The heartbeat timers of one event loop's connections, on one timer: a hashed wheel of slots one
 * tick apart (1 s for the default 30 s / 10 s heartbeat), walked by a single periodic task on the
 * loop itself.
 *
 * <p>Why not a scheduled task per connection: at 19,000 idle connections that is 1,300 timer
 * firings a second, each waking the loop on its own (an {@code epoll_wait} return and a timer
 * re-arm), plus a task object per connection. Here the loop wakes once a tick and handles every
 * heartbeat due in it together; a connection costs one reference in a slot. Heartbeats fire up to
 * one tick late, never early.
 *
 * <p>Not thread-safe: used only on its event loop.
 */
final class HeartbeatWheel {
  /** A connection's heartbeat, called on the loop when due. */
  interface Member {
    /**
     * Does what is due; returns the nanoseconds until it is due again, or a negative number to
     * leave.
     */
    long due(long nowNanos);
  }

  /** The wheel of each event loop, for one server, and the heartbeat's two periods. */
  static final class PerLoop {
    private final long intervalNanos;
    private final long timeoutNanos;
    private final long tickNanos;
    private final long longestDelayNanos;
    private final ConcurrentHashMap<EventExecutor, HeartbeatWheel> wheels =
        new ConcurrentHashMap<>();

    /** For heartbeats of {@code intervalNanos} with {@code timeoutNanos} to answer. */
    PerLoop(long intervalNanos, long timeoutNanos) {
      this.intervalNanos = intervalNanos;
      this.timeoutNanos = timeoutNanos;
      // A tenth of the shorter period, between 10 ms and 1 s: late by at most that much.
      this.tickNanos =
          Math.clamp(
              Math.min(intervalNanos, timeoutNanos) / 10,
              TimeUnit.MILLISECONDS.toNanos(10),
              TimeUnit.SECONDS.toNanos(1));
      this.longestDelayNanos = Math.max(intervalNanos, timeoutNanos);
    }

    /** How long after a ping (or the upgrade) the next ping is due. */
    long intervalNanos() {
      return intervalNanos;
    }

    /** How long a ping waits for any traffic before the connection is closed (4408). */
    long timeoutNanos() {
      return timeoutNanos;
    }

    HeartbeatWheel of(EventExecutor loop) {
      return wheels.computeIfAbsent(loop, l -> new HeartbeatWheel(l, tickNanos, longestDelayNanos));
    }
  }

  private final EventExecutor loop;
  private final long tickNanos;
  private final ArrayList<Member>[] slots;

  /** The slot of the last tick. */
  private int cursor;

  private long members;
  private ScheduledFuture<?> timer;

  @SuppressWarnings({"unchecked", "rawtypes"}) // an array of a generic type is made raw
  HeartbeatWheel(EventExecutor loop, long tickNanos, long longestDelayNanos) {
    this.loop = loop;
    this.tickNanos = tickNanos;
    this.slots = new ArrayList[(int) ((longestDelayNanos + tickNanos - 1) / tickNanos) + 2];
  }

  /**
   * Calls {@code m} when {@code delayNanos} have passed, rounded up to whole ticks; a delay longer
   * than the wheel's longest (the heartbeat's interval or timeout) is cut to it. On the loop.
   */
  void add(Member m, long delayNanos) {
    long ticks = Math.max(1, (delayNanos + tickNanos - 1) / tickNanos);
    int slot = (int) ((cursor + Math.min(ticks, slots.length - 1)) % slots.length);
    if (slots[slot] == null) {
      slots[slot] = new ArrayList<>();
    }
    slots[slot].add(m);
    members++;
    if (timer == null) {
      timer = loop.scheduleAtFixedRate(this::tick, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void tick() {
    cursor = (cursor + 1) % slots.length;
    ArrayList<Member> due = slots[cursor];
    if (due != null && !due.isEmpty()) {
      slots[cursor] = null; // members due again go to later slots (at least one tick ahead)
      long now = loop.ticker().nanoTime();
      for (Member m : due) {
        members--;
        long next = m.due(now);
        if (next >= 0) {
          add(m, next);
        }
      }
      due.clear();
      if (slots[cursor] == null) {
        slots[cursor] = due; // keep the list for the next round
      }
    }
    if (members == 0 && timer != null) {
      timer.cancel(false); // nothing to watch: no wake-ups until the next connection
      timer = null;
    }
  }
}
