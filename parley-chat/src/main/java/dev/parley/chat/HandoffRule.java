package dev.parley.chat;

/**
 * When a visitor goes from the bot to a person: it asks ({@code handoff}), its words ask ("can I
 * talk to a human", "mit einem Menschen sprechen", "担当者": the phrases of every language of {@link
 * ChatTexts}), or the bot was unsure twice in a row. Keeps the unsure count per conversation (this
 * node's view).
 *
 * <p>Thread-safe: the counts are a {@link ConversationMemo}.
 */
final class HandoffRule {
  /** Unsure answers in a row after which the conversation goes to the queue. */
  static final int UNSURE_LIMIT = 2;

  private final ConversationMemo<Integer> unsure = new ConversationMemo<>();

  /** Whether {@code text} asks for a person. */
  boolean asksForHuman(String text) {
    return ChatTexts.get().asksForHuman(text);
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
