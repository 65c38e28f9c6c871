package dev.parley.bots;

import dev.parley.chat.Bot;
import dev.parley.chat.ChatTexts;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The default bot: answers from the site's {@link Knowledge} (its own documents, or the
 * deployment's {@link KnowledgeBase}), searched with the question and the visitor's last turns.
 * When the best section covers too little of the question (below the site's threshold) it says it
 * is not sure and offers a human. A sure answer cites the document of its section (title, and its
 * link when it has one).
 *
 * <p>The section's text streams in small chunks of words, {@code pacing} apart, as a model's tokens
 * would. Thread-safe (stateless besides the immutable knowledge base).
 */
public final class KnowledgeBaseBot implements Bot {
  /** What the bot says when it is not sure (in English; {@link #notSure} in a visitor's). */
  public static final String NOT_SURE = notSure(null);

  private static final int MAX_ANSWER_CHARS = 900;

  private final Knowledge kb;
  private final Duration pacing;

  public KnowledgeBaseBot(Knowledge kb, Duration pacing) {
    this.kb = kb;
    this.pacing = pacing;
  }

  @Override
  public Result answer(Question q, AnswerSink sink) throws InterruptedException {
    Optional<Knowledge.Hit> hit = Retrieval.search(kb, q, 1).stream().findFirst();
    double confidence = hit.map(Knowledge.Hit::confidence).orElse(0.0);
    boolean sure = hit.isPresent() && confidence >= q.site().confidenceThreshold();
    String text = sure ? clip(hit.get().passage().body()) : notSure(q.lang());
    if (sure) {
      sink.cite(Citations.of(List.of(hit.get()))); // the passage the answer is
    }
    stream(text, sink, pacing);
    return new Result(confidence, !sure);
  }

  /** What the bot says when it is not sure, in the language of {@code lang} (null: English). */
  public static String notSure(String lang) {
    return ChatTexts.get().text(lang, "bot.notSure");
  }

  /** Streams {@code text} in small chunks of words, {@code pacing} apart. */
  static void stream(String text, AnswerSink sink, Duration pacing) throws InterruptedException {
    String[] words = text.split("(?<=\\s)");
    StringBuilder chunk = new StringBuilder();
    for (int i = 0; i < words.length; i++) {
      chunk.append(words[i]);
      if (chunk.length() >= 12 || i == words.length - 1) {
        if (!sink.delta(chunk.toString())) {
          return;
        }
        chunk.setLength(0);
        if (!pacing.isZero()) {
          Thread.sleep(pacing);
        }
      }
    }
  }

  /** The section as plain prose: Markdown emphasis and code marks dropped, cut at a sentence. */
  static String clip(String body) {
    String plain = body.replaceAll("[*`_]", "").replaceAll("\\[([^]]+)]\\([^)]+\\)", "$1").strip();
    if (plain.length() <= MAX_ANSWER_CHARS) {
      return plain;
    }
    int cut = plain.lastIndexOf(". ", MAX_ANSWER_CHARS);
    return cut > 200 ? plain.substring(0, cut + 1) : plain.substring(0, MAX_ANSWER_CHARS) + "…";
  }
}
