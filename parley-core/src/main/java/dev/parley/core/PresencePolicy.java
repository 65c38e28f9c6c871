package dev.parley.core;

/**
 * Which conversations tell their subscribers when users come and go ({@code presence} and {@code
 * presence_batch} events). Presence itself (the count and the list in {@code joined} and {@code
 * presence_list}) is kept for every conversation whatever this says; only the events are chosen
 * here, because in a large channel they cost one delivery per subscriber per change.
 *
 * <p>Given to {@link Node.Builder#presencePolicy}; the chat layer announces in its conversations
 * and not in open channels. Namespaces (issue 19 part 1) are meant to answer it per namespace.
 * Called on any thread; must be fast and must not block.
 */
@FunctionalInterface
public interface PresencePolicy {
  /** Every conversation announces (the core alone, and the tests). */
  PresencePolicy ALWAYS = conversation -> true;

  /** Whether users coming to and going from {@code conversation} are announced there. */
  boolean announces(String conversation);
}
