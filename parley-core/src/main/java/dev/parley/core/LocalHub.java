package dev.parley.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * This node's fan-out: one {@link Broker} subscription per conversation that has local
 * subscribers, and for each, the sessions to hand events to. Also keeps the ephemeral state
 * (typing) seen on each topic, for snapshots to later joiners.
 *
 * <p>Thread-safe. Adding and removing subscribers happen inside {@link ConcurrentHashMap#compute},
 * which serialises them per topic; the subscriber array is replaced, never changed, so dispatch
 * (on broker threads) reads it without a lock.
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

  /** The frames of the ephemeral state currently live on a conversation (typing). */
  List<byte[]> snapshot(String conversation) {
    Topic t = topics.get(topicOf(conversation));
    if (t == null) {
      return List.of();
    }
    long now = System.nanoTime();
    List<byte[]> frames = new ArrayList<>();
    t.state.forEach((key, entry) -> {
      if (entry.expiresAtNanos - now > 0) {
        frames.add(entry.frame);
      } else {
        t.state.remove(key, entry);
      }
    });
    return frames;
  }

  int topicCount() {
    return topics.size();
  }

  private static ConversationSubscription[] append(ConversationSubscription[] a, ConversationSubscription s) {
    ConversationSubscription[] b = Arrays.copyOf(a, a.length + 1);
    b[a.length] = s;
    return b;
  }

  private static ConversationSubscription[] without(ConversationSubscription[] a, ConversationSubscription s) {
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

  private record StateEntry(long expiresAtNanos, byte[] frame) {}

  /** One conversation's local subscribers. */
  private final class Topic implements Consumer<BrokerEvent> {
    /** Replaced (never mutated) inside topics.compute; read by dispatch without a lock. */
    volatile ConversationSubscription[] subscribers = new ConversationSubscription[0];

    final ConcurrentHashMap<String, StateEntry> state = new ConcurrentHashMap<>();
    final CompletableFuture<Broker.Subscription> brokerSubscription;
    final CompletableFuture<Void> ready;

    Topic(String name) {
      brokerSubscription = broker.subscribe(name, this);
      ready = brokerSubscription.thenApply(s -> null);
    }

    @Override
    public void accept(BrokerEvent event) {
      if (event.stateKey() != null) {
        if (event.ttlMillis() > 0) {
          state.put(event.stateKey(), new StateEntry(System.nanoTime() + event.ttlMillis() * 1_000_000L, event.frame()));
        } else {
          state.remove(event.stateKey());
        }
      }
      for (ConversationSubscription s : subscribers) {
        s.deliver(event);
      }
    }
  }
}
