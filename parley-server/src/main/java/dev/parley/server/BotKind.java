package dev.parley.server;

/**
 * Which bot answers the demo site (and sites without a knowledge base of their own): the {@code
 * bot} setting.
 */
public enum BotKind implements Choice {
  /** Sections of a knowledge base (Lucene BM25), streamed. */
  KB("kb"),
  /** An OpenAI-compatible model, grounded in the knowledge base. */
  LLM("llm"),
  /** The deployment's own service, called over a signed webhook. */
  WEBHOOK("webhook");

  private final String key;

  BotKind(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /**
   * The bot kind named by {@code text}.
   *
   * @throws IllegalArgumentException {@code bot must be kb, llm or webhook, was '…'}
   */
  public static BotKind parse(String text) {
    return Choice.parse(BotKind.class, "bot", text);
  }
}
