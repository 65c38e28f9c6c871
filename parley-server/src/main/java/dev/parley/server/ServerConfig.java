package dev.parley.server;

import dev.parley.bots.LlmBot;
import dev.parley.bots.SmtpSettings;
import dev.parley.bots.WebhookBot;
import dev.parley.bots.WebhookDispatcher;
import dev.parley.chat.Agent;
import dev.parley.edge.JwtVerifier;
import dev.parley.edge.Passwords;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything a {@link ParleyServer} needs to start. Immutable; build with {@link #newBuilder()}.
 * The builder's defaults are those of {@link Settings} (the "run with no configuration" ones of
 * {@code docs/OPERATIONS.md}); its {@link ServerConfigBuilder#build()} refuses demo accounts where
 * others could reach them ({@link DemoGuard}).
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
 * @param storeMaxQueueDelay the oldest queued write's age beyond which the store refuses new writes
 *     (0: only the queue's length bounds it)
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
 * @param channelPresenceEvents whether open channels announce users coming and going ({@code
 *     presence}, {@code presence_batch}); off by default: their presence is counted and listed on
 *     demand only
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
 * @param newConversationBurst chat conversations one client address may open at once
 * @param newConversationEvery how often it may open one more after that burst
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
    boolean channelPresenceEvents,
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
    int newConversationBurst,
    Duration newConversationEvery,
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
    Duration storeMaxQueueDelay,
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
   * The well-known password of the demo agents when a {@link ServerConfigBuilder} is given neither
   * agents nor sites (tests on loopback). {@link DemoGuard} refuses it anywhere else.
   */
  public static final String DEMO_AGENT_PASSWORD = "parley-demo";

  /** Whether this node shares its store and broker with others. */
  public boolean clustered() {
    return broker.equals(BrokerKind.REDIS.key());
  }

  public static ServerConfigBuilder newBuilder() {
    return new ServerConfigBuilder();
  }
}
