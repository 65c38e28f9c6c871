package dev.parley.chat;

import java.util.Locale;
import java.util.Set;

/**
 * A lexicon-based mood score of a visitor's message, from -1 (upset) to 1 (happy), so a frustrated
 * visitor stands out in the agents' queue. Counts positive and negative words, flips a word after a
 * negation ("not good"), and weighs shouting (!!, CAPITALS). A hint for people, not a verdict.
 *
 * <p><b>English only</b>: its word lists are English, so it scores only visitors whose language
 * ({@code hello.lang}) is English or unknown ({@link #reads}); for any other language the agents'
 * view carries no mood at all rather than a wrong one (docs/PROTOCOL.md, docs/CLIENTS.md).
 *
 * <p>Stateless and thread-safe.
 */
public final class Sentiment {
  private static final Set<String> POSITIVE =
      Set.of(
          "thanks",
          "thank",
          "great",
          "good",
          "love",
          "awesome",
          "excellent",
          "perfect",
          "helpful",
          "happy",
          "nice",
          "amazing",
          "works",
          "solved",
          "fantastic",
          "glad",
          "cool");
  private static final Set<String> NEGATIVE =
      Set.of(
          "bad",
          "terrible",
          "awful",
          "angry",
          "annoyed",
          "annoying",
          "frustrated",
          "frustrating",
          "useless",
          "broken",
          "hate",
          "worst",
          "slow",
          "wrong",
          "problem",
          "problems",
          "issue",
          "fail",
          "failed",
          "fails",
          "error",
          "stupid",
          "ridiculous",
          "unacceptable",
          "disappointed",
          "refund",
          "cancel",
          "waiting",
          "still",
          "never",
          "horrible");
  private static final Set<String> NEGATIONS =
      Set.of(
          "not", "no", "never", "don't", "doesn't", "isn't", "wasn't", "can't", "cannot", "won't");

  private Sentiment() {}

  /** Whether the score means anything for a visitor speaking {@code lang} (null: unknown). */
  public static boolean reads(String lang) {
    return lang == null
        || lang.isBlank()
        || lang.strip().toLowerCase(Locale.ROOT).split("[-_]", 2)[0].equals("en");
  }

  /** The score of {@code text}, in [-1, 1]; 0 when nothing in it carries a mood. */
  public static double score(String text) {
    String[] words = text.toLowerCase(Locale.ROOT).split("[^a-z']+");
    double sum = 0;
    int hits = 0;
    boolean negate = false;
    for (String w : words) {
      if (w.isEmpty()) {
        continue;
      }
      if (NEGATIONS.contains(w)) {
        negate = true;
        continue;
      }
      int v = POSITIVE.contains(w) ? 1 : NEGATIVE.contains(w) ? -1 : 0;
      if (v != 0) {
        sum += negate ? -v : v;
        hits++;
      }
      negate = false;
    }
    if (hits == 0) {
      return 0;
    }
    double s = sum / hits;
    boolean shouting =
        text.contains("!!")
            || (text.chars().filter(Character::isUpperCase).count() > 8
                && text.chars().filter(Character::isUpperCase).count() * 2
                    > text.chars().filter(Character::isLetter).count());
    if (shouting && s < 0) {
      s = Math.max(-1, s * 1.5);
    }
    return Math.max(-1, Math.min(1, s));
  }
}
