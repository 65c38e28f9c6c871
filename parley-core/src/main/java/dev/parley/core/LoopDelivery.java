package dev.parley.core;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One conversation's subscribers that share one executor (one event loop), and the live events on
 * their way to them: the unit of the {@link LocalHub}'s fan-out.
 *
 * <p>A broker thread {@link #push}s each event once per loop, not once per subscriber. The first
 * event of a batch schedules one {@link #drain} task on the loop; the drain hands every queued
 * event (up to {@link #MAX_BATCH}) to every subscriber in publish order, each writing without
 * flushing, then flushes each subscriber that wrote once. At R messages/s to S subscribers on L
 * loops that is at most R × L tasks and, under load, far fewer flushes than S × R.
 *
 * <p>Threads: {@link #push} is called by the topic's broker thread, one event at a time in publish
 * order (the {@link Broker} guarantees it), so the queue holds them in that order; {@link #drain}
 * runs on {@link #executor} only, one at a time, so per-conversation order holds for every
 * subscriber. {@code subscribers} is replaced (never changed) under {@link LocalHub}'s per-topic
 * lock and read here without one. Bounded per drain: {@link #MAX_BATCH} events, then the loop runs
 * its other tasks before the next drain; the events waiting in between are what the old design
 * queued as S tasks each, and a slow connection is still the transport's to cut off (4503).
 */
final class LoopDelivery {
  private static final Logger log = LoggerFactory.getLogger(LoopDelivery.class);

  /** Events one drain hands out before it yields the loop to its other tasks. */
  static final int MAX_BATCH = 64;

  private final Executor executor;

  /** This loop's subscribers of the topic. Replaced under LocalHub's per-topic lock. */
  volatile Subscription[] subscribers = new Subscription[0];

  /** Events published and not yet handed out, in publish order. */
  private final ConcurrentLinkedQueue<BrokerEvent> pending = new ConcurrentLinkedQueue<>();

  /** True from the push that scheduled a drain until that drain starts. */
  private final AtomicBoolean scheduled = new AtomicBoolean();

  LoopDelivery(Executor executor) {
    this.executor = executor;
  }

  Executor executor() {
    return executor;
  }

  /** Queues {@code event} for this loop's subscribers. On the topic's broker thread. */
  void push(BrokerEvent event) {
    pending.add(event);
    if (scheduled.compareAndSet(false, true)) {
      executor.execute(this::drain);
    }
  }

  /**
   * On the loop: the queued events to every subscriber, then one flush per subscriber that wrote.
   */
  void drain() {
    // Cleared before polling: an event added from now on schedules another drain (which may find
    // the queue already empty), so none is left behind.
    scheduled.set(false);
    Subscription[] subs = subscribers;
    boolean[] wrote = new boolean[subs.length];
    for (int n = 0; n < MAX_BATCH; n++) {
      BrokerEvent event = pending.poll();
      if (event == null) {
        break;
      }
      for (int i = 0; i < subs.length; i++) {
        try {
          wrote[i] |= subs[i].offer(event);
        } catch (RuntimeException e) {
          log.warn("delivery to a subscriber of {} failed", subs[i].conversation(), e);
        }
      }
    }
    for (int i = 0; i < subs.length; i++) {
      if (wrote[i]) {
        subs[i].flush();
      }
    }
    if (!pending.isEmpty() && scheduled.compareAndSet(false, true)) {
      executor.execute(this::drain);
    }
  }
}
