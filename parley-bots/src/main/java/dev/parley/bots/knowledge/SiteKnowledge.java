package dev.parley.bots.knowledge;

import dev.parley.bots.Knowledge;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * A site's knowledge as its bots see it, one object for the site's lifetime: the current generation
 * of its {@link SiteIndex}, swapped in one step when a newer one is built ({@link #swap}); while
 * the site has no ready sections, the deployment's knowledge ({@code fallback}: its sites-file
 * folder, {@code --kb-dir} or the built-in Parley documentation), as before documents could be
 * uploaded. When the generation in force has vectors, the question's (with the earlier turns before
 * it) is asked of {@code queryVector} and the search is hybrid ({@link SiteIndex}); when that gives
 * none (no endpoint in the same space now, or it failed), the words alone rank.
 *
 * <p>Thread-safe: searches run on bots' threads, each holding a reference on the generation it
 * started with; swaps come from the index builder's thread.
 */
public final class SiteKnowledge implements Knowledge {
  private final Knowledge fallback;
  private final BiFunction<String, String, float[]> queryVector;
  private final AtomicReference<SiteIndex> current = new AtomicReference<>();

  /**
   * @param queryVector the vector of a text (second) in an embedding space (first), or null when
   *     none can be had; blocks for a bounded time
   */
  SiteKnowledge(Knowledge fallback, BiFunction<String, String, float[]> queryVector) {
    this.fallback = fallback;
    this.queryVector = queryVector;
  }

  /** Puts {@code next} in force (null: none) and retires the generation it replaces. */
  void swap(SiteIndex next) {
    SiteIndex old = current.getAndSet(next);
    if (old != null) {
      old.retire();
    }
  }

  /** The generation in force, or null. */
  SiteIndex current() {
    return current.get();
  }

  /** Whether the site's own documents answer (rather than the deployment's knowledge). */
  public boolean own() {
    SiteIndex i = current.get();
    return i != null && i.size() > 0;
  }

  @Override
  public List<Hit> search(String question, List<String> context, int n) {
    while (true) {
      SiteIndex i = current.get();
      if (i == null || i.size() == 0) {
        return fallback == null ? List.of() : fallback.search(question, context, n);
      }
      if (i.acquire()) {
        try {
          float[] v = null;
          if (i.space() != null) {
            List<String> turns = new ArrayList<>(context);
            turns.add(question);
            v = queryVector.apply(i.space(), String.join("\n", turns));
          }
          return i.search(question, context, n, v);
        } finally {
          i.release();
        }
      }
      // retired between the read and the acquire: a newer one is in force; read again
    }
  }
}
