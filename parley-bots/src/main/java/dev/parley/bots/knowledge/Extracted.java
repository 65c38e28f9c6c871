package dev.parley.bots.knowledge;

import dev.parley.chat.KnowledgeStore.Section;
import java.util.List;

/**
 * A document's text as an extractor found it: a title (null when the document names none) and
 * sections, each a heading (or page) and its text, not yet bounded in size.
 */
public record Extracted(String title, List<Section> sections) {
  public Extracted {
    sections = List.copyOf(sections);
  }
}
