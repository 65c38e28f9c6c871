package dev.parley.bots.knowledge;

import dev.parley.chat.KnowledgeStore.Section;
import java.util.ArrayList;
import java.util.List;

/**
 * Bounds sections in size: a section longer than {@code maxChars} is cut into pieces of the same
 * title, at a paragraph break if one falls in the second half of the piece, else at a sentence end,
 * else at a space, else hard. Stateless and thread-safe.
 */
final class Chunker {
  private Chunker() {}

  static List<Section> bound(List<Section> sections, int maxChars) {
    List<Section> out = new ArrayList<>();
    for (Section s : sections) {
      String rest = s.body();
      while (rest.length() > maxChars) {
        int cut = cut(rest, maxChars);
        out.add(new Section(s.title(), rest.substring(0, cut).strip()));
        rest = rest.substring(cut).strip();
      }
      if (!rest.isEmpty()) {
        out.add(new Section(s.title(), rest));
      }
    }
    return out;
  }

  private static int cut(String text, int max) {
    int half = max / 2;
    for (String mark : new String[] {"\n\n", ". ", "\n", " "}) {
      int at = text.lastIndexOf(mark, max - mark.length());
      if (at >= half) {
        return at + mark.length();
      }
    }
    return max;
  }
}
