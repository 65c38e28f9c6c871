package dev.parley.core;

import java.util.concurrent.Executor;

/**
 * One session's subscription to one conversation, as the {@link LocalHub} and the {@link Session}
 * see it. Two kinds, side by side and independent: {@link ConversationSubscription} for durable
 * conversations (replay from the {@link MessageStore}) and {@link WindowSubscription} for ephemeral
 * streams (replay from the {@link StreamWindow}).
 *
 * <p>Confined to the session's executor ({@link #executor}) except {@link #resync}, which hops.
 */
sealed interface Subscription permits ConversationSubscription, WindowSubscription {
  String conversation();

  /** The executor this subscription is confined to: its session's (the connection's loop). */
  Executor executor();

  /**
   * A live event, inside a delivery batch: writes what it should without flushing and answers
   * whether it wrote anything, so that the batch {@link #flush}es it once (and, for a stored
   * message, counts it delivered).
   */
  boolean offer(BrokerEvent event);

  /** Makes what {@link #offer} wrote leave. */
  void flush();

  /** After a broker outage, from a broker thread: catch up from where history is kept. */
  void resync();

  /** Stops all writes from this subscription. */
  void deactivate();

  boolean isActive();

  /** The highest seq written to the client. */
  long delivered();
}
