package dev.parley.core;

import java.util.ArrayList;
import java.util.List;
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
 * event of a batch schedules one {@link #drain} task on the loop; the drain takes the queued events
 * (up to {@link #MAX_BATCH}) and hands them, in publish order, to one subscriber after another,
 * each writing without flushing and flushed once after its last write. At R messages/s to S
 * subscribers on L loops that is at most R × L tasks and, under load, far fewer flushes than S × R.
 * The drain then counts each stored message delivered once for all of the loop's subscribers that
 * got it ({@link CoreMetrics#messagesDelivered}, on the loop).
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
  static final int MAX_BATCH = Connection.BATCH_FRAMES;

  private static final BrokerEvent[] NONE = new BrokerEvent[0];

  private final Executor executor;
  private final CoreMetrics metrics;
  private final NodeClock clock;

  /** This loop's subscribers of the topic. Replaced under LocalHub's per-topic lock. */
  volatile Subscription[] subscribers = new Subscription[0];

  /** Events published and not yet handed out, in publish order. */
  private final ConcurrentLinkedQueue<BrokerEvent> pending = new ConcurrentLinkedQueue<>();

  /** True from the push that scheduled a drain until that drain starts. */
  private final AtomicBoolean scheduled = new AtomicBoolean();

  LoopDelivery(Executor executor, CoreMetrics metrics, NodeClock clock) {
    this.executor = executor;
    this.metrics = metrics;
    this.clock = clock;
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
   * On the loop: the queued events (up to {@link #MAX_BATCH}) to one subscriber after another, each
   * flushed once right after its own writes.
   *
   * <p>Subscriber by subscriber, not event by event: a subscriber's connection (its channel, its
   * outbound buffer, its subscription's state) is touched once per batch while it is in the CPU's
   * cache. Handing each event to every subscriber and then flushing every subscriber walked all of
   * the loop's connections twice, and the flush pass found them evicted by the writes to the others
   * (BENCHMARKS.md, "Fan-out: one subscriber at a time"). Order is per subscriber, so it holds. One
   * subscriber's failure (logged) takes nothing from the others, and the events left queued always
   * get their drain.
   */
  void drain() {
    // Cleared before polling: an event added from now on schedules another drain (which may find
    // the queue already empty), so none is left behind.
    scheduled.set(false);
    try {
      BrokerEvent[] batch = poll();
      if (batch.length > 0) {
        int[] delivered = new int[batch.length];
        for (Subscription s : subscribers) {
          offerAll(s, batch, delivered);
        }
        count(batch, delivered);
      }
    } finally {
      if (!pending.isEmpty() && scheduled.compareAndSet(false, true)) {
        executor.execute(this::drain);
      }
    }
  }

  /** Up to {@link #MAX_BATCH} queued events in publish order; usually one under light load. */
  private BrokerEvent[] poll() {
    BrokerEvent first = pending.poll();
    if (first == null) {
      return NONE;
    }
    BrokerEvent second = pending.poll();
    if (second == null) {
      return new BrokerEvent[] {first};
    }
    List<BrokerEvent> more = new ArrayList<>();
    more.add(first);
    more.add(second);
    for (BrokerEvent e; more.size() < MAX_BATCH && (e = pending.poll()) != null; ) {
      more.add(e);
    }
    return more.toArray(NONE);
  }

  /**
   * The batch to {@code s} in order, then one flush if it wrote anything; adds 1 to {@code
   * delivered[i]} when it wrote {@code batch[i]} (for a stored message: delivered it live).
   */
  private static void offerAll(Subscription s, BrokerEvent[] batch, int[] delivered) {
    boolean wrote = false;
    for (int i = 0; i < batch.length; i++) {
      try {
        if (s.offer(batch[i])) {
          wrote = true;
          delivered[i]++;
        }
      } catch (RuntimeException e) {
        log.warn("delivery to a subscriber of {} failed", s.conversation(), e);
      }
    }
    if (wrote) {
      try {
        s.flush();
      } catch (RuntimeException e) {
        log.warn("flushing a subscriber of {} failed", s.conversation(), e);
      }
    }
  }

  /**
   * Counts the batch's live deliveries of stored messages: one latency per message for all of this
   * loop's subscribers that got it (they got it in this drain; taken after the last of them, so the
   * loop's slowest), instead of a histogram update per delivery on the fan-out's hottest path.
   */
  private void count(BrokerEvent[] batch, int[] delivered) {
    long now = clock.millis();
    for (int i = 0; i < batch.length; i++) {
      BrokerEvent e = batch[i];
      if (delivered[i] > 0 && e.kind() == BrokerEvent.Kind.MESSAGE && e.ttlMillis() > 0) {
        metrics.messagesDelivered(delivered[i], now - e.ttlMillis());
      }
    }
  }
}
