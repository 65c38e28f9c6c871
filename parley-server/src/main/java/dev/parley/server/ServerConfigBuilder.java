package dev.parley.server;

import dev.parley.bots.DeliveryBackoff;
import dev.parley.bots.LlmBot;
import dev.parley.bots.SmtpSettings;
import dev.parley.bots.WebhookBot;
import dev.parley.bots.WebhookDispatcher;
import dev.parley.chat.Agent;
import dev.parley.edge.JwtVerifier;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** Builds a {@link ServerConfig}; its defaults are those of {@link Settings}. Not thread-safe. */
public final class ServerConfigBuilder {
  ServerConfigBuilder() {}

  /** Retries of the webhook bot's calls, and their backoff and time-out: not settings (yet). */
  private static final int WEBHOOK_ATTEMPTS = 4;

  private static final Duration WEBHOOK_FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(10);

  /** The longest wait between two attempts of an event webhook delivery. */
  private static final Duration EVENT_RETRY_MAX = Duration.ofHours(1);

  /** Knowledge-base passages an LLM answer is grounded in. */
  private static final int LLM_CONTEXT_PASSAGES = 3;

  private String host = NetworkSettings.HOST.defaultValue();
  private int port = NetworkSettings.PORT.defaultValue();
  private Path dataDir = StorageSettings.DATA_DIR.defaultValue();
  private Duration pingInterval = NetworkSettings.PING_INTERVAL.defaultValue();
  private Duration pongTimeout = NetworkSettings.PONG_TIMEOUT.defaultValue();
  private int maxFrameBytes = ModuleDefaults.TRANSPORT.maxFrameBytes();
  private int maxMessageBytes = ModuleDefaults.TRANSPORT.maxMessageBytes();
  private int maxTextChars = ModuleDefaults.NODE.maxTextChars();
  private boolean fsync = StorageSettings.FSYNC.defaultValue();
  private Duration shutdownGrace = NetworkSettings.SHUTDOWN_GRACE.defaultValue();
  private StoreKind store = StorageSettings.STORE.defaultValue();
  private String postgresUrl = StorageSettings.PG_URL_SETTING.defaultValue();
  private String postgresUser = StorageSettings.PG_USER.defaultValue();
  private String postgresPassword = StorageSettings.PG_PASSWORD.defaultValue();
  private String postgresSchema = StorageSettings.PG_SCHEMA.defaultValue();
  private BrokerKind broker = StorageSettings.BROKER.defaultValue();
  private String redisUrl = StorageSettings.REDIS_URL.defaultValue();
  private String tokenSecret = StorageSettings.TOKEN_SECRET.defaultValue();
  private String secretsKey = StorageSettings.SECRETS_KEY.defaultValue();
  private Duration botPacing = IntegrationSettings.BOT_PACING.defaultValue();
  private Path kbDir = IntegrationSettings.KB_DIR.defaultValue();
  private int knowledgeMaxUpload = IntegrationSettings.KNOWLEDGE_MAX_UPLOAD.defaultValue();
  private int knowledgeMaxDocuments = IntegrationSettings.KNOWLEDGE_MAX_DOCUMENTS.defaultValue();
  private boolean knowledgeFetchPrivate =
      IntegrationSettings.KNOWLEDGE_FETCH_PRIVATE.defaultValue();
  private boolean openChannels = AccessSettings.OPEN_CHANNELS.defaultValue();
  private boolean channelPresenceEvents = AccessSettings.CHANNEL_PRESENCE_EVENTS.defaultValue();
  private List<Agent> agents;
  private Supplier<String> demoAgentPassword;
  private Duration agentOfflineGrace = AccessSettings.AGENT_OFFLINE_GRACE.defaultValue();
  private int eventQueue = IntegrationSettings.EVENT_QUEUE.defaultValue();
  private int eventAttempts = IntegrationSettings.EVENT_ATTEMPTS.defaultValue();
  private Duration eventRetryBase = IntegrationSettings.EVENT_RETRY_BASE.defaultValue();
  private Duration eventLogKeep = IntegrationSettings.EVENT_LOG_KEEP.defaultValue();
  private SmtpSettings smtp = ModuleDefaults.SMTP;
  private BotKind bot = IntegrationSettings.BOT.defaultValue();
  private WebhookBot.Config webhook;
  private SitesFile sites;
  private double sendRate = NetworkSettings.SEND_RATE.defaultValue();
  private int sendBurst = NetworkSettings.SEND_BURST.defaultValue();
  private double helloRate = NetworkSettings.HELLO_RATE.defaultValue();
  private int helloBurst = NetworkSettings.HELLO_BURST.defaultValue();
  private int newConversationBurst = NetworkSettings.NEW_CONVERSATION_BURST.defaultValue();
  private Duration newConversationEvery = NetworkSettings.NEW_CONVERSATION_EVERY.defaultValue();
  private Duration slowConsumerGrace = NetworkSettings.SLOW_CONSUMER_GRACE.defaultValue();
  private int maxConnections = NetworkSettings.MAX_CONNECTIONS.defaultValue();
  private int maxConnectionsPerIp = NetworkSettings.MAX_CONNECTIONS_PER_IP.defaultValue();
  private Duration handshakeTimeout = NetworkSettings.HANDSHAKE_TIMEOUT.defaultValue();
  private Path tlsCert = NetworkSettings.TLS_CERT.defaultValue();
  private Path tlsKey = NetworkSettings.TLS_KEY.defaultValue();
  private String jwtSecret = AccessSettings.JWT_SECRET.defaultValue();
  private List<Path> jwtPublicKeys = List.of();
  private URI jwtJwksUrl = AccessSettings.JWT_JWKS_URL.defaultValue();
  private String jwtIssuer = AccessSettings.JWT_ISSUER.defaultValue();
  private String jwtAudience = AccessSettings.JWT_AUDIENCE.defaultValue();
  private Duration jwtJwksCacheTtl = AccessSettings.JWT_JWKS_CACHE_TTL.defaultValue();
  private Duration jwtClockSkew = AccessSettings.JWT_CLOCK_SKEW.defaultValue();
  private boolean requireToken = AccessSettings.REQUIRE_TOKEN.defaultValue();
  private boolean requireOrigin = AccessSettings.REQUIRE_ORIGIN.defaultValue();
  private Duration agentTokenLifetime = AccessSettings.AGENT_TOKEN_LIFETIME.defaultValue();
  private List<String> trustedProxies = List.of();
  private Duration storeCommitDelay = StorageSettings.STORE_COMMIT_DELAY.defaultValue();
  private Duration storeMaxQueueDelay = StorageSettings.STORE_MAX_QUEUE_DELAY.defaultValue();
  private String adminHost = NetworkSettings.ADMIN_HOST.defaultValue();
  private int adminPort = NetworkSettings.ADMIN_PORT.defaultValue();
  private String llmUrl = IntegrationSettings.LLM_URL.defaultValue();
  private String llmModel = IntegrationSettings.LLM_MODEL.defaultValue();
  private String llmApiKey = IntegrationSettings.LLM_API_KEY.defaultValue();
  private Duration llmFirstTokenTimeout =
      IntegrationSettings.LLM_FIRST_TOKEN_TIMEOUT.defaultValue();
  private Duration llmStallTimeout = IntegrationSettings.LLM_STALL_TIMEOUT.defaultValue();
  private Duration llmTimeout = IntegrationSettings.LLM_TIMEOUT.defaultValue();
  private int llmContextPassages = LLM_CONTEXT_PASSAGES;
  private boolean llmImageInputs = IntegrationSettings.LLM_IMAGE_INPUTS.defaultValue();

  /** The bind address; null: {@code 127.0.0.1} in demo mode (no sites), else {@code 0.0.0.0}. */
  public ServerConfigBuilder host(String v) {
    host = v;
    return this;
  }

  public ServerConfigBuilder port(int v) {
    port = v;
    return this;
  }

  public ServerConfigBuilder dataDir(Path v) {
    dataDir = v;
    return this;
  }

  public ServerConfigBuilder pingInterval(Duration v) {
    pingInterval = v;
    return this;
  }

  public ServerConfigBuilder pongTimeout(Duration v) {
    pongTimeout = v;
    return this;
  }

  public ServerConfigBuilder maxFrameBytes(int v) {
    maxFrameBytes = v;
    return this;
  }

  public ServerConfigBuilder maxMessageBytes(int v) {
    maxMessageBytes = v;
    return this;
  }

  public ServerConfigBuilder maxTextChars(int v) {
    maxTextChars = v;
    return this;
  }

  public ServerConfigBuilder fsync(boolean v) {
    fsync = v;
    return this;
  }

  public ServerConfigBuilder shutdownGrace(Duration v) {
    shutdownGrace = v;
    return this;
  }

  public ServerConfigBuilder store(StoreKind v) {
    store = v;
    return this;
  }

  /** Sets the store by name; throws IllegalArgumentException unless sqlite or postgres. */
  public ServerConfigBuilder store(String v) {
    return store(StoreKind.parse(v));
  }

  public ServerConfigBuilder postgresUrl(String v) {
    postgresUrl = v;
    return this;
  }

  public ServerConfigBuilder postgresUser(String v) {
    postgresUser = v;
    return this;
  }

  public ServerConfigBuilder postgresPassword(String v) {
    postgresPassword = v;
    return this;
  }

  public ServerConfigBuilder postgresSchema(String v) {
    postgresSchema = v;
    return this;
  }

  public ServerConfigBuilder broker(BrokerKind v) {
    broker = v;
    return this;
  }

  /** Sets the broker by name; throws IllegalArgumentException unless memory or redis. */
  public ServerConfigBuilder broker(String v) {
    return broker(BrokerKind.parse(v));
  }

  public ServerConfigBuilder redisUrl(String v) {
    redisUrl = v;
    return this;
  }

  public ServerConfigBuilder tokenSecret(String v) {
    tokenSecret = v;
    return this;
  }

  public ServerConfigBuilder secretsKey(String v) {
    secretsKey = v;
    return this;
  }

  public ServerConfigBuilder botPacing(Duration v) {
    botPacing = v;
    return this;
  }

  public ServerConfigBuilder knowledgeMaxUpload(int v) {
    knowledgeMaxUpload = v;
    return this;
  }

  public ServerConfigBuilder knowledgeMaxDocuments(int v) {
    knowledgeMaxDocuments = v;
    return this;
  }

  public ServerConfigBuilder knowledgeFetchPrivate(boolean v) {
    knowledgeFetchPrivate = v;
    return this;
  }

  public ServerConfigBuilder kbDir(Path v) {
    kbDir = v;
    return this;
  }

  public ServerConfigBuilder openChannels(boolean v) {
    openChannels = v;
    return this;
  }

  public ServerConfigBuilder channelPresenceEvents(boolean v) {
    channelPresenceEvents = v;
    return this;
  }

  /**
   * The agent accounts; null: the sites file's, or without one the demo agents (password {@link
   * ServerConfig#DEMO_AGENT_PASSWORD}).
   */
  public ServerConfigBuilder agents(List<Agent> v) {
    agents = v;
    return this;
  }

  /**
   * In demo mode (neither agents nor sites given), where the demo agents' password comes from;
   * asked only once the settings are known to allow demo mode. Null: {@link
   * ServerConfig#DEMO_AGENT_PASSWORD}.
   */
  public ServerConfigBuilder demoAgentPassword(Supplier<String> v) {
    demoAgentPassword = v;
    return this;
  }

  public ServerConfigBuilder agentOfflineGrace(Duration v) {
    agentOfflineGrace = v;
    return this;
  }

  public ServerConfigBuilder bot(BotKind v) {
    bot = v;
    return this;
  }

  /** Sets the bot kind by name; throws IllegalArgumentException unless kb, llm or webhook. */
  public ServerConfigBuilder bot(String v) {
    return bot(BotKind.parse(v));
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
    return this;
  }

  public ServerConfigBuilder llmUrl(String v) {
    llmUrl = v;
    return this;
  }

  public ServerConfigBuilder llmModel(String v) {
    llmModel = v;
    return this;
  }

  public ServerConfigBuilder llmApiKey(String v) {
    llmApiKey = v;
    return this;
  }

  public ServerConfigBuilder llmFirstTokenTimeout(Duration v) {
    llmFirstTokenTimeout = v;
    return this;
  }

  public ServerConfigBuilder llmStallTimeout(Duration v) {
    llmStallTimeout = v;
    return this;
  }

  public ServerConfigBuilder llmTimeout(Duration v) {
    llmTimeout = v;
    return this;
  }

  public ServerConfigBuilder llmImageInputs(boolean v) {
    llmImageInputs = v;
    return this;
  }

  public ServerConfigBuilder webhook(WebhookBot.Config v) {
    webhook = v;
    return this;
  }

  /** The webhook bot's URL; with the default retries (4, from 500 ms) and time-out (10 s). */
  public ServerConfigBuilder webhookUrl(String v) {
    return webhook(v, webhook == null ? null : webhook.secret());
  }

  public ServerConfigBuilder webhookSecret(String v) {
    return webhook(webhook == null ? null : webhook.url(), v);
  }

  /** Sites and agents from a file; its agents replace the demo agents. */
  public ServerConfigBuilder sites(SitesFile v) {
    sites = v;
    return this;
  }

  public ServerConfigBuilder sendRate(double v) {
    sendRate = v;
    return this;
  }

  public ServerConfigBuilder sendBurst(int v) {
    sendBurst = v;
    return this;
  }

  public ServerConfigBuilder helloRate(double v) {
    helloRate = v;
    return this;
  }

  public ServerConfigBuilder helloBurst(int v) {
    helloBurst = v;
    return this;
  }

  public ServerConfigBuilder newConversationBurst(int v) {
    newConversationBurst = v;
    return this;
  }

  public ServerConfigBuilder newConversationEvery(Duration v) {
    newConversationEvery = v;
    return this;
  }

  public ServerConfigBuilder slowConsumerGrace(Duration v) {
    slowConsumerGrace = v;
    return this;
  }

  public ServerConfigBuilder maxConnections(int v) {
    maxConnections = v;
    return this;
  }

  /** Away mail's SMTP server and sender (the {@code smtp-*} and {@code mail-from} settings). */
  public ServerConfigBuilder smtp(UnaryOperator<SmtpSettings> change) {
    smtp = change.apply(smtp);
    return this;
  }

  public ServerConfigBuilder eventQueue(int v) {
    eventQueue = v;
    return this;
  }

  public ServerConfigBuilder eventAttempts(int v) {
    eventAttempts = v;
    return this;
  }

  public ServerConfigBuilder eventRetryBase(Duration v) {
    eventRetryBase = v;
    return this;
  }

  public ServerConfigBuilder eventLogKeep(Duration v) {
    eventLogKeep = v;
    return this;
  }

  public ServerConfigBuilder maxConnectionsPerIp(int v) {
    maxConnectionsPerIp = v;
    return this;
  }

  public ServerConfigBuilder handshakeTimeout(Duration v) {
    handshakeTimeout = v;
    return this;
  }

  public ServerConfigBuilder tls(Path cert, Path key) {
    tlsCert = cert;
    tlsKey = key;
    return this;
  }

  public ServerConfigBuilder tlsCert(Path v) {
    tlsCert = v;
    return this;
  }

  public ServerConfigBuilder tlsKey(Path v) {
    tlsKey = v;
    return this;
  }

  /** All of the deployment's JWT settings at once. */
  public ServerConfigBuilder jwt(JwtVerifier.Settings v) {
    jwtSecret = v.secret();
    jwtPublicKeys = List.copyOf(v.publicKeys());
    jwtJwksUrl = v.jwksUrl();
    jwtIssuer = v.issuer();
    jwtAudience = v.audience();
    jwtJwksCacheTtl = v.jwksCacheTtl();
    jwtClockSkew = v.clockSkew();
    return this;
  }

  public ServerConfigBuilder jwtSecret(String v) {
    jwtSecret = v;
    return this;
  }

  public ServerConfigBuilder jwtPublicKeys(List<Path> v) {
    jwtPublicKeys = List.copyOf(v);
    return this;
  }

  public ServerConfigBuilder jwtJwksUrl(URI v) {
    jwtJwksUrl = v;
    return this;
  }

  public ServerConfigBuilder jwtIssuer(String v) {
    jwtIssuer = v;
    return this;
  }

  public ServerConfigBuilder jwtAudience(String v) {
    jwtAudience = v;
    return this;
  }

  public ServerConfigBuilder jwtJwksCacheTtl(Duration v) {
    jwtJwksCacheTtl = v;
    return this;
  }

  public ServerConfigBuilder jwtClockSkew(Duration v) {
    jwtClockSkew = v;
    return this;
  }

  public ServerConfigBuilder requireToken(boolean v) {
    requireToken = v;
    return this;
  }

  public ServerConfigBuilder requireOrigin(boolean v) {
    requireOrigin = v;
    return this;
  }

  public ServerConfigBuilder agentTokenLifetime(Duration v) {
    agentTokenLifetime = v;
    return this;
  }

  public ServerConfigBuilder trustedProxies(List<String> v) {
    trustedProxies = List.copyOf(v);
    return this;
  }

  public ServerConfigBuilder storeCommitDelay(Duration v) {
    storeCommitDelay = v;
    return this;
  }

  /** See {@code --store-max-queue-delay}: 0, or 10ms to 60s. */
  public ServerConfigBuilder storeMaxQueueDelay(Duration v) {
    storeMaxQueueDelay = v;
    return this;
  }

  public ServerConfigBuilder adminHost(String v) {
    adminHost = v;
    return this;
  }

  public ServerConfigBuilder adminPort(int v) {
    adminPort = v;
    return this;
  }

  private ServerConfigBuilder webhook(String url, String secret) {
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
   * @throws IllegalArgumentException naming the setting that is wrong, or saying why demo accounts
   *     cannot run with these settings and what to set instead
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
        throw new IllegalArgumentException("secrets-key must decode to 32 bytes, has " + k.length);
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
    if (newConversationBurst < 1 || newConversationEvery.toMillis() < 1) {
      throw new IllegalArgumentException(
          "new-conversation-burst must be >= 1 and new-conversation-every at least 1ms");
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
    if (!storeMaxQueueDelay.isZero()
        && (storeMaxQueueDelay.compareTo(Duration.ofMillis(10)) < 0
            || storeMaxQueueDelay.compareTo(Duration.ofSeconds(60)) > 0)) {
      throw new IllegalArgumentException(
          "store-max-queue-delay must be 0ms or 10ms-60s, was "
              + ValueType.duration(storeMaxQueueDelay));
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
      DemoGuard.refuseDemo(ServerConfig.DEMO_AGENTS, exposures);
      String pw =
          demoAgentPassword != null ? demoAgentPassword.get() : ServerConfig.DEMO_AGENT_PASSWORD;
      live = ServerConfig.demoAgents(pw);
      clear = Map.of("maya", pw, "sam", pw);
    }
    DemoGuard.check(sites == null, live, exposures);
    if (knowledgeMaxUpload < 1 || knowledgeMaxUpload > ServerConfig.KNOWLEDGE_UPLOAD_CEILING) {
      throw new IllegalArgumentException(
          "knowledge-max-upload must be from 1 to "
              + ServerConfig.KNOWLEDGE_UPLOAD_CEILING
              + " bytes (16 MiB), was "
              + knowledgeMaxUpload);
    }
    if (knowledgeMaxDocuments < 1) {
      throw new IllegalArgumentException(
          "knowledge-max-documents must be at least 1, was " + knowledgeMaxDocuments);
    }
    return new ServerConfig(
        new NetworkConfig(
            bind,
            port,
            tlsCert,
            tlsKey,
            trustedProxies,
            adminHost,
            adminPort,
            maxConnections,
            maxConnectionsPerIp,
            handshakeTimeout,
            pingInterval,
            pongTimeout,
            slowConsumerGrace,
            sendRate,
            sendBurst,
            helloRate,
            helloBurst,
            newConversationBurst,
            newConversationEvery,
            shutdownGrace,
            maxFrameBytes,
            maxMessageBytes,
            maxTextChars),
        new StorageConfig(
            dataDir,
            store.key(),
            fsync,
            storeCommitDelay,
            storeMaxQueueDelay,
            postgresUrl,
            postgresUser,
            postgresPassword,
            postgresSchema,
            broker.key(),
            redisUrl,
            tokenSecret,
            secretsKey),
        new AccessConfig(
            sites,
            live,
            clear,
            agentOfflineGrace,
            agentTokenLifetime,
            openChannels,
            channelPresenceEvents,
            requireToken,
            requireOrigin,
            new JwtVerifier.Settings(
                jwtSecret,
                jwtPublicKeys,
                jwtJwksUrl,
                jwtIssuer,
                jwtAudience,
                jwtJwksCacheTtl,
                jwtClockSkew)),
        new IntegrationConfig(
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
            smtp.check()));
  }
}
