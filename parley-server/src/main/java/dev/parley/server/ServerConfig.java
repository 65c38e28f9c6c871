package dev.parley.server;

import dev.parley.bots.DeliveryBackoff;
import dev.parley.bots.LlmBot;
import dev.parley.bots.SmtpSettings;
import dev.parley.bots.WebhookBot;
import dev.parley.bots.WebhookDispatcher;
import dev.parley.chat.Agent;
import dev.parley.edge.JwtVerifier;
import dev.parley.edge.Passwords;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Everything a {@link ParleyServer} needs to start. Immutable; build with {@link #newBuilder()}.
 * The builder's defaults are those of {@link Settings} (the "run with no configuration" ones of
 * {@code docs/OPERATIONS.md}); its {@link Builder#build()} refuses demo accounts where others could
 * reach them ({@link DemoGuard}).
 *
 * @param host bind address (unset: {@code 127.0.0.1} in demo mode, i.e. without sites, else {@code
 *     0.0.0.0})
 * @param port TCP port, 0 for any free one
 * @param dataDir where the SQLite file and the token secret live
 * @param pingInterval WebSocket ping interval
 * @param pongTimeout silence allowed after a ping before the connection is closed with 4408
 * @param maxFrameBytes largest WebSocket frame payload (1009 above)
 * @param maxMessageBytes largest message after joining fragments (1009 above)
 * @param maxTextChars longest message text ({@code too_long} above)
 * @param storeCommitDelay how long the store's writer waits for more writes before a commit in a
 *     steady stream of writes (0: never waits)
 * @param fsync whether every commit batch is fsynced (survives power loss, slower)
 * @param shutdownGrace how long shutdown may take in all: draining in-flight writes, then closing
 * @param store {@code sqlite} (embedded, one node) or {@code postgres} (shared by a cluster)
 * @param postgresUrl JDBC URL of the PostgreSQL store
 * @param postgresUser PostgreSQL user (null: from the URL or the driver's default)
 * @param postgresPassword PostgreSQL password, or null
 * @param postgresSchema PostgreSQL schema, created and migrated if missing
 * @param broker {@code memory} (one node) or {@code redis} (a cluster)
 * @param redisUrl Redis URI of the broker
 * @param secretsKey base64 of 32 bytes sealing the secrets of stored settings, or null to derive it
 *     from the token secret
 * @param agentPasswords the passwords in the clear of agents that have one (the demo agents, a
 *     sites file's trial {@code password}s), by user: importing them again keeps their hashes
 * @param tokenSecret base64 of at least 32 bytes that signs visitor tokens; every node of a cluster
 *     needs the same one. Null: {@code secret.key} in the data directory (one node only)
 * @param botPacing pause between the chunks of a streamed knowledge-base answer
 * @param kbDir folder of Markdown files for the demo site's knowledge base; null: the built-in one
 * @param knowledgeMaxUpload the largest knowledge document an admin may upload, in bytes
 * @param knowledgeMaxDocuments the most knowledge documents one site may hold
 * @param knowledgeFetchPrivate whether a knowledge fetch may reach private and loopback addresses
 * @param openChannels whether conversation ids that are not chat conversations are open channels
 *     any client may join (the realtime engine without the chat product)
 * @param agents the agent accounts (the demo site's agents by default)
 * @param agentOfflineGrace how long an agent may be gone (a reload) before its conversations are
 *     queued again
 * @param bot {@code kb} (knowledge base, the default) or {@code llm} for the demo site
 * @param llm the LLM bot's settings (used when {@code bot} is {@code llm})
 * @param webhook the webhook bot's settings (used when {@code bot} is {@code webhook})
 * @param eventQueue event webhook deliveries waiting to be stored at most (beyond: dropped)
 * @param eventDelivery how event webhook deliveries are sent, retried and kept in the log
 * @param smtp where away mail goes ({@link SmtpSettings#enabled()}: off without a host)
 * @param sites the sites and their knowledge bases, or null for the demo site alone
 * @param sendRate {@code send}s per second per connection (token bucket rate)
 * @param sendBurst {@code send}s a connection may make at once
 * @param helloRate {@code hello}s that make a new anonymous user or log in with a password, per
 *     second per client address
 * @param helloBurst such {@code hello}s one client address may make at once
 * @param slowConsumerGrace how long a connection may read too slowly before it is closed (4503)
 * @param maxConnections connections held at once (503 beyond)
 * @param maxConnectionsPerIp connections from one address at once (503 beyond)
 * @param handshakeTimeout how long a connection may take to send its HTTP request or upgrade
 * @param tlsCert PEM certificate chain for https/wss, or null
 * @param tlsKey PEM (PKCS#8) private key of {@code tlsCert}, or null
 * @param jwt the deployment's JWT keys and claim checks
 * @param requireToken whether every WebSocket handshake must carry a token (401 otherwise)
 * @param requireOrigin whether a WebSocket handshake without Origin (not a browser) is refused
 *     (403)
 * @param agentTokenLifetime how long an agent's login token is valid
 * @param adminHost address of the admin listener ({@code /metrics}, {@code /readyz}, {@code
 *     /healthz})
 * @param adminPort port of the admin listener; 0 any free one, negative: none
 * @param trustedProxies addresses of reverse proxies whose {@code X-Forwarded-For} names the client
 *     (for per-IP limits and logs)
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    Duration pingInterval,
    Duration pongTimeout,
    int maxFrameBytes,
    int maxMessageBytes,
    int maxTextChars,
    boolean fsync,
    Duration shutdownGrace,
    String store,
    String postgresUrl,
    String postgresUser,
    String postgresPassword,
    String postgresSchema,
    String broker,
    String redisUrl,
    String tokenSecret,
    Duration botPacing,
    Path kbDir,
    int knowledgeMaxUpload,
    int knowledgeMaxDocuments,
    boolean knowledgeFetchPrivate,
    boolean openChannels,
    List<Agent> agents,
    Duration agentOfflineGrace,
    String bot,
    LlmBot.Config llm,
    WebhookBot.Config webhook,
    SitesFile sites,
    double sendRate,
    int sendBurst,
    double helloRate,
    int helloBurst,
    Duration slowConsumerGrace,
    int maxConnections,
    int maxConnectionsPerIp,
    Duration handshakeTimeout,
    Path tlsCert,
    Path tlsKey,
    JwtVerifier.Settings jwt,
    boolean requireToken,
    boolean requireOrigin,
    Duration agentTokenLifetime,
    List<String> trustedProxies,
    Duration storeCommitDelay,
    String adminHost,
    int adminPort,
    String secretsKey,
    Map<String, String> agentPasswords,
    int eventQueue,
    WebhookDispatcher.Config eventDelivery,
    SmtpSettings smtp) {

  /** The users of the demo site's agents. */
  public static final List<String> DEMO_AGENTS = List.of("maya", "sam");

  /** The largest knowledge upload the transport lets through (16 MiB). */
  static final int KNOWLEDGE_UPLOAD_CEILING = 16 * 1024 * 1024;

  /** The demo site's agents, Maya (an admin too) and Sam, with {@code password}. */
  public static List<Agent> demoAgents(String password) {
    String hash = Passwords.hash(password);
    return List.of(
        new Agent("maya", "Maya", Set.of("demo"), 3, hash, true),
        new Agent("sam", "Sam", Set.of("demo"), 3, hash));
  }

  /**
   * The well-known password of the demo agents when a {@link Builder} is given neither agents nor
   * sites (tests on loopback). {@link DemoGuard} refuses it anywhere else.
   */
  public static final String DEMO_AGENT_PASSWORD = "parley-demo";

  /** Whether this node shares its store and broker with others. */
  public boolean clustered() {
    return broker.equals(BrokerKind.REDIS.key());
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** Builds a {@link ServerConfig}; its defaults are those of {@link Settings}. Not thread-safe. */
  public static final class Builder {
    /** Retries of the webhook bot's calls, and their backoff and time-out: not settings (yet). */
    private static final int WEBHOOK_ATTEMPTS = 4;

    private static final Duration WEBHOOK_FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(10);

    /** The longest wait between two attempts of an event webhook delivery. */
    private static final Duration EVENT_RETRY_MAX = Duration.ofHours(1);

    /** Knowledge-base passages an LLM answer is grounded in. */
    private static final int LLM_CONTEXT_PASSAGES = 3;

    private String host = Settings.HOST.defaultValue();
    private int port = Settings.PORT.defaultValue();
    private Path dataDir = Settings.DATA_DIR.defaultValue();
    private Duration pingInterval = Settings.PING_INTERVAL.defaultValue();
    private Duration pongTimeout = Settings.PONG_TIMEOUT.defaultValue();
    private int maxFrameBytes = Settings.TRANSPORT.maxFrameBytes();
    private int maxMessageBytes = Settings.TRANSPORT.maxMessageBytes();
    private int maxTextChars = Settings.NODE.maxTextChars();
    private boolean fsync = Settings.FSYNC.defaultValue();
    private Duration shutdownGrace = Settings.SHUTDOWN_GRACE.defaultValue();
    private StoreKind store = Settings.STORE.defaultValue();
    private String postgresUrl = Settings.PG_URL_SETTING.defaultValue();
    private String postgresUser = Settings.PG_USER.defaultValue();
    private String postgresPassword = Settings.PG_PASSWORD.defaultValue();
    private String postgresSchema = Settings.PG_SCHEMA.defaultValue();
    private BrokerKind broker = Settings.BROKER.defaultValue();
    private String redisUrl = Settings.REDIS_URL.defaultValue();
    private String tokenSecret = Settings.TOKEN_SECRET.defaultValue();
    private String secretsKey = Settings.SECRETS_KEY.defaultValue();
    private Duration botPacing = Settings.BOT_PACING.defaultValue();
    private Path kbDir = Settings.KB_DIR.defaultValue();
    private int knowledgeMaxUpload = Settings.KNOWLEDGE_MAX_UPLOAD.defaultValue();
    private int knowledgeMaxDocuments = Settings.KNOWLEDGE_MAX_DOCUMENTS.defaultValue();
    private boolean knowledgeFetchPrivate = Settings.KNOWLEDGE_FETCH_PRIVATE.defaultValue();
    private boolean openChannels = Settings.OPEN_CHANNELS.defaultValue();
    private List<Agent> agents;
    private Supplier<String> demoAgentPassword;
    private Duration agentOfflineGrace = Settings.AGENT_OFFLINE_GRACE.defaultValue();
    private int eventQueue = Settings.EVENT_QUEUE.defaultValue();
    private int eventAttempts = Settings.EVENT_ATTEMPTS.defaultValue();
    private Duration eventRetryBase = Settings.EVENT_RETRY_BASE.defaultValue();
    private Duration eventLogKeep = Settings.EVENT_LOG_KEEP.defaultValue();
    private SmtpSettings smtp = Settings.SMTP;
    private BotKind bot = Settings.BOT.defaultValue();
    private WebhookBot.Config webhook;
    private SitesFile sites;
    private double sendRate = Settings.SEND_RATE.defaultValue();
    private int sendBurst = Settings.SEND_BURST.defaultValue();
    private double helloRate = Settings.HELLO_RATE.defaultValue();
    private int helloBurst = Settings.HELLO_BURST.defaultValue();
    private Duration slowConsumerGrace = Settings.SLOW_CONSUMER_GRACE.defaultValue();
    private int maxConnections = Settings.MAX_CONNECTIONS.defaultValue();
    private int maxConnectionsPerIp = Settings.MAX_CONNECTIONS_PER_IP.defaultValue();
    private Duration handshakeTimeout = Settings.HANDSHAKE_TIMEOUT.defaultValue();
    private Path tlsCert = Settings.TLS_CERT.defaultValue();
    private Path tlsKey = Settings.TLS_KEY.defaultValue();
    private String jwtSecret = Settings.JWT_SECRET.defaultValue();
    private List<Path> jwtPublicKeys = List.of();
    private URI jwtJwksUrl = Settings.JWT_JWKS_URL.defaultValue();
    private String jwtIssuer = Settings.JWT_ISSUER.defaultValue();
    private String jwtAudience = Settings.JWT_AUDIENCE.defaultValue();
    private Duration jwtJwksCacheTtl = Settings.JWT_JWKS_CACHE_TTL.defaultValue();
    private Duration jwtClockSkew = Settings.JWT_CLOCK_SKEW.defaultValue();
    private boolean requireToken = Settings.REQUIRE_TOKEN.defaultValue();
    private boolean requireOrigin = Settings.REQUIRE_ORIGIN.defaultValue();
    private Duration agentTokenLifetime = Settings.AGENT_TOKEN_LIFETIME.defaultValue();
    private List<String> trustedProxies = List.of();
    private Duration storeCommitDelay = Settings.STORE_COMMIT_DELAY.defaultValue();
    private String adminHost = Settings.ADMIN_HOST.defaultValue();
    private int adminPort = Settings.ADMIN_PORT.defaultValue();
    private String llmUrl = Settings.LLM_URL.defaultValue();
    private String llmModel = Settings.LLM_MODEL.defaultValue();
    private String llmApiKey = Settings.LLM_API_KEY.defaultValue();
    private Duration llmFirstTokenTimeout = Settings.LLM_FIRST_TOKEN_TIMEOUT.defaultValue();
    private Duration llmStallTimeout = Settings.LLM_STALL_TIMEOUT.defaultValue();
    private Duration llmTimeout = Settings.LLM_TIMEOUT.defaultValue();
    private int llmContextPassages = LLM_CONTEXT_PASSAGES;

    /** The bind address; null: {@code 127.0.0.1} in demo mode (no sites), else {@code 0.0.0.0}. */
    public Builder host(String v) {
      host = v;
      return this;
    }

    public Builder port(int v) {
      port = v;
      return this;
    }

    public Builder dataDir(Path v) {
      dataDir = v;
      return this;
    }

    public Builder pingInterval(Duration v) {
      pingInterval = v;
      return this;
    }

    public Builder pongTimeout(Duration v) {
      pongTimeout = v;
      return this;
    }

    public Builder maxFrameBytes(int v) {
      maxFrameBytes = v;
      return this;
    }

    public Builder maxMessageBytes(int v) {
      maxMessageBytes = v;
      return this;
    }

    public Builder maxTextChars(int v) {
      maxTextChars = v;
      return this;
    }

    public Builder fsync(boolean v) {
      fsync = v;
      return this;
    }

    public Builder shutdownGrace(Duration v) {
      shutdownGrace = v;
      return this;
    }

    public Builder store(StoreKind v) {
      store = v;
      return this;
    }

    /** Sets the store by name; throws IllegalArgumentException unless sqlite or postgres. */
    public Builder store(String v) {
      return store(StoreKind.parse(v));
    }

    public Builder postgresUrl(String v) {
      postgresUrl = v;
      return this;
    }

    public Builder postgresUser(String v) {
      postgresUser = v;
      return this;
    }

    public Builder postgresPassword(String v) {
      postgresPassword = v;
      return this;
    }

    public Builder postgresSchema(String v) {
      postgresSchema = v;
      return this;
    }

    public Builder broker(BrokerKind v) {
      broker = v;
      return this;
    }

    /** Sets the broker by name; throws IllegalArgumentException unless memory or redis. */
    public Builder broker(String v) {
      return broker(BrokerKind.parse(v));
    }

    public Builder redisUrl(String v) {
      redisUrl = v;
      return this;
    }

    public Builder tokenSecret(String v) {
      tokenSecret = v;
      return this;
    }

    public Builder secretsKey(String v) {
      secretsKey = v;
      return this;
    }

    public Builder botPacing(Duration v) {
      botPacing = v;
      return this;
    }

    public Builder knowledgeMaxUpload(int v) {
      knowledgeMaxUpload = v;
      return this;
    }

    public Builder knowledgeMaxDocuments(int v) {
      knowledgeMaxDocuments = v;
      return this;
    }

    public Builder knowledgeFetchPrivate(boolean v) {
      knowledgeFetchPrivate = v;
      return this;
    }

    public Builder kbDir(Path v) {
      kbDir = v;
      return this;
    }

    public Builder openChannels(boolean v) {
      openChannels = v;
      return this;
    }

    /**
     * The agent accounts; null: the sites file's, or without one the demo agents (password {@link
     * #DEMO_AGENT_PASSWORD}).
     */
    public Builder agents(List<Agent> v) {
      agents = v;
      return this;
    }

    /**
     * In demo mode (neither agents nor sites given), where the demo agents' password comes from;
     * asked only once the settings are known to allow demo mode. Null: {@link
     * #DEMO_AGENT_PASSWORD}.
     */
    public Builder demoAgentPassword(Supplier<String> v) {
      demoAgentPassword = v;
      return this;
    }

    public Builder agentOfflineGrace(Duration v) {
      agentOfflineGrace = v;
      return this;
    }

    public Builder bot(BotKind v) {
      bot = v;
      return this;
    }

    /** Sets the bot kind by name; throws IllegalArgumentException unless kb, llm or webhook. */
    public Builder bot(String v) {
      return bot(BotKind.parse(v));
    }

    /** All of the LLM bot's settings at once. */
    public Builder llm(LlmBot.Config v) {
      llmUrl = v.baseUrl();
      llmModel = v.model();
      llmApiKey = v.apiKey();
      llmFirstTokenTimeout = v.firstTokenTimeout();
      llmStallTimeout = v.stallTimeout();
      llmTimeout = v.totalTimeout();
      llmContextPassages = v.contextPassages();
      return this;
    }

    public Builder llmUrl(String v) {
      llmUrl = v;
      return this;
    }

    public Builder llmModel(String v) {
      llmModel = v;
      return this;
    }

    public Builder llmApiKey(String v) {
      llmApiKey = v;
      return this;
    }

    public Builder llmFirstTokenTimeout(Duration v) {
      llmFirstTokenTimeout = v;
      return this;
    }

    public Builder llmStallTimeout(Duration v) {
      llmStallTimeout = v;
      return this;
    }

    public Builder llmTimeout(Duration v) {
      llmTimeout = v;
      return this;
    }

    public Builder webhook(WebhookBot.Config v) {
      webhook = v;
      return this;
    }

    /** The webhook bot's URL; with the default retries (4, from 500 ms) and time-out (10 s). */
    public Builder webhookUrl(String v) {
      return webhook(v, webhook == null ? null : webhook.secret());
    }

    public Builder webhookSecret(String v) {
      return webhook(webhook == null ? null : webhook.url(), v);
    }

    /** Sites and agents from a file; its agents replace the demo agents. */
    public Builder sites(SitesFile v) {
      sites = v;
      return this;
    }

    public Builder sendRate(double v) {
      sendRate = v;
      return this;
    }

    public Builder sendBurst(int v) {
      sendBurst = v;
      return this;
    }

    public Builder helloRate(double v) {
      helloRate = v;
      return this;
    }

    public Builder helloBurst(int v) {
      helloBurst = v;
      return this;
    }

    public Builder slowConsumerGrace(Duration v) {
      slowConsumerGrace = v;
      return this;
    }

    public Builder maxConnections(int v) {
      maxConnections = v;
      return this;
    }

    /** Away mail's SMTP server and sender (the {@code smtp-*} and {@code mail-from} settings). */
    public Builder smtp(UnaryOperator<SmtpSettings> change) {
      smtp = change.apply(smtp);
      return this;
    }

    public Builder eventQueue(int v) {
      eventQueue = v;
      return this;
    }

    public Builder eventAttempts(int v) {
      eventAttempts = v;
      return this;
    }

    public Builder eventRetryBase(Duration v) {
      eventRetryBase = v;
      return this;
    }

    public Builder eventLogKeep(Duration v) {
      eventLogKeep = v;
      return this;
    }

    public Builder maxConnectionsPerIp(int v) {
      maxConnectionsPerIp = v;
      return this;
    }

    public Builder handshakeTimeout(Duration v) {
      handshakeTimeout = v;
      return this;
    }

    public Builder tls(Path cert, Path key) {
      tlsCert = cert;
      tlsKey = key;
      return this;
    }

    public Builder tlsCert(Path v) {
      tlsCert = v;
      return this;
    }

    public Builder tlsKey(Path v) {
      tlsKey = v;
      return this;
    }

    /** All of the deployment's JWT settings at once. */
    public Builder jwt(JwtVerifier.Settings v) {
      jwtSecret = v.secret();
      jwtPublicKeys = List.copyOf(v.publicKeys());
      jwtJwksUrl = v.jwksUrl();
      jwtIssuer = v.issuer();
      jwtAudience = v.audience();
      jwtJwksCacheTtl = v.jwksCacheTtl();
      jwtClockSkew = v.clockSkew();
      return this;
    }

    public Builder jwtSecret(String v) {
      jwtSecret = v;
      return this;
    }

    public Builder jwtPublicKeys(List<Path> v) {
      jwtPublicKeys = List.copyOf(v);
      return this;
    }

    public Builder jwtJwksUrl(URI v) {
      jwtJwksUrl = v;
      return this;
    }

    public Builder jwtIssuer(String v) {
      jwtIssuer = v;
      return this;
    }

    public Builder jwtAudience(String v) {
      jwtAudience = v;
      return this;
    }

    public Builder jwtJwksCacheTtl(Duration v) {
      jwtJwksCacheTtl = v;
      return this;
    }

    public Builder jwtClockSkew(Duration v) {
      jwtClockSkew = v;
      return this;
    }

    public Builder requireToken(boolean v) {
      requireToken = v;
      return this;
    }

    public Builder requireOrigin(boolean v) {
      requireOrigin = v;
      return this;
    }

    public Builder agentTokenLifetime(Duration v) {
      agentTokenLifetime = v;
      return this;
    }

    public Builder trustedProxies(List<String> v) {
      trustedProxies = List.copyOf(v);
      return this;
    }

    public Builder storeCommitDelay(Duration v) {
      storeCommitDelay = v;
      return this;
    }

    public Builder adminHost(String v) {
      adminHost = v;
      return this;
    }

    public Builder adminPort(int v) {
      adminPort = v;
      return this;
    }

    private Builder webhook(String url, String secret) {
      webhook =
          url == null && secret == null
              ? null
              : new WebhookBot.Config(
                  url, secret, WEBHOOK_ATTEMPTS, WEBHOOK_FIRST_BACKOFF, WEBHOOK_TIMEOUT);
      return this;
    }

    /**
     * Checks every setting and builds.
     *
     * @throws IllegalArgumentException naming the setting that is wrong, or saying why demo
     *     accounts cannot run with these settings and what to set instead
     */
    public ServerConfig build() {
      if (adminPort > 65535) {
        throw new IllegalArgumentException(
            "admin-port must be at most 65535 (0: any free port, -1: none), was " + adminPort);
      }
      if (broker == BrokerKind.REDIS && store == StoreKind.SQLITE) {
        throw new IllegalArgumentException(
            "broker redis (a cluster) needs store postgres: SQLite is one node's file");
      }
      if (broker == BrokerKind.REDIS && tokenSecret == null) {
        throw new IllegalArgumentException(
            "token-secret is required with broker redis: every node must sign visitor tokens with the same key");
      }
      if (secretsKey != null) {
        byte[] k;
        try {
          k = Base64.getDecoder().decode(secretsKey.trim());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("secrets-key is not base64");
        }
        if (k.length != 32) {
          throw new IllegalArgumentException(
              "secrets-key must decode to 32 bytes, has " + k.length);
        }
      }
      if (tokenSecret != null) {
        byte[] b;
        try {
          b = Base64.getDecoder().decode(tokenSecret.trim());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("token-secret is not base64");
        }
        if (b.length < 32) {
          throw new IllegalArgumentException(
              "token-secret must decode to at least 32 bytes, has " + b.length);
        }
      }
      if (sendRate <= 0 || sendBurst < 1) {
        throw new IllegalArgumentException("send-rate must be > 0 and send-burst >= 1");
      }
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
      if (helloRate <= 0 || helloBurst < 1) {
        throw new IllegalArgumentException("hello-rate must be > 0 and hello-burst >= 1");
      }
      if (bot == BotKind.WEBHOOK
          && (webhook == null
              || webhook.url() == null
              || webhook.secret() == null
              || webhook.secret().length() < 16)) {
        throw new IllegalArgumentException(
            "bot webhook needs webhook-url and a webhook-secret of at least 16 characters");
      }
      if (!postgresSchema.matches("[a-z_][a-z0-9_]{0,62}")) {
        throw new IllegalArgumentException(
            "pg-schema must be a lower-case SQL identifier, was '" + postgresSchema + "'");
      }
      if (agentTokenLifetime.isNegative() || agentTokenLifetime.isZero()) {
        throw new IllegalArgumentException("agent-token-lifetime must be positive");
      }
      for (String proxy : trustedProxies) {
        if (!proxy.matches("[0-9a-fA-F:.]+")) {
          throw new IllegalArgumentException(
              "trusted-proxies must list IP addresses, not '" + proxy + "'");
        }
      }
      if (storeCommitDelay.isNegative() || storeCommitDelay.compareTo(Duration.ofMillis(100)) > 0) {
        throw new IllegalArgumentException(
            "store-commit-delay must be 0-100ms, was " + ValueType.duration(storeCommitDelay));
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0-65535, was " + port);
      }
      String bind = host != null ? host : sites == null ? DemoGuard.LOOPBACK : "0.0.0.0";
      List<String> exposures = DemoGuard.exposures(bind, tlsCert != null, store, broker);
      List<Agent> live = agents;
      Map<String, String> clear = Map.of();
      if (live == null && sites != null) {
        live = sites.agents();
        clear = sites.clearPasswords();
      } else if (live == null) {
        DemoGuard.refuseDemo(DEMO_AGENTS, exposures);
        String pw = demoAgentPassword != null ? demoAgentPassword.get() : DEMO_AGENT_PASSWORD;
        live = demoAgents(pw);
        clear = Map.of("maya", pw, "sam", pw);
      }
      DemoGuard.check(sites == null, live, exposures);
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
      return new ServerConfig(
          bind,
          port,
          dataDir,
          pingInterval,
          pongTimeout,
          maxFrameBytes,
          maxMessageBytes,
          maxTextChars,
          fsync,
          shutdownGrace,
          store.key(),
          postgresUrl,
          postgresUser,
          postgresPassword,
          postgresSchema,
          broker.key(),
          redisUrl,
          tokenSecret,
          botPacing,
          kbDir,
          knowledgeMaxUpload,
          knowledgeMaxDocuments,
          knowledgeFetchPrivate,
          openChannels,
          live,
          agentOfflineGrace,
          bot.key(),
          new LlmBot.Config(
              llmUrl,
              llmModel,
              llmApiKey,
              llmFirstTokenTimeout,
              llmStallTimeout,
              llmTimeout,
              llmContextPassages),
          webhook,
          sites,
          sendRate,
          sendBurst,
          helloRate,
          helloBurst,
          slowConsumerGrace,
          maxConnections,
          maxConnectionsPerIp,
          handshakeTimeout,
          tlsCert,
          tlsKey,
          new JwtVerifier.Settings(
              jwtSecret,
              jwtPublicKeys,
              jwtJwksUrl,
              jwtIssuer,
              jwtAudience,
              jwtJwksCacheTtl,
              jwtClockSkew),
          requireToken,
          requireOrigin,
          agentTokenLifetime,
          trustedProxies,
          storeCommitDelay,
          adminHost,
          adminPort,
          secretsKey,
          clear,
          eventQueue,
          WebhookDispatcher.Config.of(
              new DeliveryBackoff(eventRetryBase, EVENT_RETRY_MAX, eventAttempts), eventLogKeep),
          smtp.check());
    }
  }
}
