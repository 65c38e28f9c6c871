package dev.parley.bots.knowledge;

import dev.parley.chat.KnowledgeStore.Section;
import java.util.ArrayList;
import java.util.List;

/**
 * Markdown and plain text cut at headings: each {@code #} line starts a section; text before the
 * first heading is a section titled with the document's name. The title is the first heading.
 * Stateless and thread-safe.
 */
final class MarkdownText {
  private MarkdownText() {}

  static Extracted extract(String text, String fallbackTitle) {
    List<Section> out = new ArrayList<>();
    String title = fallbackTitle;
    String first = null;
    StringBuilder body = new StringBuilder();
    boolean inCode = false;
    for (String line : text.split("\\R")) {
      if (line.startsWith("```")) {
        inCode = !inCode;
      }
      if (!inCode && line.matches("#{1,6}\\s+.*")) {
        add(out, title, body);
        title = line.replaceFirst("^#+\\s*", "").replaceFirst("\\s#+\\s*$", "").strip();
        if (first == null) {
          first = title;
        }
        body.setLength(0);
      } else {
        body.append(line).append('\n');
      }
    }
    add(out, title, body);
    return new Extracted(first, out);
  }

  private static void add(List<Section> out, String title, StringBuilder body) {
    String b = body.toString().strip();
    if (!b.isEmpty()) {
      out.add(new Section(title, b));
    }
  }
}
