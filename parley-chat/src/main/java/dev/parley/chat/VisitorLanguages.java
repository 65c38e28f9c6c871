package dev.parley.chat;

import dev.parley.core.Node;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The language each visitor speaks (its {@code hello.lang}), so the chat's texts to it — system
 * messages, the bot's fallbacks — are in that language ({@link ChatTexts}), whichever node emits
 * them: kept in the shared state ({@code chat-lang:<visitor>}, for {@link #MEMORY} after its last
 * hello) with this node's view in front. No language: English.
 *
 * <p>Thread-safe: a concurrent map; never blocks.
 */
final class VisitorLanguages {
  /** How long a visitor's language is remembered after its last hello. */
  static final Duration MEMORY = Duration.ofDays(30);

  private static final String KEY = "chat-lang:";

  private final Node node;
  private final ConcurrentHashMap<String, String> known = new ConcurrentHashMap<>();

  VisitorLanguages(Node node) {
    this.node = node;
  }

  /** At most this many visitors are kept in this node's view (then it starts afresh). */
  static final int LOCAL_LIMIT = 100_000;

  /**
   * Visitor {@code user} said hello in {@code lang} (null: none): kept for {@link #MEMORY} from now
   * (every hello renews it). Any thread.
   */
  void remember(String user, String lang) {
    String l = lang == null ? "" : lang;
    if (known.size() >= LOCAL_LIMIT) {
      known.clear(); // the shared state still has them
    }
    known.put(user, l);
    long now = node.clock().millis();
    node.sharedState().setValue(KEY + user, l, now, MEMORY);
  }

  /** The language tag visitor {@code user} speaks, or null when unknown. */
  CompletableFuture<String> of(String user) {
    String l = known.get(user);
    if (l != null) {
      return CompletableFuture.completedFuture(l.isEmpty() ? null : l);
    }
    return node.sharedState()
        .value(KEY + user)
        .handle((v, err) -> err != null || v == null || v.isEmpty() ? null : v);
  }

  /** {@code text} in the language of visitor {@code user}. */
  CompletableFuture<String> say(String user, Localized text) {
    return of(user).thenApply(text::in);
  }

  /** A text that is said in the visitor's language: {@code in(tag)} makes it for a tag. */
  @FunctionalInterface
  interface Localized {
    /** The text for language tag {@code lang} (null: unknown, English). */
    String in(String lang);

    /** The text {@code key} of {@link ChatTexts} with its arguments. */
    static Localized of(String key, String... args) {
      return lang -> ChatTexts.get().text(lang, key, args);
    }

    /** This text, then {@code next} after a space. */
    default Localized then(Localized next) {
      return lang -> in(lang) + " " + next.in(lang);
    }
  }
}
