package dev.parley.server;

import static dev.parley.server.AccessSettings.AGENT_OFFLINE_GRACE;
import static dev.parley.server.AccessSettings.AGENT_TOKEN_LIFETIME;
import static dev.parley.server.AccessSettings.CHANNEL_PRESENCE_EVENTS;
import static dev.parley.server.AccessSettings.DEMO_AGENT_PASSWORD;
import static dev.parley.server.AccessSettings.JWT_AUDIENCE;
import static dev.parley.server.AccessSettings.JWT_CLOCK_SKEW;
import static dev.parley.server.AccessSettings.JWT_ISSUER;
import static dev.parley.server.AccessSettings.JWT_JWKS_CACHE_TTL;
import static dev.parley.server.AccessSettings.JWT_JWKS_URL;
import static dev.parley.server.AccessSettings.JWT_PUBLIC_KEY;
import static dev.parley.server.AccessSettings.JWT_SECRET;
import static dev.parley.server.AccessSettings.OPEN_CHANNELS;
import static dev.parley.server.AccessSettings.REQUIRE_ORIGIN;
import static dev.parley.server.AccessSettings.REQUIRE_TOKEN;
import static dev.parley.server.AccessSettings.SITES;
import static dev.parley.server.IntegrationSettings.BOT;
import static dev.parley.server.IntegrationSettings.BOT_PACING;
import static dev.parley.server.IntegrationSettings.EVENT_ATTEMPTS;
import static dev.parley.server.IntegrationSettings.EVENT_LOG_KEEP;
import static dev.parley.server.IntegrationSettings.EVENT_QUEUE;
import static dev.parley.server.IntegrationSettings.EVENT_RETRY_BASE;
import static dev.parley.server.IntegrationSettings.KB_DIR;
import static dev.parley.server.IntegrationSettings.KNOWLEDGE_FETCH_PRIVATE;
import static dev.parley.server.IntegrationSettings.KNOWLEDGE_MAX_DOCUMENTS;
import static dev.parley.server.IntegrationSettings.KNOWLEDGE_MAX_UPLOAD;
import static dev.parley.server.IntegrationSettings.LLM_API_KEY;
import static dev.parley.server.IntegrationSettings.LLM_FIRST_TOKEN_TIMEOUT;
import static dev.parley.server.IntegrationSettings.LLM_IMAGE_INPUTS;
import static dev.parley.server.IntegrationSettings.LLM_MODEL;
import static dev.parley.server.IntegrationSettings.LLM_STALL_TIMEOUT;
import static dev.parley.server.IntegrationSettings.LLM_TIMEOUT;
import static dev.parley.server.IntegrationSettings.LLM_URL;
import static dev.parley.server.IntegrationSettings.MAIL_FROM;
import static dev.parley.server.IntegrationSettings.SMTP_HOST;
import static dev.parley.server.IntegrationSettings.SMTP_PASSWORD;
import static dev.parley.server.IntegrationSettings.SMTP_PORT;
import static dev.parley.server.IntegrationSettings.SMTP_TIMEOUT;
import static dev.parley.server.IntegrationSettings.SMTP_TLS;
import static dev.parley.server.IntegrationSettings.SMTP_USERNAME;
import static dev.parley.server.IntegrationSettings.WEBHOOK_SECRET;
import static dev.parley.server.IntegrationSettings.WEBHOOK_URL;
import static dev.parley.server.NetworkSettings.ADMIN_HOST;
import static dev.parley.server.NetworkSettings.ADMIN_PORT;
import static dev.parley.server.NetworkSettings.HANDSHAKE_TIMEOUT;
import static dev.parley.server.NetworkSettings.HELLO_BURST;
import static dev.parley.server.NetworkSettings.HELLO_RATE;
import static dev.parley.server.NetworkSettings.HOST;
import static dev.parley.server.NetworkSettings.MAX_CONNECTIONS;
import static dev.parley.server.NetworkSettings.MAX_CONNECTIONS_PER_IP;
import static dev.parley.server.NetworkSettings.NEW_CONVERSATION_BURST;
import static dev.parley.server.NetworkSettings.NEW_CONVERSATION_EVERY;
import static dev.parley.server.NetworkSettings.PING_INTERVAL;
import static dev.parley.server.NetworkSettings.PONG_TIMEOUT;
import static dev.parley.server.NetworkSettings.PORT;
import static dev.parley.server.NetworkSettings.SEND_BURST;
import static dev.parley.server.NetworkSettings.SEND_RATE;
import static dev.parley.server.NetworkSettings.SHUTDOWN_GRACE;
import static dev.parley.server.NetworkSettings.SLOW_CONSUMER_GRACE;
import static dev.parley.server.NetworkSettings.TLS_CERT;
import static dev.parley.server.NetworkSettings.TLS_KEY;
import static dev.parley.server.NetworkSettings.TRUSTED_PROXIES;
import static dev.parley.server.Setting.Group.PROCESS;
import static dev.parley.server.StorageSettings.BROKER;
import static dev.parley.server.StorageSettings.DATA_DIR;
import static dev.parley.server.StorageSettings.FSYNC;
import static dev.parley.server.StorageSettings.PG_PASSWORD;
import static dev.parley.server.StorageSettings.PG_SCHEMA;
import static dev.parley.server.StorageSettings.PG_URL_SETTING;
import static dev.parley.server.StorageSettings.PG_USER;
import static dev.parley.server.StorageSettings.REDIS_URL;
import static dev.parley.server.StorageSettings.SECRETS_KEY;
import static dev.parley.server.StorageSettings.STORE;
import static dev.parley.server.StorageSettings.STORE_COMMIT_DELAY;
import static dev.parley.server.StorageSettings.STORE_MAX_QUEUE_DELAY;
import static dev.parley.server.StorageSettings.TOKEN_SECRET;
import static dev.parley.server.ValueType.PATH;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The settings of {@code parley run}, listed once ({@link #ALL}); each is declared in its group's
 * class ({@link NetworkSettings}, {@link StorageSettings}, {@link AccessSettings}, {@link
 * IntegrationSettings}, the process's own two here), the only place a setting is declared. The
 * command line ({@link RunCommand}), the environment and config file ({@link SettingsProvider}),
 * {@code parley config --print} ({@link ConfigCommand}), the {@link ServerConfigBuilder}'s defaults
 * and the configuration reference in {@code docs/OPERATIONS.md} (checked by a test) come from it.
 * Defaults that a module owns are read from that module's config, through {@link ModuleDefaults},
 * not copied.
 *
 * <p>Immutable.
 */
final class Settings {
  private Settings() {}

  // The process
  static final Setting<Path> CONFIG =
      Setting.of(
              "config",
              PROCESS,
              "FILE",
              PATH,
              (Path) null,
              "Config file: Java properties, key = value, keys as these flags without their dashes.")
          .details("Environment variables override it, flags override both");
  static final Setting<LogFormat> LOG_FORMAT =
      Setting.of(
          "log-format",
          PROCESS,
          "F",
          ValueType.choice(LogFormat.class, "log-format"),
          LogFormat.TEXT,
          "Log lines as text, or json for one JSON object per line.");

  /** Every setting, in the reference's order. */
  static final List<Setting<?>> ALL =
      List.of(
          HOST,
          PORT,
          TLS_CERT,
          TLS_KEY,
          TRUSTED_PROXIES,
          ADMIN_HOST,
          ADMIN_PORT,
          MAX_CONNECTIONS,
          MAX_CONNECTIONS_PER_IP,
          HANDSHAKE_TIMEOUT,
          PING_INTERVAL,
          PONG_TIMEOUT,
          SLOW_CONSUMER_GRACE,
          SEND_RATE,
          SEND_BURST,
          HELLO_RATE,
          HELLO_BURST,
          NEW_CONVERSATION_BURST,
          NEW_CONVERSATION_EVERY,
          SHUTDOWN_GRACE,
          DATA_DIR,
          STORE,
          FSYNC,
          STORE_COMMIT_DELAY,
          STORE_MAX_QUEUE_DELAY,
          PG_URL_SETTING,
          PG_USER,
          PG_PASSWORD,
          PG_SCHEMA,
          BROKER,
          REDIS_URL,
          TOKEN_SECRET,
          SECRETS_KEY,
          SITES,
          DEMO_AGENT_PASSWORD,
          AGENT_OFFLINE_GRACE,
          AGENT_TOKEN_LIFETIME,
          OPEN_CHANNELS,
          CHANNEL_PRESENCE_EVENTS,
          REQUIRE_TOKEN,
          REQUIRE_ORIGIN,
          JWT_SECRET,
          JWT_PUBLIC_KEY,
          JWT_JWKS_URL,
          JWT_JWKS_CACHE_TTL,
          JWT_ISSUER,
          JWT_AUDIENCE,
          JWT_CLOCK_SKEW,
          BOT,
          BOT_PACING,
          KB_DIR,
          KNOWLEDGE_MAX_UPLOAD,
          KNOWLEDGE_MAX_DOCUMENTS,
          KNOWLEDGE_FETCH_PRIVATE,
          LLM_URL,
          LLM_MODEL,
          LLM_API_KEY,
          LLM_FIRST_TOKEN_TIMEOUT,
          LLM_STALL_TIMEOUT,
          LLM_TIMEOUT,
          LLM_IMAGE_INPUTS,
          WEBHOOK_URL,
          WEBHOOK_SECRET,
          EVENT_QUEUE,
          EVENT_ATTEMPTS,
          EVENT_RETRY_BASE,
          EVENT_LOG_KEEP,
          SMTP_HOST,
          SMTP_PORT,
          SMTP_USERNAME,
          SMTP_PASSWORD,
          SMTP_TLS,
          MAIL_FROM,
          SMTP_TIMEOUT,
          CONFIG,
          LOG_FORMAT);

  private static final Map<String, Setting<?>> BY_KEY =
      ALL.stream().collect(Collectors.toUnmodifiableMap(Setting::key, Function.identity()));

  /** The setting whose key is {@code key}, or null. */
  static Setting<?> byKey(String key) {
    return BY_KEY.get(key);
  }
}
