package dev.parley.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a {@link ParleyServer} needs to start. Immutable; build with {@link #newBuilder()}.
 * The defaults are the "run with no configuration" ones of {@code docs/OPERATIONS.md}.
 *
 * @param host bind address
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
 * @param tokenSecret base64 of at least 32 bytes that signs visitor tokens; every node of a cluster
 *     needs the same one. Null: {@code secret.key} in the data directory (one node only)
 * @param botPacing pause between the chunks of a streamed knowledge-base answer
 * @param kbDir folder of Markdown files for the demo site's knowledge base; null: the built-in one
 * @param openChannels whether conversation ids that are not chat conversations are open channels
 *     any client may join (the realtime engine without the chat product)
 * @param agents the agent accounts (the demo site's agents by default)
 * @param agentOfflineGrace how long an agent may be gone (a reload) before its conversations are
 *     queued again
 * @param bot {@code kb} (knowledge base, the default) or {@code llm} for the demo site
 * @param llm the LLM bot's settings (used when {@code bot} is {@code llm})
 * @param webhook the webhook bot's settings (used when {@code bot} is {@code webhook})
 * @param sites the sites and their knowledge bases, or null for the demo site alone
 * @param sendRate {@code send}s per second per connection (token bucket rate)
 * @param sendBurst {@code send}s a connection may make at once
 * @param slowConsumerGrace how long a connection may read too slowly before it is closed (4503)
 * @param maxConnections connections held at once (503 beyond)
 * @param maxConnectionsPerIp connections from one address at once (503 beyond)
 * @param handshakeTimeout how long a connection may take to send its HTTP request or upgrade
 * @param tlsCert PEM certificate chain for https/wss, or null
 * @param tlsKey PEM (PKCS#8) private key of {@code tlsCert}, or null
 * @param jwt the deployment's JWT keys and claim checks
 * @param requireToken whether every WebSocket handshake must carry a token (401 otherwise)
 * @param requireOrigin whether a WebSocket handshake without Origin (not a browser) is refused (403)
 * @param agentTokenLifetime how long an agent's login token is valid
 * @param adminHost address of the admin listener ({@code /metrics}, {@code /readyz}, {@code /healthz})
 * @param adminPort port of the admin listener; 0 any free one, negative: none
 * @param trustedProxies addresses of reverse proxies whose {@code X-Forwarded-For} names the
 *     client (for per-IP limits and logs)
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
    boolean openChannels,
    java.util.List<dev.parley.chat.Agent> agents,
    Duration agentOfflineGrace,
    String bot,
    dev.parley.bots.LlmBot.Config llm,
    dev.parley.bots.WebhookBot.Config webhook,
    SitesFile sites,
    double sendRate,
    int sendBurst,
    Duration slowConsumerGrace,
    int maxConnections,
    int maxConnectionsPerIp,
    Duration handshakeTimeout,
    Path tlsCert,
    Path tlsKey,
    dev.parley.edge.JwtVerifier.Settings jwt,
    boolean requireToken,
    boolean requireOrigin,
    Duration agentTokenLifetime,
    java.util.List<String> trustedProxies,
    Duration storeCommitDelay,
    String adminHost,
    int adminPort) {

  /** The demo site's agents, Maya (an admin too) and Sam, with {@code password}. */
  public static java.util.List<dev.parley.chat.Agent> demoAgents(String password) {
    String hash = dev.parley.edge.Passwords.hash(password);
    return java.util.List.of(
        new dev.parley.chat.Agent("maya", "Maya", java.util.Set.of("demo"), 3, hash, true),
        new dev.parley.chat.Agent("sam", "Sam", java.util.Set.of("demo"), 3, hash));
  }

  /** The demo agents' password when none is configured. */
  public static final String DEMO_AGENT_PASSWORD = "parley-demo";

  /** Whether this node shares its store and broker with others. */
  public boolean clustered() {
    return broker.equals("redis");
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** Builds a {@link ServerConfig}. */
  public static final class Builder {
    private String host = "0.0.0.0";
    private int port = 8080;
    private Path dataDir = Path.of("data");
    private Duration pingInterval = Duration.ofSeconds(30);
    private Duration pongTimeout = Duration.ofSeconds(10);
    private int maxFrameBytes = 64 * 1024;
    private int maxMessageBytes = 64 * 1024;
    private int maxTextChars = 4000;
    private boolean fsync = false;
    private Duration shutdownGrace = Duration.ofSeconds(10);
    private String store = "sqlite";
    private String postgresUrl = "jdbc:postgresql://127.0.0.1:5432/parley";
    private String postgresUser;
    private String postgresPassword;
    private String postgresSchema = "public";
    private String broker = "memory";
    private String redisUrl = "redis://127.0.0.1:6379";
    private String tokenSecret;
    private Duration botPacing = Duration.ofMillis(20);
    private Path kbDir;
    private boolean openChannels = true;
    private java.util.List<dev.parley.chat.Agent> agents;
    private Duration agentOfflineGrace = Duration.ofSeconds(20);
    private String bot = "kb";
    private dev.parley.bots.WebhookBot.Config webhook;
    private SitesFile sites;
    private double sendRate = 10;
    private int sendBurst = 20;
    private Duration slowConsumerGrace = Duration.ofSeconds(10);
    private int maxConnections = 100_000;
    private int maxConnectionsPerIp = 1_000;
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private Path tlsCert;
    private Path tlsKey;
    private dev.parley.edge.JwtVerifier.Settings jwt = dev.parley.edge.JwtVerifier.Settings.none();
    private boolean requireToken;
    private boolean requireOrigin;
    private Duration agentTokenLifetime = Duration.ofHours(12);
    private java.util.List<String> trustedProxies = java.util.List.of();
    private String adminHost = "127.0.0.1";
    private int adminPort = 8081;
    private Duration storeCommitDelay = dev.parley.store.jdbc.SqliteMessageStore.Options.DEFAULT_COMMIT_DELAY;
    private dev.parley.bots.LlmBot.Config llm = new dev.parley.bots.LlmBot.Config("http://127.0.0.1:11434/v1",
        "llama3.2", null, Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(60), 3);

    public Builder host(String v) { host = v; return this; }
    public Builder port(int v) { port = v; return this; }
    public Builder dataDir(Path v) { dataDir = v; return this; }
    public Builder pingInterval(Duration v) { pingInterval = v; return this; }
    public Builder pongTimeout(Duration v) { pongTimeout = v; return this; }
    public Builder maxFrameBytes(int v) { maxFrameBytes = v; return this; }
    public Builder maxMessageBytes(int v) { maxMessageBytes = v; return this; }
    public Builder maxTextChars(int v) { maxTextChars = v; return this; }
    public Builder fsync(boolean v) { fsync = v; return this; }
    public Builder shutdownGrace(Duration v) { shutdownGrace = v; return this; }
    public Builder store(String v) { store = v; return this; }
    public Builder postgresUrl(String v) { postgresUrl = v; return this; }
    public Builder postgresUser(String v) { postgresUser = v; return this; }
    public Builder postgresPassword(String v) { postgresPassword = v; return this; }
    public Builder postgresSchema(String v) { postgresSchema = v; return this; }
    public Builder broker(String v) { broker = v; return this; }
    public Builder redisUrl(String v) { redisUrl = v; return this; }
    public Builder tokenSecret(String v) { tokenSecret = v; return this; }
    public Builder botPacing(Duration v) { botPacing = v; return this; }
    public Builder kbDir(Path v) { kbDir = v; return this; }
    public Builder openChannels(boolean v) { openChannels = v; return this; }
    public Builder agents(java.util.List<dev.parley.chat.Agent> v) { agents = v; return this; }
    public Builder agentOfflineGrace(Duration v) { agentOfflineGrace = v; return this; }
    public Builder bot(String v) { bot = v; return this; }
    public Builder llm(dev.parley.bots.LlmBot.Config v) { llm = v; return this; }
    public Builder webhook(dev.parley.bots.WebhookBot.Config v) { webhook = v; return this; }
    /** Sites and agents from a file; its agents replace the demo agents. */
    public Builder sites(SitesFile v) { sites = v; return this; }
    public Builder sendRate(double v) { sendRate = v; return this; }
    public Builder sendBurst(int v) { sendBurst = v; return this; }
    public Builder slowConsumerGrace(Duration v) { slowConsumerGrace = v; return this; }
    public Builder maxConnections(int v) { maxConnections = v; return this; }
    public Builder maxConnectionsPerIp(int v) { maxConnectionsPerIp = v; return this; }
    public Builder handshakeTimeout(Duration v) { handshakeTimeout = v; return this; }
    public Builder tls(Path cert, Path key) { tlsCert = cert; tlsKey = key; return this; }
    public Builder jwt(dev.parley.edge.JwtVerifier.Settings v) { jwt = v; return this; }
    public Builder requireToken(boolean v) { requireToken = v; return this; }
    public Builder requireOrigin(boolean v) { requireOrigin = v; return this; }
    public Builder agentTokenLifetime(Duration v) { agentTokenLifetime = v; return this; }
    public Builder trustedProxies(java.util.List<String> v) { trustedProxies = java.util.List.copyOf(v); return this; }
    public Builder adminHost(String v) { adminHost = v; return this; }
    public Builder adminPort(int v) { adminPort = v; return this; }
    public Builder storeCommitDelay(Duration v) { storeCommitDelay = v; return this; }

    /** @throws IllegalArgumentException naming the setting that is wrong */
    public ServerConfig build() {
      if (!store.equals("sqlite") && !store.equals("postgres")) {
        throw new IllegalArgumentException("store must be sqlite or postgres, was '" + store + "'");
      }
      if (!broker.equals("memory") && !broker.equals("redis")) {
        throw new IllegalArgumentException("broker must be memory or redis, was '" + broker + "'");
      }
      if (broker.equals("redis") && store.equals("sqlite")) {
        throw new IllegalArgumentException("broker redis (a cluster) needs store postgres: SQLite is one node's file");
      }
      if (broker.equals("redis") && tokenSecret == null) {
        throw new IllegalArgumentException(
            "token-secret is required with broker redis: every node must sign visitor tokens with the same key");
      }
      if (tokenSecret != null) {
        byte[] b;
        try {
          b = java.util.Base64.getDecoder().decode(tokenSecret.trim());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("token-secret is not base64");
        }
        if (b.length < 32) {
          throw new IllegalArgumentException("token-secret must decode to at least 32 bytes, has " + b.length);
        }
      }
      if (sendRate <= 0 || sendBurst < 1) {
        throw new IllegalArgumentException("send-rate must be > 0 and send-burst >= 1");
      }
      if (!bot.equals("kb") && !bot.equals("llm") && !bot.equals("webhook")) {
        throw new IllegalArgumentException("bot must be kb, llm or webhook, was '" + bot + "'");
      }
      if (bot.equals("webhook") && (webhook == null || webhook.url() == null || webhook.secret() == null
          || webhook.secret().length() < 16)) {
        throw new IllegalArgumentException("bot webhook needs webhook-url and a webhook-secret of at least 16 characters");
      }
      if (!postgresSchema.matches("[a-z_][a-z0-9_]{0,62}")) {
        throw new IllegalArgumentException("pg-schema must be a lower-case SQL identifier, was '" + postgresSchema + "'");
      }
      if (agentTokenLifetime.isNegative() || agentTokenLifetime.isZero()) {
        throw new IllegalArgumentException("agent-token-lifetime must be positive");
      }
      for (String proxy : trustedProxies) {
        if (!proxy.matches("[0-9a-fA-F:.]+")) {
          throw new IllegalArgumentException("trusted-proxies must list IP addresses, not '" + proxy + "'");
        }
      }
      if (storeCommitDelay.isNegative() || storeCommitDelay.compareTo(Duration.ofMillis(100)) > 0) {
        throw new IllegalArgumentException("store-commit-delay must be 0-100ms, was " + storeCommitDelay);
      }
      if (adminPort > 65535) {
        throw new IllegalArgumentException("admin-port must be at most 65535 (0: any free port, negative: off), was " + adminPort);
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0-65535, was " + port);
      }
      return new ServerConfig(host, port, dataDir, pingInterval, pongTimeout, maxFrameBytes, maxMessageBytes,
          maxTextChars, fsync, shutdownGrace, store, postgresUrl, postgresUser, postgresPassword, postgresSchema, broker, redisUrl,
          tokenSecret, botPacing, kbDir, openChannels,
          agents != null ? agents : sites != null ? sites.agents() : demoAgents(DEMO_AGENT_PASSWORD), agentOfflineGrace, bot, llm, webhook, sites, sendRate,
          sendBurst, slowConsumerGrace, maxConnections, maxConnectionsPerIp, handshakeTimeout, tlsCert, tlsKey,
          jwt, requireToken, requireOrigin, agentTokenLifetime, trustedProxies, storeCommitDelay, adminHost, adminPort);
    }
  }
}
