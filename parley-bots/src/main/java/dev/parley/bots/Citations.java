package dev.parley.bots;

import dev.parley.protocol.MessageMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * The sources an answer cites, from the passages it was drawn from: one per document (its title,
 * and its address when that is an http(s) URL; an uploaded file has none, so it is cited by title
 * only), best passage first, within {@link MessageMeta}'s limits. Stateless and thread-safe.
 */
final class Citations {
  private Citations() {}

  /** The meta citing the documents of {@code hits}, or null when there is none. */
  static MessageMeta of(List<Knowledge.Hit> hits) {
    List<MessageMeta.Source> sources = new ArrayList<>();
    for (Knowledge.Hit h : hits) {
      Knowledge.Passage p = h.passage();
      String title = p.document() == null || p.document().isBlank() ? p.title() : p.document();
      sources.add(MessageMeta.Source.fitted(title, p.source(), null));
    }
    return MessageMeta.citing(sources);
  }
}
