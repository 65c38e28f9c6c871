package dev.parley.server;

import static dev.parley.server.Setting.Group.ACCESS;
import static dev.parley.server.Setting.Group.BOTS;
import static dev.parley.server.Setting.Group.CLUSTER;
import static dev.parley.server.Setting.Group.CONNECTIONS;
import static dev.parley.server.Setting.Group.MAIL;
import static dev.parley.server.Setting.Group.NETWORK;
import static dev.parley.server.Setting.Group.PROCESS;
import static dev.parley.server.Setting.Group.STORAGE;
import static dev.parley.server.ValueType.BOOLEAN;
import static dev.parley.server.ValueType.DURATION;
import static dev.parley.server.ValueType.INT;
import static dev.parley.server.ValueType.NUMBER;
import static dev.parley.server.ValueType.PATH;
import static dev.parley.server.ValueType.PATHS;
import static dev.parley.server.ValueType.STRING;
import static dev.parley.server.ValueType.STRINGS;
import static dev.parley.server.ValueType.URL;

import dev.parley.bots.SmtpSettings;
import dev.parley.chat.ChatConfig;
import dev.parley.core.NodeConfig;
import dev.parley.edge.JwtVerifier;
import dev.parley.store.jdbc.PostgresMessageStore;
import dev.parley.store.jdbc.SqliteMessageStore;
import dev.parley.transport.TransportConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The settings of {@code parley run}, one entry each: the only place a setting is declared. The
 * command line ({@link RunCommand}), the environment and config file ({@link SettingsProvider}),
 * {@code parley config --print} ({@link ConfigCommand}), the {@link ServerConfig.Builder}'s
 * defaults and the configuration reference in {@code docs/OPERATIONS.md} (checked by a test) come
 * from it. Defaults that a module owns are read from that module's config ({@link TransportConfig},
 * {@link NodeConfig}, the store's options, {@link ChatConfig}, {@link JwtVerifier.Settings}), not
 * copied.
 *
 * <p>Immutable.
 */
final class Settings {
  static final TransportConfig TRANSPORT = TransportConfig.newBuilder().build();
  static final NodeConfig NODE = NodeConfig.defaults();
  private static final SqliteMessageStore.Options SQLITE = SqliteMessageStore.Options.defaults();
  private static final ChatConfig CHAT = ChatConfig.defaults();
  private static final JwtVerifier.Settings JWT = JwtVerifier.Settings.none();
  private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/parley";
  static final SmtpSettings SMTP = SmtpSettings.off();

  private Settings() {}

  // Network
  static final Setting<String> HOST =
      Setting.of("host", NETWORK, "ADDR", STRING, (String) null, "Bind address.")
          .defaultNote("127.0.0.1 in demo mode (no --sites), else 0.0.0.0")
          .details(
              "Demo mode stays on loopback: another address needs a sites file ([demo mode](#demo-mode))")
          .applies(ServerConfig.Builder::host);
  static final Setting<Integer> PORT =
      Setting.of("port", NETWORK, "N", INT, TRANSPORT.port(), "TCP port (0: any free port).")
          .applies(ServerConfig.Builder::port);
  static final Setting<Path> TLS_CERT =
      Setting.of(
              "tls-cert",
              NETWORK,
              "FILE",
              PATH,
              (Path) null,
              "PEM certificate chain: serve https and wss (TLS 1.2 and 1.3 only).")
          .details("With `--tls-key`; a key that is not the certificate's stops start-up")
          .applies(ServerConfig.Builder::tlsCert);
  static final Setting<Path> TLS_KEY =
      Setting.of(
              "tls-key",
              NETWORK,
              "FILE",
              PATH,
              (Path) null,
              "PEM private key (PKCS#8) of --tls-cert.")
          .applies(ServerConfig.Builder::tlsKey);
  static final Setting<List<String>> TRUSTED_PROXIES =
      Setting.of(
              "trusted-proxies",
              NETWORK,
              "IPS",
              STRINGS,
              (List<String>) null,
              "IP addresses of reverse proxies whose X-Forwarded-For names the client, comma-separated.")
          .details(
              "For connections from them the client is the right-most `X-Forwarded-For` entry that is not a "
                  + "trusted proxy (per-address limit, logs)")
          .applies((b, v) -> b.trustedProxies(v == null ? List.of() : v));
  static final Setting<String> ADMIN_HOST =
      Setting.of(
              "admin-host",
              NETWORK,
              "ADDR",
              STRING,
              TRANSPORT.adminHost(),
              "Address of the admin listener: /metrics, /readyz, /healthz.")
          .details(
              "Loopback by default: keep it private (a firewall, or Prometheus on the same host)")
          .applies(ServerConfig.Builder::adminHost);
  static final Setting<Integer> ADMIN_PORT =
      Setting.of(
              "admin-port",
              NETWORK,
              "N",
              INT,
              TRANSPORT.adminPort(),
              "Port of the admin listener (0: any free port, -1: none).")
          .details("The public port answers `/metrics` with 404")
          .applies(ServerConfig.Builder::adminPort);
  static final Setting<Integer> MAX_CONNECTIONS =
      Setting.of(
              "max-connections",
              NETWORK,
              "N",
              INT,
              TRANSPORT.maxConnections(),
              "Connections held at once; 503 beyond.")
          .applies(ServerConfig.Builder::maxConnections);
  static final Setting<Integer> MAX_CONNECTIONS_PER_IP =
      Setting.of(
              "max-connections-per-ip",
              NETWORK,
              "N",
              INT,
              TRANSPORT.maxConnectionsPerIp(),
              "Connections from one client address at once; 503 beyond.")
          .details(
              "Open fallback sessions of one address count apart, against the same limit. Behind a proxy, list it "
                  + "in `--trusted-proxies` so the client's address counts, not the proxy's")
          .applies(ServerConfig.Builder::maxConnectionsPerIp);
  static final Setting<Duration> HANDSHAKE_TIMEOUT =
      Setting.of(
              "handshake-timeout",
              NETWORK,
              "D",
              DURATION,
              TRANSPORT.handshakeTimeout(),
              "Time to send the HTTP request or the upgrade; slower connections are closed "
                  + "(slowloris).")
          .applies(ServerConfig.Builder::handshakeTimeout);

  // Connections
  static final Setting<Duration> PING_INTERVAL =
      Setting.of(
              "ping-interval",
              CONNECTIONS,
              "D",
              DURATION,
              TRANSPORT.pingInterval(),
              "WebSocket ping interval.")
          .applies(ServerConfig.Builder::pingInterval);
  static final Setting<Duration> PONG_TIMEOUT =
      Setting.of(
              "pong-timeout",
              CONNECTIONS,
              "D",
              DURATION,
              TRANSPORT.pongTimeout(),
              "Silence allowed after a ping before the connection is closed with 4408; shorter "
                  + "than the interval.")
          .applies(ServerConfig.Builder::pongTimeout);
  static final Setting<Duration> SLOW_CONSUMER_GRACE =
      Setting.of(
              "slow-consumer-grace",
              CONNECTIONS,
              "D",
              DURATION,
              TRANSPORT.slowConsumerGrace(),
              "How long a connection's outbound buffer may stay over 64 KiB before "
                  + "it is closed with 4503.")
          .applies(ServerConfig.Builder::slowConsumerGrace);
  static final Setting<Double> SEND_RATE =
      Setting.of(
              "send-rate",
              CONNECTIONS,
              "R",
              NUMBER,
              NODE.sendRate(),
              "How many send commands a connection may make per second (token bucket).")
          .applies(ServerConfig.Builder::sendRate);
  static final Setting<Integer> SEND_BURST =
      Setting.of(
              "send-burst",
              CONNECTIONS,
              "N",
              INT,
              NODE.sendBurst(),
              "How many send commands a connection may make at once.")
          .applies(ServerConfig.Builder::sendBurst);
  static final Setting<Double> HELLO_RATE =
      Setting.of(
              "hello-rate",
              CONNECTIONS,
              "R",
              NUMBER,
              NODE.helloRate(),
              "How many hellos that make a new anonymous visitor or log in with a password one client address may make "
                  + "per second (token bucket); hellos with a token are not counted.")
          .details(
              "Over it, `rate_limited` with `retryAfterMs`. Raise it for load tests from one address")
          .applies(ServerConfig.Builder::helloRate);
  static final Setting<Integer> HELLO_BURST =
      Setting.of(
              "hello-burst",
              CONNECTIONS,
              "N",
              INT,
              NODE.helloBurst(),
              "How many such hellos one client address may make at once.")
          .applies(ServerConfig.Builder::helloBurst);
  static final Setting<Duration> SHUTDOWN_GRACE =
      Setting.of(
              "shutdown-grace",
              CONNECTIONS,
              "D",
              DURATION,
              TRANSPORT.shutdownGrace(),
              "How long a graceful shutdown may take in all.")
          .applies(ServerConfig.Builder::shutdownGrace);

  // Storage
  static final Setting<Path> DATA_DIR =
      Setting.of(
              "data-dir",
              STORAGE,
              "DIR",
              PATH,
              Path.of("./data"),
              "Directory of the SQLite store, secret.key and the demo password; made with mode 0700.")
          .applies(ServerConfig.Builder::dataDir);
  static final Setting<StoreKind> STORE =
      Setting.of(
              "store",
              STORAGE,
              "S",
              ValueType.choice(StoreKind.class, "store"),
              StoreKind.SQLITE,
              "Where messages are stored: sqlite (one node) or postgres (a cluster).")
          .applies(ServerConfig.Builder::store);
  static final Setting<Boolean> FSYNC =
      Setting.of(
              "fsync",
              STORAGE,
              null,
              BOOLEAN,
              SQLITE.fsync(),
              "SQLite: fsync every commit batch (survives power loss; slower).")
          .applies(ServerConfig.Builder::fsync);
  static final Setting<Duration> STORE_COMMIT_DELAY =
      Setting.of(
              "store-commit-delay",
              STORAGE,
              "D",
              DURATION,
              SQLITE.commitDelay(),
              "In a steady stream of writes, how long the store's writer waits for more before it "
                  + "commits, so one commit carries several (0ms: never waits).")
          .details("At most `100ms`. A lone write is never delayed")
          .applies(ServerConfig.Builder::storeCommitDelay);
  static final Setting<String> PG_URL_SETTING =
      Setting.of("pg-url", STORAGE, "URL", STRING, PG_URL, "JDBC URL of the PostgreSQL store.")
          .details("A password in it is masked by `config --print`")
          .applies(ServerConfig.Builder::postgresUrl);
  static final Setting<String> PG_USER =
      Setting.of("pg-user", STORAGE, "U", STRING, (String) null, "PostgreSQL user.")
          .applies(ServerConfig.Builder::postgresUser);
  static final Setting<String> PG_PASSWORD =
      Setting.of("pg-password", STORAGE, "P", STRING, (String) null, "PostgreSQL password.")
          .asSecret()
          .applies(ServerConfig.Builder::postgresPassword);
  static final Setting<String> PG_SCHEMA =
      Setting.of(
              "pg-schema",
              STORAGE,
              "S",
              STRING,
              PostgresMessageStore.Options.of(PG_URL, null, null).schema(),
              "PostgreSQL schema; created and migrated (Flyway) at start.")
          .applies(ServerConfig.Builder::postgresSchema);

  // Cluster
  static final Setting<BrokerKind> BROKER =
      Setting.of(
              "broker",
              CLUSTER,
              "B",
              ValueType.choice(BrokerKind.class, "broker"),
              BrokerKind.MEMORY,
              "How nodes share messages: memory (one node) or redis (a cluster).")
          .applies(ServerConfig.Builder::broker);
  static final Setting<String> REDIS_URL =
      Setting.of(
              "redis-url",
              CLUSTER,
              "URI",
              STRING,
              "redis://127.0.0.1:6379",
              "Redis for the broker and shared state (redis://:password@host:port/db, rediss:// for TLS).")
          .details("The password is masked by `config --print`")
          .applies(ServerConfig.Builder::redisUrl);
  static final Setting<String> TOKEN_SECRET =
      Setting.of(
              "token-secret",
              CLUSTER,
              "B64",
              STRING,
              (String) null,
              "Base64 of at least 32 random bytes signing visitor and agent tokens; required and the same on every node "
                  + "with --broker redis.")
          .defaultNote("data-dir/secret.key")
          .asSecret()
          .applies(ServerConfig.Builder::tokenSecret);
  static final Setting<String> SECRETS_KEY =
      Setting.of(
              "secrets-key",
              CLUSTER,
              "B64",
              STRING,
              (String) null,
              "Base64 of 32 random bytes sealing the secrets of stored settings (LLM API keys, webhook and identity "
                  + "secrets; AES-256-GCM); the same on every node.")
          .defaultNote("derived from the token secret")
          .asSecret()
          .details("Set it to rotate --token-secret without re-entering those secrets")
          .applies(ServerConfig.Builder::secretsKey);

  // Sites, agents and tokens
  static final Setting<Path> SITES =
      Setting.of(
              "sites",
              ACCESS,
              "FILE",
              PATH,
              (Path) null,
              "JSON file of sites and agents; its agents replace the demo agents.")
          .defaultNote("demo mode: the demo site")
          .details("[Below](#sites-and-agents); without it Parley runs in [demo mode](#demo-mode)")
          .applies((b, v) -> b.sites(v == null ? null : SitesFile.load(v)));
  static final Setting<String> DEMO_AGENT_PASSWORD =
      Setting.of(
              "demo-agent-password",
              ACCESS,
              "P",
              STRING,
              (String) null,
              "Password of the demo agents maya and sam (demo mode only).")
          .defaultNote("random, kept in data-dir/demo-agent-password")
          .asSecret()
          .details("Made on first start (mode 0600) and printed at start");
  static final Setting<Duration> AGENT_OFFLINE_GRACE =
      Setting.of(
              "agent-offline-grace",
              ACCESS,
              "D",
              DURATION,
              CHAT.agentOfflineGrace(),
              "How long an agent may be gone (a reload) before its conversations are queued again.")
          .applies(ServerConfig.Builder::agentOfflineGrace);
  static final Setting<Duration> AGENT_TOKEN_LIFETIME =
      Setting.of(
              "agent-token-lifetime",
              ACCESS,
              "D",
              DURATION,
              Duration.ofMinutes(15),
              "How long an agent's login token is valid.")
          .details(
              "The console renews it in band (`auth` without a token) before expiry; a live connection "
                  + "is closed with 4401 at expiry otherwise. Logging out revokes every token of the agent")
          .applies(ServerConfig.Builder::agentTokenLifetime);
  static final Setting<Boolean> OPEN_CHANNELS =
      Setting.of(
              "open-channels",
              ACCESS,
              "B",
              BOOLEAN,
              CHAT.openChannels(),
              "Whether conversation ids that are not chat conversations (chat_…) are open channels any "
                  + "client may join.")
          .applies(ServerConfig.Builder::openChannels);
  static final Setting<Boolean> REQUIRE_TOKEN =
      Setting.of(
              "require-token",
              ACCESS,
              "B",
              BOOLEAN,
              CHAT.requireToken(),
              "Refuse (401) every WebSocket handshake without a token.")
          .applies(ServerConfig.Builder::requireToken);
  static final Setting<Boolean> REQUIRE_ORIGIN =
      Setting.of(
              "require-origin",
              ACCESS,
              "B",
              BOOLEAN,
              CHAT.requireOrigin(),
              "Refuse (403) WebSocket handshakes without an Origin header (non-browsers).")
          .applies(ServerConfig.Builder::requireOrigin);
  static final Setting<String> JWT_SECRET =
      Setting.of(
              "jwt-secret",
              ACCESS,
              "S",
              STRING,
              (String) null,
              "HS256 secret (at least 32 bytes) of your identity provider's JWTs.")
          .asSecret()
          .applies(ServerConfig.Builder::jwtSecret);
  static final Setting<List<Path>> JWT_PUBLIC_KEY =
      Setting.of(
              "jwt-public-key",
              ACCESS,
              "FILES",
              PATHS,
              (List<Path>) null,
              "PEM public keys (RSA: RS256, EC P-256: ES256) of your identity provider's JWTs, "
                  + "comma-separated.")
          .applies((b, v) -> b.jwtPublicKeys(v == null ? List.of() : v));
  static final Setting<URI> JWT_JWKS_URL =
      Setting.of(
              "jwt-jwks-url",
              ACCESS,
              "URL",
              URL,
              (URI) null,
              "The identity provider's JWKS URL; cached, and fetched again for an unknown kid.")
          .applies(ServerConfig.Builder::jwtJwksUrl);
  static final Setting<Duration> JWT_JWKS_CACHE_TTL =
      Setting.of(
              "jwt-jwks-cache-ttl",
              ACCESS,
              "D",
              DURATION,
              JWT.jwksCacheTtl(),
              "How long fetched JWKS keys are used.")
          .applies(ServerConfig.Builder::jwtJwksCacheTtl);
  static final Setting<String> JWT_ISSUER =
      Setting.of("jwt-issuer", ACCESS, "S", STRING, (String) null, "Required iss claim of JWTs.")
          .applies(ServerConfig.Builder::jwtIssuer);
  static final Setting<String> JWT_AUDIENCE =
      Setting.of("jwt-audience", ACCESS, "S", STRING, (String) null, "Required aud claim of JWTs.")
          .applies(ServerConfig.Builder::jwtAudience);
  static final Setting<Duration> JWT_CLOCK_SKEW =
      Setting.of(
              "jwt-clock-skew",
              ACCESS,
              "D",
              DURATION,
              JWT.clockSkew(),
              "Tolerance for exp and nbf.")
          .applies(ServerConfig.Builder::jwtClockSkew);

  // Bots
  static final Setting<BotKind> BOT =
      Setting.of(
              "bot",
              BOTS,
              "B",
              ValueType.choice(BotKind.class, "bot"),
              BotKind.KB,
              "The demo site's bot: kb (knowledge base), llm or webhook.")
          .applies(ServerConfig.Builder::bot);
  static final Setting<Duration> BOT_PACING =
      Setting.of(
              "bot-pacing",
              BOTS,
              "D",
              DURATION,
              Duration.ofMillis(20),
              "Pause between chunks of a streamed knowledge-base answer.")
          .applies(ServerConfig.Builder::botPacing);
  static final Setting<Integer> KNOWLEDGE_MAX_UPLOAD =
      Setting.of(
              "knowledge-max-upload",
              BOTS,
              "BYTES",
              INT,
              10 * 1024 * 1024,
              "Largest knowledge document an admin may upload (at most 16 MiB); a larger one is stored as failed.")
          .applies(ServerConfig.Builder::knowledgeMaxUpload);
  static final Setting<Integer> KNOWLEDGE_MAX_DOCUMENTS =
      Setting.of(
              "knowledge-max-documents",
              BOTS,
              "N",
              INT,
              500,
              "Most knowledge documents one site may hold; an upload beyond is refused (409).")
          .applies(ServerConfig.Builder::knowledgeMaxDocuments);
  static final Setting<Boolean> KNOWLEDGE_FETCH_PRIVATE =
      Setting.of(
              "knowledge-fetch-private",
              BOTS,
              "BOOL",
              BOOLEAN,
              false,
              "Whether an admin's knowledge fetch may reach private and loopback addresses (off: refused).")
          .applies(ServerConfig.Builder::knowledgeFetchPrivate);
  static final Setting<Path> KB_DIR =
      Setting.of(
              "kb-dir",
              BOTS,
              "DIR",
              PATH,
              (Path) null,
              "Folder of Markdown files for the demo site's knowledge base (each heading starts a section).")
          .defaultNote("built in")
          .applies(ServerConfig.Builder::kbDir);
  static final Setting<String> LLM_URL =
      Setting.of(
              "llm-url",
              BOTS,
              "URL",
              STRING,
              "http://127.0.0.1:11434/v1",
              "OpenAI-compatible base URL (OpenAI https://api.openai.com/v1, Ollama, vLLM, llama.cpp server).")
          .applies(ServerConfig.Builder::llmUrl);
  static final Setting<String> LLM_MODEL =
      Setting.of("llm-model", BOTS, "M", STRING, "llama3.2", "Model name.")
          .applies(ServerConfig.Builder::llmModel);
  static final Setting<String> LLM_API_KEY =
      Setting.of(
              "llm-api-key", BOTS, "K", STRING, (String) null, "API key, sent as a bearer token.")
          .asSecret()
          .applies(ServerConfig.Builder::llmApiKey);
  static final Setting<Duration> LLM_FIRST_TOKEN_TIMEOUT =
      Setting.of(
              "llm-first-token-timeout",
              BOTS,
              "D",
              DURATION,
              Duration.ofSeconds(15),
              "Give up when no token came this long after asking.")
          .applies(ServerConfig.Builder::llmFirstTokenTimeout);
  static final Setting<Duration> LLM_STALL_TIMEOUT =
      Setting.of(
              "llm-stall-timeout",
              BOTS,
              "D",
              DURATION,
              Duration.ofSeconds(10),
              "Give up when the stream is silent this long.")
          .applies(ServerConfig.Builder::llmStallTimeout);
  static final Setting<Duration> LLM_TIMEOUT =
      Setting.of(
              "llm-timeout",
              BOTS,
              "D",
              DURATION,
              Duration.ofSeconds(60),
              "Give up when a whole answer takes longer.")
          .applies(ServerConfig.Builder::llmTimeout);
  static final Setting<String> WEBHOOK_URL =
      Setting.of(
              "webhook-url",
              BOTS,
              "URL",
              STRING,
              (String) null,
              "With --bot webhook: where visitor messages are POSTed.")
          .applies(ServerConfig.Builder::webhookUrl);
  static final Setting<String> WEBHOOK_SECRET =
      Setting.of(
              "webhook-secret",
              BOTS,
              "S",
              STRING,
              (String) null,
              "With --bot webhook: HMAC-SHA256 secret (at least 16 characters) signing events and answers.")
          .asSecret()
          .applies(ServerConfig.Builder::webhookSecret);

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
          .applies(ServerConfig.Builder::eventQueue);
  static final Setting<Integer> EVENT_ATTEMPTS =
      Setting.of(
              "event-attempts",
              BOTS,
              "N",
              INT,
              8,
              "Times an event webhook delivery is sent before it is given up (1-100).")
          .applies(ServerConfig.Builder::eventAttempts);
  static final Setting<Duration> EVENT_RETRY_BASE =
      Setting.of(
              "event-retry-base",
              BOTS,
              "D",
              DURATION,
              Duration.ofSeconds(10),
              "The first retry of a failed event delivery waits up to this; each later one up to twice as long.")
          .details("Half of each wait is random (jitter); no wait is longer than an hour")
          .applies(ServerConfig.Builder::eventRetryBase);
  static final Setting<Duration> EVENT_LOG_KEEP =
      Setting.of(
              "event-log-keep",
              BOTS,
              "D",
              DURATION,
              Duration.ofDays(7),
              "How long delivered and failed event deliveries stay in the delivery log (at least 1h).")
          .applies(ServerConfig.Builder::eventLogKeep);

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
          SHUTDOWN_GRACE,
          DATA_DIR,
          STORE,
          FSYNC,
          STORE_COMMIT_DELAY,
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
