package dev.parley.chat;

/**
 * Which bot answers a site's visitors, and how it reaches its model or endpoint. Immutable. The
 * secrets ({@code apiKey}, the webhook {@code secret}) are held here in the clear for the bot's
 * use; at rest they are encrypted and the admin API never shows them.
 *
 * @param kind the bot
 * @param llm the LLM bot's endpoint and prompt (kind {@code LLM}); fields left null take the
 *     deployment's {@code --llm-*} settings
 * @param webhook the webhook bot's endpoint (kind {@code WEBHOOK}); null fields take the
 *     deployment's {@code --webhook-*} settings
 * @param embeddings the embeddings endpoint the site's knowledge is searched with besides its words
 *     (hybrid retrieval, any bot kind), or null for words alone
 */
public record BotSettings(Kind kind, Llm llm, Webhook webhook, Embeddings embeddings) {

  /** Settings without an embeddings endpoint. */
  public BotSettings(Kind kind, Llm llm, Webhook webhook) {
    this(kind, llm, webhook, null);
  }

  /** The bots a site may have. */
  public enum Kind {
    /** The knowledge-base bot: answers from the site's documents, offers a person when unsure. */
    KB("kb"),
    /** A large language model behind an OpenAI-compatible API, given the site's passages. */
    LLM("llm"),
    /** A bot elsewhere, reached by signed HTTP (docs/PROTOCOL.md#webhook-bot). */
    WEBHOOK("webhook"),
    /** No bot: every conversation goes to the queue at the visitor's first message. */
    NONE("none");

    private final String wire;

    Kind(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    /** The kind named {@code wire}; IllegalArgumentException naming the choices otherwise. */
    public static Kind ofWire(String wire) {
      for (Kind k : values()) {
        if (k.wire.equals(wire)) {
          return k;
        }
      }
      throw new IllegalArgumentException("bot kind must be kb, llm, webhook or none");
    }
  }

  /**
   * An LLM endpoint: base URL of an OpenAI-compatible API, model, API key, the system prompt that
   * comes before the site's passages, sampling temperature, the answer's length limit, and whether
   * the model is sent the images visitors attach ({@code imageInputs}: only for a model that
   * accepts image input). Null fields take the deployment's settings.
   */
  public record Llm(
      String baseUrl,
      String model,
      String apiKey,
      String systemPrompt,
      Double temperature,
      Integer maxTokens,
      Boolean imageInputs) {

    /** An endpoint whose image inputs are the deployment's. */
    public Llm(
        String baseUrl,
        String model,
        String apiKey,
        String systemPrompt,
        Double temperature,
        Integer maxTokens) {
      this(baseUrl, model, apiKey, systemPrompt, temperature, maxTokens, null);
    }

    @Override
    public String toString() {
      return "Llm[" + baseUrl + ", " + model + "]"; // never prints the key
    }
  }

  /** A webhook endpoint and its shared secret; null fields take the deployment's settings. */
  public record Webhook(String url, String secret) {
    @Override
    public String toString() {
      return "Webhook[" + url + "]"; // never prints the secret
    }
  }

  /**
   * An OpenAI-compatible embeddings endpoint: base URL (as the LLM's, e.g. {@code
   * https://api.openai.com/v1}; requests go to {@code <baseUrl>/embeddings}), model and API key
   * (null: none sent). Both URL and model are required.
   */
  public record Embeddings(String baseUrl, String model, String apiKey) {
    /**
     * The embedding space: which endpoint and model made a vector. Vectors of two spaces never mix.
     */
    public String space() {
      return baseUrl + " " + model;
    }

    @Override
    public String toString() {
      return "Embeddings[" + baseUrl + ", " + model + "]"; // never prints the key
    }
  }

  /** The deployment's bot ({@code --bot}) with the deployment's settings. */
  public static BotSettings deploymentDefault(Kind kind) {
    return new BotSettings(kind, null, null);
  }
}
