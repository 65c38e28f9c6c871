package dev.parley.core;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * This node's fan-out: one {@link Broker} subscription per conversation that has local subscribers,
 * and for each, the sessions to hand events to.
 *
 * <p>Thread-safe. Adding and removing subscribers happen inside {@link ConcurrentHashMap#compute},
 * which serialises them per topic; the subscriber array is replaced, never changed, so dispatch (on
 * broker threads) reads it without a lock.
 */
final class LocalHub {
  private final Broker broker;
  private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();

  LocalHub(Broker broker) {
    this.broker = broker;
    broker.onReconnected(this::resyncAll);
  }

  /** After a broker outage: every subscriber re-reads the store from its position. */
  private void resyncAll() {
    for (Topic t : topics.values()) {
      for (ConversationSubscription s : t.subscribers) {
        s.resync();
      }
    }
  }

  static String topicOf(String conversation) {
    return "conv:" + conversation;
  }

  /** Adds a subscriber; the future completes once the broker delivers this topic's events. */
  CompletableFuture<Void> add(ConversationSubscription s) {
    Topic t =
        topics.compute(
            topicOf(s.conversation()),
            (name, old) -> {
              Topic topic = old != null ? old : new Topic(name);
              topic.subscribers = append(topic.subscribers, s);
              return topic;
            });
    return t.ready;
  }

  /** Removes a subscriber; the last one out unsubscribes the node from the broker. */
  void remove(ConversationSubscription s) {
    topics.computeIfPresent(
        topicOf(s.conversation()),
        (name, topic) -> {
          topic.subscribers = without(topic.subscribers, s);
          if (topic.subscribers.length > 0) {
            return topic;
          }
          topic.brokerSubscription.thenAccept(Broker.Subscription::unsubscribe);
          return null;
        });
  }

  int topicCount() {
    return topics.size();
  }

  private static ConversationSubscription[] append(
      ConversationSubscription[] a, ConversationSubscription s) {
    ConversationSubscription[] b = Arrays.copyOf(a, a.length + 1);
    b[a.length] = s;
    return b;
  }

  private static ConversationSubscription[] without(
      ConversationSubscription[] a, ConversationSubscription s) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == s) {
        ConversationSubscription[] b = new ConversationSubscription[a.length - 1];
        System.arraycopy(a, 0, b, 0, i);
        System.arraycopy(a, i + 1, b, i, a.length - i - 1);
        return b;
      }
    }
    return a;
  }

  /** One conversation's local subscribers. */
  private final class Topic implements Consumer<BrokerEvent> {
    /** Replaced (never mutated) inside topics.compute; read by dispatch without a lock. */
    volatile ConversationSubscription[] subscribers = new ConversationSubscription[0];

    final CompletableFuture<Broker.Subscription> brokerSubscription;
    final CompletableFuture<Void> ready;

    Topic(String name) {
      brokerSubscription = broker.subscribe(name, this);
      ready = brokerSubscription.thenApply(s -> null);
    }

    @Override
    public void accept(BrokerEvent event) {
      for (ConversationSubscription s : subscribers) {
        s.deliver(event);
      }
    }
  }
}
