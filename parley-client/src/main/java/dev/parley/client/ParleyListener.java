package dev.parley.client;

import dev.parley.protocol.Push;

/**
 * Receives what a {@link ParleyClient} hears. Every method is a no-op by default: implement only
 * what you need. Called on the client's own thread, one call at a time; must not block.
 */
public interface ParleyListener {
  /** A message, in seq order per conversation, each exactly once. */
  default void onMessage(Push.Message message) {}

  /** The connection state changed. */
  default void onStateChange(ParleyClient.State from, ParleyClient.State to) {}

  /** Any other event: typing, receipts, joined, history pages. */
  default void onEvent(Push event) {}

  /**
   * An {@code error} event that did not belong to a pending send (those fail its future instead).
   */
  default void onError(Push.Error error) {}
}
