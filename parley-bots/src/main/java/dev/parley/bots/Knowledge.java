package dev.parley.bots;

import java.util.List;

/**
 * What a bot answers from: a site's own documents ({@code knowledge.SiteKnowledge}) or the
 * deployment's Markdown ({@link KnowledgeBase}). Ranked with BM25 (and, for a site with an
 * embeddings endpoint, BM25 and vectors fused: {@code knowledge.SiteIndex}); each hit carries a
 * confidence, the share of the question's meaningful words its passage contains (1.0: all of them)
 * or, when greater, its cosine similarity with the question, which the bots compare with the site's
 * threshold.
 *
 * <p>Implementations are thread-safe and may block briefly (an index search): call from a bot's
 * thread, never an event loop.
 */
public interface Knowledge {

  /**
   * A piece of a document.
   *
   * @param title its heading (or page)
   * @param document the title of the document it comes from
   * @param source where that document came from: a URL or a file name (a citation's link or name)
   */
  record Passage(String title, String body, String document, String source) {}

  /** A passage and how well it covers the question. */
  record Hit(Passage passage, double confidence) {}

  /**
   * The best {@code n} passages for {@code question}, best first. {@code context} (the visitor's
   * earlier turns, newest last) helps rank but counts for less than the question, and not for the
   * confidence.
   */
  List<Hit> search(String question, List<String> context, int n);
}
