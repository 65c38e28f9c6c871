package dev.parley.chat;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of a matching message that a search result shows: a window of about {@value #WIDTH}
 * characters around the first word that matches, cut into parts, the matching words marked. The
 * parts are plain text for a client to show as text (never markup). A word matches when it begins
 * with one of the query's words, ignoring case and accents.
 *
 * <p>Static; thread-safe.
 */
public final class SearchSnippet {
  /** About how many characters a snippet shows. */
  public static final int WIDTH = 160;

  /** How much comes before the first match, at most. */
  private static final int LEAD = 50;

  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}\\p{M}\\p{Co}]+");
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");

  /** One piece of a snippet: text, and whether it is a matching word. */
  public record Part(String text, boolean match) {}

  private SearchSnippet() {}

  /** The snippet of {@code text} for a query of {@code terms} ({@link SearchQuery#terms()}). */
  public static List<Part> of(String text, List<String> terms) {
    List<String> folded = terms.stream().map(SearchSnippet::fold).toList();
    List<int[]> matches = new ArrayList<>();
    Matcher m = WORD.matcher(text);
    while (m.find()) {
      String w = fold(m.group());
      if (folded.stream().anyMatch(w::startsWith)) {
        matches.add(new int[] {m.start(), m.end()});
      }
    }
    int start = 0;
    if (!matches.isEmpty() && matches.get(0)[0] > LEAD) {
      start = wordStart(text, matches.get(0)[0] - LEAD, matches.get(0)[0]);
    }
    int end = Math.min(text.length(), start + WIDTH);
    if (end < text.length() && Character.isLowSurrogate(text.charAt(end))) {
      end--;
    }
    List<Part> parts = new ArrayList<>();
    StringBuilder plain = new StringBuilder(start > 0 ? "…" : "");
    int at = start;
    for (int[] hit : matches) {
      if (hit[0] < start || hit[0] >= end) {
        continue;
      }
      plain.append(text, at, hit[0]);
      if (!plain.isEmpty()) {
        parts.add(new Part(plain.toString(), false));
        plain.setLength(0);
      }
      int stop = Math.min(hit[1], end);
      parts.add(new Part(text.substring(hit[0], stop), true));
      at = stop;
    }
    plain.append(text, at, end);
    if (end < text.length()) {
      plain.append('…');
    }
    if (!plain.isEmpty()) {
      parts.add(new Part(plain.toString(), false));
    }
    return parts;
  }

  /**
   * The start of the first word at or after {@code i} and before {@code limit} (so a snippet does
   * not begin mid-word), else {@code i}.
   */
  private static int wordStart(String text, int i, int limit) {
    int j = i;
    while (j < limit && !Character.isWhitespace(text.charAt(j))) {
      j++;
    }
    if (j >= limit) {
      return Character.isLowSurrogate(text.charAt(i)) ? i - 1 : i;
    }
    return j + 1;
  }

  /** Lower case without accents: how words are compared. */
  private static String fold(String s) {
    return MARKS
        .matcher(Normalizer.normalize(s, Normalizer.Form.NFD))
        .replaceAll("")
        .toLowerCase(Locale.ROOT);
  }
}
