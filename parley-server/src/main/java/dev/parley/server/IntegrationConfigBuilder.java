package dev.parley.server;

import dev.parley.bots.DeliveryBackoff;
import dev.parley.bots.LlmBot;
import dev.parley.bots.SmtpSettings;
import dev.parley.bots.WebhookBot;
import dev.parley.bots.WebhookDispatcher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The part of a {@link ServerConfigBuilder} that Parley talks to outside itself: the fields of
 * {@link IntegrationConfig} with their defaults (those of {@link IntegrationSettings}), their
 * setters and their checks; the demo site's bot, knowledge limits, event webhooks and away mail.
 * The last group of the builder's chain ({@link NetworkConfigBuilder} says why a chain). Not
 * thread-safe.
 */
abstract sealed class IntegrationConfigBuilder extends AccessConfigBuilder
    permits ServerConfigBuilder {
  /** Retries of the webhook bot's calls, and their backoff and time-out: not settings (yet). */
  private static final int WEBHOOK_ATTEMPTS = 4;

  private static final Duration WEBHOOK_FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(10);

  /** The longest wait between two attempts of an event webhook delivery. */
  private static final Duration EVENT_RETRY_MAX = Duration.ofHours(1);

  /** Knowledge-base passages an LLM answer is grounded in. */
  private static final int LLM_CONTEXT_PASSAGES = 3;

  /** The largest knowledge upload the transport lets through (16 MiB). */
  static final int KNOWLEDGE_UPLOAD_CEILING = 16 * 1024 * 1024;

  private BotKind bot = IntegrationSettings.BOT.defaultValue();
  private Duration botPacing = IntegrationSettings.BOT_PACING.defaultValue();
  private Path kbDir = IntegrationSettings.KB_DIR.defaultValue();
  private int knowledgeMaxUpload = IntegrationSettings.KNOWLEDGE_MAX_UPLOAD.defaultValue();
  private int knowledgeMaxDocuments = IntegrationSettings.KNOWLEDGE_MAX_DOCUMENTS.defaultValue();
  private boolean knowledgeFetchPrivate =
      IntegrationSettings.KNOWLEDGE_FETCH_PRIVATE.defaultValue();
  private String llmUrl = IntegrationSettings.LLM_URL.defaultValue();
  private String llmModel = IntegrationSettings.LLM_MODEL.defaultValue();
  private String llmApiKey = IntegrationSettings.LLM_API_KEY.defaultValue();
  private Duration llmFirstTokenTimeout =
      IntegrationSettings.LLM_FIRST_TOKEN_TIMEOUT.defaultValue();
  private Duration llmStallTimeout = IntegrationSettings.LLM_STALL_TIMEOUT.defaultValue();
  private Duration llmTimeout = IntegrationSettings.LLM_TIMEOUT.defaultValue();
  private int llmContextPassages = LLM_CONTEXT_PASSAGES;
  private boolean llmImageInputs = IntegrationSettings.LLM_IMAGE_INPUTS.defaultValue();
  private WebhookBot.Config webhook;
  private int eventQueue = IntegrationSettings.EVENT_QUEUE.defaultValue();
  private int eventAttempts = IntegrationSettings.EVENT_ATTEMPTS.defaultValue();
  private Duration eventRetryBase = IntegrationSettings.EVENT_RETRY_BASE.defaultValue();
  private Duration eventLogKeep = IntegrationSettings.EVENT_LOG_KEEP.defaultValue();
  private SmtpSettings smtp = ModuleDefaults.SMTP;

  public ServerConfigBuilder bot(BotKind v) {
    bot = v;
    return self();
  }

  /** Sets the bot kind by name; throws IllegalArgumentException unless kb, llm or webhook. */
  public ServerConfigBuilder bot(String v) {
    return bot(BotKind.parse(v));
  }

  public ServerConfigBuilder botPacing(Duration v) {
    botPacing = v;
    return self();
  }

  public ServerConfigBuilder kbDir(Path v) {
    kbDir = v;
    return self();
  }

  public ServerConfigBuilder knowledgeMaxUpload(int v) {
    knowledgeMaxUpload = v;
    return self();
  }

  public ServerConfigBuilder knowledgeMaxDocuments(int v) {
    knowledgeMaxDocuments = v;
    return self();
  }

  public ServerConfigBuilder knowledgeFetchPrivate(boolean v) {
    knowledgeFetchPrivate = v;
    return self();
  }

  /** All of the LLM bot's settings at once. */
  public ServerConfigBuilder llm(LlmBot.Config v) {
    llmUrl = v.baseUrl();
    llmModel = v.model();
    llmApiKey = v.apiKey();
    llmFirstTokenTimeout = v.firstTokenTimeout();
    llmStallTimeout = v.stallTimeout();
    llmTimeout = v.totalTimeout();
    llmContextPassages = v.contextPassages();
    llmImageInputs = v.imageInputs();
    return self();
  }

  public ServerConfigBuilder llmUrl(String v) {
    llmUrl = v;
    return self();
  }

  public ServerConfigBuilder llmModel(String v) {
    llmModel = v;
    return self();
  }

  public ServerConfigBuilder llmApiKey(String v) {
    llmApiKey = v;
    return self();
  }

  public ServerConfigBuilder llmFirstTokenTimeout(Duration v) {
    llmFirstTokenTimeout = v;
    return self();
  }

  public ServerConfigBuilder llmStallTimeout(Duration v) {
    llmStallTimeout = v;
    return self();
  }

  public ServerConfigBuilder llmTimeout(Duration v) {
    llmTimeout = v;
    return self();
  }

  public ServerConfigBuilder llmImageInputs(boolean v) {
    llmImageInputs = v;
    return self();
  }

  public ServerConfigBuilder webhook(WebhookBot.Config v) {
    webhook = v;
    return self();
  }

  /** The webhook bot's URL; with the default retries (4, from 500 ms) and time-out (10 s). */
  public ServerConfigBuilder webhookUrl(String v) {
    return webhook(v, webhook == null ? null : webhook.secret());
  }

  public ServerConfigBuilder webhookSecret(String v) {
    return webhook(webhook == null ? null : webhook.url(), v);
  }

  private ServerConfigBuilder webhook(String url, String secret) {
    webhook =
        url == null && secret == null
            ? null
            : new WebhookBot.Config(
                url, secret, WEBHOOK_ATTEMPTS, WEBHOOK_FIRST_BACKOFF, WEBHOOK_TIMEOUT);
    return self();
  }

  public ServerConfigBuilder eventQueue(int v) {
    eventQueue = v;
    return self();
  }

  public ServerConfigBuilder eventAttempts(int v) {
    eventAttempts = v;
    return self();
  }

  public ServerConfigBuilder eventRetryBase(Duration v) {
    eventRetryBase = v;
    return self();
  }

  public ServerConfigBuilder eventLogKeep(Duration v) {
    eventLogKeep = v;
    return self();
  }

  /** Away mail's SMTP server and sender (the {@code smtp-*} and {@code mail-from} settings). */
  public ServerConfigBuilder smtp(UnaryOperator<SmtpSettings> change) {
    smtp = change.apply(smtp);
    return self();
  }

  /**
   * Checks the integration settings and makes their part of the configuration.
   *
   * @throws IllegalArgumentException naming the setting that is wrong
   */
  IntegrationConfig integration() {
    if (eventQueue < 1 || eventQueue > 1_000_000) {
      throw new IllegalArgumentException("event-queue must be from 1 to 1000000");
    }
    if (eventAttempts < 1 || eventAttempts > 100) {
      throw new IllegalArgumentException("event-attempts must be from 1 to 100");
    }
    if (eventRetryBase.toMillis() < 100 || eventRetryBase.compareTo(EVENT_RETRY_MAX) > 0) {
      throw new IllegalArgumentException("event-retry-base must be from 100ms to 1h");
    }
    if (eventLogKeep.compareTo(Duration.ofHours(1)) < 0) {
      throw new IllegalArgumentException("event-log-keep must be at least 1h");
    }
    if (bot == BotKind.WEBHOOK
        && (webhook == null
            || webhook.url() == null
            || webhook.secret() == null
            || webhook.secret().length() < 16)) {
      throw new IllegalArgumentException(
          "bot webhook needs webhook-url and a webhook-secret of at least 16 characters");
    }
    if (knowledgeMaxUpload < 1 || knowledgeMaxUpload > KNOWLEDGE_UPLOAD_CEILING) {
      throw new IllegalArgumentException(
          "knowledge-max-upload must be from 1 to "
              + KNOWLEDGE_UPLOAD_CEILING
              + " bytes (16 MiB), was "
              + knowledgeMaxUpload);
    }
    if (knowledgeMaxDocuments < 1) {
      throw new IllegalArgumentException(
          "knowledge-max-documents must be at least 1, was " + knowledgeMaxDocuments);
    }
    return new IntegrationConfig(
        bot.key(),
        botPacing,
        kbDir,
        knowledgeMaxUpload,
        knowledgeMaxDocuments,
        knowledgeFetchPrivate,
        new LlmBot.Config(
                llmUrl,
                llmModel,
                llmApiKey,
                llmFirstTokenTimeout,
                llmStallTimeout,
                llmTimeout,
                llmContextPassages)
            .withImageInputs(llmImageInputs),
        webhook,
        eventQueue,
        WebhookDispatcher.Config.of(
            new DeliveryBackoff(eventRetryBase, EVENT_RETRY_MAX, eventAttempts), eventLogKeep),
        smtp.check());
  }
}
