package dev.parley.core;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * This node's fan-out: one {@link Broker} subscription per conversation that has local subscribers,
 * and for each, its subscribers grouped by the executor (event loop) they are confined to: one
 * {@link LoopDelivery} per loop, which hands each event to that loop's subscribers in one task per
 * batch instead of one task per subscriber per event.
 *
 * <p>Thread-safe. Adding and removing subscribers happen inside {@link ConcurrentHashMap#compute},
 * which serialises them per topic; the loop array and each loop's subscriber array are replaced,
 * never changed, so dispatch (on broker threads) and the drains (on the loops) read them without a
 * lock.
 */
final class LocalHub {
  private final Broker broker;
  private final CoreMetrics metrics;
  private final NodeClock clock;
  private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();

  /** {@code metrics} and {@code clock} count the live deliveries and their latency. */
  LocalHub(Broker broker, CoreMetrics metrics, NodeClock clock) {
    this.broker = broker;
    this.metrics = metrics;
    this.clock = clock;
    broker.onReconnected(this::resyncAll);
  }

  /** After a broker outage: every subscriber re-reads the store from its position. */
  private void resyncAll() {
    for (Topic t : topics.values()) {
      for (LoopDelivery loop : t.loops) {
        for (Subscription s : loop.subscribers) {
          s.resync();
        }
      }
    }
  }

  static String topicOf(String conversation) {
    return "conv:" + conversation;
  }

  /** Adds a subscriber; the future completes once the broker delivers this topic's events. */
  CompletableFuture<Void> add(Subscription s) {
    Topic t =
        topics.compute(
            topicOf(s.conversation()),
            (name, old) -> {
              Topic topic = old != null ? old : new Topic(name);
              topic.add(s);
              return topic;
            });
    return t.ready;
  }

  /** Removes a subscriber; the last one out unsubscribes the node from the broker. */
  void remove(Subscription s) {
    topics.computeIfPresent(
        topicOf(s.conversation()),
        (name, topic) -> {
          if (topic.remove(s)) {
            return topic;
          }
          topic.brokerSubscription.thenAccept(Broker.Subscription::unsubscribe);
          return null;
        });
  }

  int topicCount() {
    return topics.size();
  }

  private static <T> T[] append(T[] a, T s) {
    T[] b = Arrays.copyOf(a, a.length + 1);
    b[a.length] = s;
    return b;
  }

  private static <T> T[] without(T[] a, T s) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == s) {
        T[] b = Arrays.copyOf(a, a.length - 1);
        System.arraycopy(a, i + 1, b, i, a.length - i - 1);
        return b;
      }
    }
    return a;
  }

  /** One conversation's local subscribers, by loop. */
  private final class Topic implements Consumer<BrokerEvent> {
    /** Replaced (never mutated) inside topics.compute; read by dispatch without a lock. */
    volatile LoopDelivery[] loops = new LoopDelivery[0];

    final CompletableFuture<Broker.Subscription> brokerSubscription;
    final CompletableFuture<Void> ready;

    Topic(String name) {
      brokerSubscription = broker.subscribe(name, this);
      ready = brokerSubscription.thenApply(s -> null);
    }

    /** Inside topics.compute: {@code s} joins its loop's group (made when it is the first). */
    void add(Subscription s) {
      for (LoopDelivery loop : loops) {
        if (loop.executor() == s.executor()) {
          loop.subscribers = append(loop.subscribers, s);
          return;
        }
      }
      LoopDelivery loop = new LoopDelivery(s.executor(), metrics, clock);
      loop.subscribers = append(loop.subscribers, s);
      loops = append(loops, loop);
    }

    /** Inside topics.compute: removes {@code s}; false when no subscriber is left. */
    boolean remove(Subscription s) {
      for (LoopDelivery loop : loops) {
        loop.subscribers = without(loop.subscribers, s);
        if (loop.subscribers.length == 0) {
          loops = without(loops, loop);
        }
      }
      return loops.length > 0;
    }

    /** On the topic's broker thread: once per loop, not once per subscriber. */
    @Override
    public void accept(BrokerEvent event) {
      for (LoopDelivery loop : loops) {
        loop.push(event);
      }
    }
  }
}
