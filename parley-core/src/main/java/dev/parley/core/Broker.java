package dev.parley.core;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Node-to-node fan-out: the {@code Broker} port. One subscription per topic per node; the core fans
 * out to the node's sessions itself.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li>An event published after {@link #subscribe}'s future completed reaches the listener, unless
 *       the broker connection is lost (the core repairs such gaps from the store: a message's seq
 *       tells a subscriber what it missed).
 *   <li>Events of one topic published from one thread reach each listener in publish order. Events
 *       published by different nodes may interleave in any order.
 *   <li>No persistence: the store is the source of truth, the broker only makes delivery fast.
 * </ul>
 *
 * <h2>Threads</h2>
 *
 * Thread-safe. {@link #publish} never blocks. Listeners are called on a broker thread, one at a
 * time per topic, and must not block.
 */
public interface Broker extends AutoCloseable {

  /** Subscribes this node to {@code topic}; the future completes once events will arrive. */
  CompletableFuture<Subscription> subscribe(String topic, Consumer<BrokerEvent> listener);

  /**
   * Publishes to every node subscribed to {@code topic}, this one included. Never blocks. The
   * future completes once the broker has taken the event (for Redis: the server replied), so every
   * node subscribed then either receives it or loses its own connection and catches up; it may take
   * as long as a broker outage lasts.
   */
  CompletableFuture<Void> publish(String topic, BrokerEvent event);

  /**
   * Registers {@code listener} to run (on a broker thread) each time the broker's connection came
   * back after a loss and every subscription is active again. Events published meanwhile may be
   * lost, so the core catches every subscriber up from the store. The in-memory broker never loses
   * its connection and never calls it.
   */
  default void onReconnected(Runnable listener) {}

  /** Whether the broker is reachable now. */
  boolean isHealthy();

  @Override
  void close();

  /** A node's subscription to one topic. */
  interface Subscription {
    /** Stops delivery to this subscription's listener. Idempotent. */
    void unsubscribe();
  }
}
