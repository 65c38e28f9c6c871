package dev.parley.bots;

import dev.parley.chat.Bot;
import dev.parley.core.StoredMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * What a bot searches its knowledge with: the question and the visitor's last few turns before it
 * ({@value #TURNS}), so "and how much is it?" after "tell me about the Pro plan" finds the Pro
 * plan. Stateless and thread-safe.
 */
final class Retrieval {
  /** Earlier visitor turns that help rank. */
  static final int TURNS = 3;

  private Retrieval() {}

  /** The visitor's (text) turns before the question, oldest first, at most {@value #TURNS}. */
  static List<String> earlierTurns(Bot.Question q) {
    List<String> out = new ArrayList<>();
    List<StoredMessage> h = q.history();
    for (int i = h.size() - 1; i >= 0 && out.size() < TURNS; i--) {
      if (h.get(i).kind().equals("text")) {
        out.addFirst(h.get(i).text());
      }
    }
    return out;
  }

  /** The best {@code n} passages for what the visitor said ({@link Bot.Question#said}). */
  static List<Knowledge.Hit> search(Knowledge k, Bot.Question q, int n) {
    return k.search(q.said(), earlierTurns(q), n);
  }
}
