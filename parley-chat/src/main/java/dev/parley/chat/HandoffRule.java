package dev.parley.chat;

import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * When a visitor goes from the bot to a person: it asks ({@code handoff}), its words ask ("can I
 * talk to a human"), or the bot was unsure twice in a row. Keeps the unsure count per conversation
 * (this node's view).
 *
 * <p>Thread-safe: the counts are a concurrent map.
 */
final class HandoffRule {
  private static final Pattern ASKS_FOR_HUMAN =
      Pattern.compile(
          "\\b(human|real person|someone real|an? (agent|operator|person)|talk to (a |an )?(person|agent|someone)"
              + "|representative|customer service|support team)\\b",
          Pattern.CASE_INSENSITIVE);

  /** Unsure answers in a row after which the conversation goes to the queue. */
  static final int UNSURE_LIMIT = 2;

  private final ConcurrentHashMap<String, Integer> unsure = new ConcurrentHashMap<>();

  /** Whether {@code text} asks for a person. */
  boolean asksForHuman(String text) {
    return ASKS_FOR_HUMAN.matcher(text).find();
  }

  /**
   * The bot's answer in {@code conv} was unsure: true when that makes {@link #UNSURE_LIMIT} in a
   * row.
   */
  boolean unsure(String conv) {
    if (unsure.merge(conv, 1, Integer::sum) >= UNSURE_LIMIT) {
      unsure.remove(conv);
      return true;
    }
    return false;
  }

  /** The bot was sure, or a person took over: start counting again. */
  void reset(String conv) {
    unsure.remove(conv);
  }
}
