package dev.parley.bots.knowledge;

import dev.parley.bots.Knowledge;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A site's knowledge as its bots see it, one object for the site's lifetime: the current generation
 * of its {@link SiteIndex}, swapped in one step when a newer one is built ({@link #swap}); while
 * the site has no ready sections, the deployment's knowledge ({@code fallback}: its sites-file
 * folder, {@code --kb-dir} or the built-in Parley documentation), as before documents could be
 * uploaded.
 *
 * <p>Thread-safe: searches run on bots' threads, each holding a reference on the generation it
 * started with; swaps come from the index builder's thread.
 */
public final class SiteKnowledge implements Knowledge {
  private final Knowledge fallback;
  private final AtomicReference<SiteIndex> current = new AtomicReference<>();

  SiteKnowledge(Knowledge fallback) {
    this.fallback = fallback;
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
          return i.search(question, context, n);
        } finally {
          i.release();
        }
      }
      // retired between the read and the acquire: a newer one is in force; read again
    }
  }
}
