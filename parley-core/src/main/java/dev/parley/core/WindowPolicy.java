package dev.parley.core;

/**
 * Which conversations are ephemeral streams — their messages numbered and kept by the {@link
 * StreamWindow}, never written to the {@link MessageStore} — and how much history each keeps. Every
 * other conversation is durable (the delivery contract of {@code docs/ARCHITECTURE.md}).
 *
 * <p>Given to {@link Node.Builder#ephemeralStreams}; the chat layer answers from the namespace of a
 * channel ({@code durability: ephemeral}). Read at each send and each join, so an edited namespace
 * applies to the next ones; a subscription keeps the kind it joined with. Called on any thread;
 * must be fast and must not block.
 */
@FunctionalInterface
public interface WindowPolicy {
  /** Every conversation is durable (the core alone). */
  WindowPolicy NONE = conversation -> null;

  /** The window of {@code conversation} when it is an ephemeral stream; null when it is durable. */
  StreamWindow.Limits windowOf(String conversation);
}
