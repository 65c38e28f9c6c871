package dev.parley.server;

import static dev.parley.server.ModuleDefaults.SMTP;
import static dev.parley.server.Setting.Group.BOTS;
import static dev.parley.server.Setting.Group.MAIL;
import static dev.parley.server.ValueType.BOOLEAN;
import static dev.parley.server.ValueType.DURATION;
import static dev.parley.server.ValueType.INT;
import static dev.parley.server.ValueType.PATH;
import static dev.parley.server.ValueType.STRING;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The settings of what Parley talks to outside itself: the bot of the demo site (knowledge base,
 * LLM, webhook), knowledge limits, event webhooks and away mail over SMTP. Part of the table of
 * {@link Settings}: declared here, listed there. Immutable.
 */
final class IntegrationSettings {
  private IntegrationSettings() {}

  // Bots
  static final Setting<BotKind> BOT =
      Setting.of(
              "bot",
              BOTS,
              "B",
              ValueType.choice(BotKind.class, "bot"),
              BotKind.KB,
              "The demo site's bot: kb (knowledge base), llm or webhook.")
          .applies(ServerConfigBuilder::bot);
  static final Setting<Duration> BOT_PACING =
      Setting.of(
              "bot-pacing",
              BOTS,
              "D",
              DURATION,
              Duration.ofMillis(20),
              "Pause between chunks of a streamed knowledge-base answer.")
          .applies(ServerConfigBuilder::botPacing);
  static final Setting<Integer> KNOWLEDGE_MAX_UPLOAD =
      Setting.of(
              "knowledge-max-upload",
              BOTS,
              "BYTES",
              INT,
              10 * 1024 * 1024,
              "Largest knowledge document an admin may upload (at most 16 MiB); a larger one is stored as failed.")
          .applies(ServerConfigBuilder::knowledgeMaxUpload);
  static final Setting<Integer> KNOWLEDGE_MAX_DOCUMENTS =
      Setting.of(
              "knowledge-max-documents",
              BOTS,
              "N",
              INT,
              500,
              "Most knowledge documents one site may hold; an upload beyond is refused (409).")
          .applies(ServerConfigBuilder::knowledgeMaxDocuments);
  static final Setting<Boolean> KNOWLEDGE_FETCH_PRIVATE =
      Setting.of(
              "knowledge-fetch-private",
              BOTS,
              "BOOL",
              BOOLEAN,
              false,
              "Whether an admin's knowledge fetch may reach private and loopback addresses (off: refused).")
          .applies(ServerConfigBuilder::knowledgeFetchPrivate);
  static final Setting<Path> KB_DIR =
      Setting.of(
              "kb-dir",
              BOTS,
              "DIR",
              PATH,
              (Path) null,
              "Folder of Markdown files for the demo site's knowledge base (each heading starts a section).")
          .defaultNote("built in")
          .applies(ServerConfigBuilder::kbDir);
  static final Setting<String> LLM_URL =
      Setting.of(
              "llm-url",
              BOTS,
              "URL",
              STRING,
              "http://127.0.0.1:11434/v1",
              "OpenAI-compatible base URL (OpenAI https://api.openai.com/v1, Ollama, vLLM, llama.cpp server).")
          .applies(ServerConfigBuilder::llmUrl);
  static final Setting<String> LLM_MODEL =
      Setting.of("llm-model", BOTS, "M", STRING, "llama3.2", "Model name.")
          .applies(ServerConfigBuilder::llmModel);
  static final Setting<String> LLM_API_KEY =
      Setting.of(
              "llm-api-key", BOTS, "K", STRING, (String) null, "API key, sent as a bearer token.")
          .asSecret()
          .applies(ServerConfigBuilder::llmApiKey);
  static final Setting<Duration> LLM_FIRST_TOKEN_TIMEOUT =
      Setting.of(
              "llm-first-token-timeout",
              BOTS,
              "D",
              DURATION,
              Duration.ofSeconds(15),
              "Give up when no token came this long after asking.")
          .applies(ServerConfigBuilder::llmFirstTokenTimeout);
  static final Setting<Duration> LLM_STALL_TIMEOUT =
      Setting.of(
              "llm-stall-timeout",
              BOTS,
              "D",
              DURATION,
              Duration.ofSeconds(10),
              "Give up when the stream is silent this long.")
          .applies(ServerConfigBuilder::llmStallTimeout);
  static final Setting<Duration> LLM_TIMEOUT =
      Setting.of(
              "llm-timeout",
              BOTS,
              "D",
              DURATION,
              Duration.ofSeconds(60),
              "Give up when a whole answer takes longer.")
          .applies(ServerConfigBuilder::llmTimeout);
  static final Setting<Boolean> LLM_IMAGE_INPUTS =
      Setting.of(
              "llm-image-inputs",
              BOTS,
              "B",
              BOOLEAN,
              false,
              "Whether the LLM bot sends the images visitors attach to the model as image inputs "
                  + "(OpenAI-compatible content parts): only for a model that accepts images.")
          .details(
              "A site's `bot.llm.imageInputs` overrides it. At most 4 images a request, the newest "
                  + "first; each the stored, re-encoded image, or its thumbnail when over 1.5 MiB. A "
                  + "model that refuses them (HTTP 400) is asked again without them")
          .applies(ServerConfigBuilder::llmImageInputs);
  static final Setting<String> WEBHOOK_URL =
      Setting.of(
              "webhook-url",
              BOTS,
              "URL",
              STRING,
              (String) null,
              "With --bot webhook: where visitor messages are POSTed.")
          .applies(ServerConfigBuilder::webhookUrl);
  static final Setting<String> WEBHOOK_SECRET =
      Setting.of(
              "webhook-secret",
              BOTS,
              "S",
              STRING,
              (String) null,
              "With --bot webhook: HMAC-SHA256 secret (at least 16 characters) signing events and answers.")
          .asSecret()
          .applies(ServerConfigBuilder::webhookSecret);

  // Event webhooks
  static final Setting<Integer> EVENT_QUEUE =
      Setting.of(
              "event-queue",
              BOTS,
              "N",
              INT,
              10_000,
              "Event webhook deliveries waiting to be stored, at most; beyond, new ones are dropped.")
          .details(
              "A dropped delivery is counted (`parley_event_deliveries_dropped_total`) and logged; the chat never "
                  + "waits for it ([event webhooks](#event-webhooks))")
          .applies(ServerConfigBuilder::eventQueue);
  static final Setting<Integer> EVENT_ATTEMPTS =
      Setting.of(
              "event-attempts",
              BOTS,
              "N",
              INT,
              8,
              "Times an event webhook delivery is sent before it is given up (1-100).")
          .applies(ServerConfigBuilder::eventAttempts);
  static final Setting<Duration> EVENT_RETRY_BASE =
      Setting.of(
              "event-retry-base",
              BOTS,
              "D",
              DURATION,
              Duration.ofSeconds(10),
              "The first retry of a failed event delivery waits up to this; each later one up to twice as long.")
          .details("Half of each wait is random (jitter); no wait is longer than an hour")
          .applies(ServerConfigBuilder::eventRetryBase);
  static final Setting<Duration> EVENT_LOG_KEEP =
      Setting.of(
              "event-log-keep",
              BOTS,
              "D",
              DURATION,
              Duration.ofDays(7),
              "How long delivered and failed event deliveries stay in the delivery log (at least 1h).")
          .applies(ServerConfigBuilder::eventLogKeep);

  private static final ValueType<SmtpTls> TLS_TYPE = ValueType.choice(SmtpTls.class, "smtp-tls");
  static final Setting<String> SMTP_HOST =
      Setting.of("smtp-host", MAIL, "HOST", STRING, SMTP.host(), "SMTP server; none: no mail.")
          .applies((b, v) -> b.smtp(s -> s.withHost(v)));
  static final Setting<Integer> SMTP_PORT =
      Setting.of("smtp-port", MAIL, "N", INT, SMTP.port(), "Port of the SMTP server (1-65535).")
          .applies((b, v) -> b.smtp(s -> s.withPort(v)));
  static final Setting<String> SMTP_USERNAME =
      Setting.of("smtp-username", MAIL, "U", STRING, SMTP.username(), "SMTP login, if any.")
          .applies((b, v) -> b.smtp(s -> s.withUsername(v)));
  static final Setting<String> SMTP_PASSWORD =
      Setting.of("smtp-password", MAIL, "P", STRING, SMTP.password(), "SMTP login's password.")
          .asSecret()
          .applies((b, v) -> b.smtp(s -> s.withPassword(v)));
  static final Setting<SmtpTls> SMTP_TLS =
      Setting.of("smtp-tls", MAIL, "T", TLS_TYPE, SmtpTls.NONE, "none, starttls or tls (SMTPS).")
          .applies((b, v) -> b.smtp(s -> s.withTls(v.tls())));
  static final Setting<String> MAIL_FROM =
      Setting.of("mail-from", MAIL, "ADDR", STRING, SMTP.from(), "Sender address of away mail.")
          .applies((b, v) -> b.smtp(s -> s.withFrom(v)));
  static final Setting<Duration> SMTP_TIMEOUT =
      Setting.of("smtp-timeout", MAIL, "D", DURATION, SMTP.timeout(), "SMTP time-out (1s-5m).")
          .applies((b, v) -> b.smtp(s -> s.withTimeout(v)));
}
