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
   * An ephemeral channel could not be resumed exactly ({@code docs/PROTOCOL.md#continuity_lost}):
   * the messages between the position held and {@code lost.from()} are gone and will never come.
   * The client has moved its position to ({@code lost.epoch()}, {@code lost.from()}) already; the
   * messages after it (what the channel's window still holds) reach {@link #onMessage} after this
   * call. Refresh whatever you show from the application.
   */
  default void onContinuityLost(Push.ContinuityLost lost) {}

  /**
   * An {@code error} event that did not belong to a pending send (those fail its future instead).
   */
  default void onError(Push.Error error) {}
}
