package dev.parley.core;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link Broker} for one node: publish calls each listener directly on the publishing thread.
 *
 * <p>Thread-safe: the topic map is concurrent and each topic's listener list is copy-on-write, so
 * publishing never takes a lock. Listeners must be cheap (the core's only hop to an executor).
 */
public final class InMemoryBroker implements Broker {
  private final ConcurrentHashMap<String, List<Consumer<BrokerEvent>>> topics =
      new ConcurrentHashMap<>();

  @Override
  public CompletableFuture<Subscription> subscribe(String topic, Consumer<BrokerEvent> listener) {
    topics.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(listener);
    Subscription s =
        () ->
            topics.computeIfPresent(
                topic,
                (t, list) -> {
                  list.remove(listener);
                  return list.isEmpty() ? null : list;
                });
    return CompletableFuture.completedFuture(s);
  }

  @Override
  public CompletableFuture<Void> publish(String topic, BrokerEvent event) {
    List<Consumer<BrokerEvent>> listeners = topics.get(topic);
    if (listeners != null) {
      for (Consumer<BrokerEvent> l : listeners) {
        l.accept(event);
      }
    }
    return DONE;
  }

  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  @Override
  public boolean isHealthy() {
    return true;
  }

  @Override
  public void close() {
    topics.clear();
  }
}
