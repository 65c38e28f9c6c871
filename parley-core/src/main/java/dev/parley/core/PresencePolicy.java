package dev.parley.core;

/**
 * Which conversations keep presence (the count and the list in {@code joined} and {@code
 * presence_list}: {@link #tracks}), which of those name the users present or only count them
 * ({@link #lists}) and which tell their subscribers when users come and go ({@code presence} and
 * {@code presence_batch} events: {@link #announces}). Events are chosen apart because in a large
 * channel they cost one delivery per subscriber per change; a conversation that keeps no presence
 * announces nothing either.
 *
 * <p>Given to {@link Node.Builder#presencePolicy}; the chat layer announces in its conversations,
 * in open channels when configured, and in a namespace's channels as the namespace says. Called on
 * any thread; must be fast and must not block.
 */
@FunctionalInterface
public interface PresencePolicy {
  /** Every conversation announces (the core alone, and the tests). */
  PresencePolicy ALWAYS = conversation -> true;

  /** Whether users coming to and going from {@code conversation} are announced there. */
  boolean announces(String conversation);

  /**
   * Whether {@code conversation} keeps presence at all: when not, a join reads and writes none
   * ({@code joined} lists nobody, with a count of 0), {@code presence_list} answers an empty page
   * and nothing is announced. Every conversation keeps it unless the implementation says otherwise.
   */
  default boolean tracks(String conversation) {
    return true;
  }

  /**
   * Whether a conversation that keeps presence names the users present: when not, its presence is
   * count only — a join is kept and counted, {@code joined} carries the count with no user ids,
   * {@code presence_list} answers an empty page with the count, and nothing is announced (an event
   * would name the user). Every conversation names them unless the implementation says otherwise.
   */
  default boolean lists(String conversation) {
    return true;
  }
}
