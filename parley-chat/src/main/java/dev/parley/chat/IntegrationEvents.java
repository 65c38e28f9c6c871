package dev.parley.chat;

/**
 * The chat layer's outbound port for integrations: it calls {@link #emit} once per {@link
 * IntegrationEvent}, in the order the events happened for a conversation on this node. An
 * implementation (event webhooks, in {@code parley-bots}) decides who hears of it; the chat layer
 * knows no HTTP.
 *
 * <p>Called on any thread, event loops and store threads included: an implementation must never
 * block (hand the event to a bounded queue, and drop it — counted and logged — when that is full).
 */
public interface IntegrationEvents {
  /** Hears of nothing. */
  IntegrationEvents NONE = e -> {};

  /** Takes {@code event}; never blocks, never throws. */
  void emit(IntegrationEvent event);
}
