package dev.parley.server;

import dev.parley.broker.redis.RedisBroker;
import dev.parley.broker.redis.RedisSharedState;
import dev.parley.bots.KnowledgeBase;
import dev.parley.bots.KnowledgeBaseBot;
import dev.parley.bots.LlmBot;
import dev.parley.bots.WebhookBot;
import dev.parley.chat.Agent;
import dev.parley.chat.Bot;
import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatLayer;
import dev.parley.chat.ChatStore;
import dev.parley.chat.Directory;
import dev.parley.chat.Site;
import dev.parley.edge.ChatAuthenticator;
import dev.parley.edge.ChatRestApi;
import dev.parley.edge.JwtVerifier;
import dev.parley.edge.OpsApi;
import dev.parley.store.jdbc.JdbcChatStore;
import dev.parley.core.Broker;
import dev.parley.core.InMemoryBroker;
import dev.parley.core.InMemorySharedState;
import dev.parley.core.MessageStore;
import dev.parley.core.Node;
import dev.parley.core.NodeClock;
import dev.parley.core.NodeConfig;
import dev.parley.core.SharedState;
import dev.parley.protocol.CloseCode;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.store.jdbc.CommitListener;
import dev.parley.store.jdbc.PostgresMessageStore;
import dev.parley.store.jdbc.SqliteMessageStore;
import dev.parley.transport.TransportConfig;
import dev.parley.transport.TransportServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Parley node: the store (SQLite or PostgreSQL), the broker (in memory or Redis), the
 * realtime core and the transport, started in that order and closed in reverse.
 *
 * <p>{@code ParleyServer.start(config)} then {@link #port()}. Thread-safe; {@link #close()} is
 * idempotent.
 */
public final class ParleyServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ParleyServer.class);

  private final ServerConfig config;
  private final MessageStore store;
  private final Broker broker;
  private final SharedState sharedState;
  private final ChatLayer chat;
  private final ChatAuthenticator authenticator;
  private final LlmBot llmBot;
  private final NodeClock clock = NodeClock.system();
  private final Node node;
  private final TransportServer transport;
  private boolean closed;

  private final MicrometerMetrics metrics = new MicrometerMetrics();

  private ParleyServer(ServerConfig config) throws InterruptedException {
    this.config = config;
    this.store = openStore(config, metrics);
    Broker b = null;
    SharedState st = null;
    ChatLayer ch = null;
    LlmBot llm = null;
    ChatAuthenticator auth = null;
    Node n = null;
    try {
      byte[] secret = config.tokenSecret() != null
          ? Base64.getDecoder().decode(config.tokenSecret().trim())
          : loadOrCreateSecret(config.dataDir());
      ChatStore chatStore = store instanceof SqliteMessageStore sq
          ? JdbcChatStore.onSqlite(sq)
          : JdbcChatStore.onPostgres(postgresOptions(config));
      KnowledgeBase kb = config.kbDir() != null
          ? KnowledgeBase.fromFolder(config.kbDir())
          : KnowledgeBase.fromClasspath("kb");
      Bot siteBot = switch (config.bot()) {
        case "llm" -> llm = new LlmBot(config.llm(), kb, clock);
        case "webhook" -> new WebhookBot(config.webhook());
        default -> new KnowledgeBaseBot(kb, config.botPacing());
      };
      Map<String, Site> siteMap = new HashMap<>();
      Map<String, Bot> botOf = new HashMap<>();
      if (config.sites() == null) {
        siteMap.put(Site.demo().id(), Site.demo());
      } else {
        for (Site s : config.sites().sites()) {
          siteMap.put(s.id(), s);
          Path dir = config.sites().kbDirs().get(s.id());
          if (dir != null && config.bot().equals("kb")) {
            botOf.put(s.id(), new KnowledgeBaseBot(KnowledgeBase.fromFolder(dir), config.botPacing()));
          }
        }
      }
      Map<String, Agent> agentMap = new HashMap<>();
      for (Agent a : config.agents()) {
        agentMap.put(a.user(), a);
      }
      Directory directory = new Directory(siteMap, agentMap);
      b = config.clustered() ? RedisBroker.connect(config.redisUrl(), "parley:") : new InMemoryBroker();
      st = config.clustered() ? RedisSharedState.connect(config.redisUrl(), "parley:")
          : new InMemorySharedState(clock::nanoTime);
      auth = new ChatAuthenticator(secret, agentMap, config.agentTokenLifetime(), java.time.Clock.systemUTC(),
          new JwtVerifier(config.jwt(), List.copyOf(siteMap.values())), chatStore, st);
      ch = new ChatLayer(chatStore, directory, site -> botOf.getOrDefault(site.id(), siteBot),
          new ChatConfig(config.openChannels(), config.agentOfflineGrace(), Duration.ofMinutes(3),
              config.requireToken(), config.requireOrigin()), st, clock);
      NodeConfig d = NodeConfig.defaults();
      NodeConfig nodeConfig = new NodeConfig(config.maxTextChars(), d.maxConversationsPerSession(), d.typingTtl(),
          d.replayPageSize(), config.pingInterval(), config.sendRate(), config.sendBurst(), d.abuseLimit(),
          config.helloRate(), config.helloBurst(), d.maxFailedHellos());
      n = Node.builder()
          .config(nodeConfig)
          .codec(ChatProtocol.codec())
          .clock(clock)
          .store(store)
          .broker(b)
          .sharedState(st)
          .authorizer(ch.authorizer())
          .handshakePolicy(ch.handshakePolicy())
          .extension(ch.extension())
          .authenticator(auth)
          .metrics(metrics)
          .build();
      ch.attach(n, metrics);
      metrics.bindChat(ch);
      TransportConfig tc = TransportConfig.newBuilder()
          .host(config.host())
          .port(config.port())
          .pingInterval(config.pingInterval())
          .pongTimeout(config.pongTimeout())
          .maxFrameBytes(config.maxFrameBytes())
          .maxMessageBytes(config.maxMessageBytes())
          .shutdownGrace(config.shutdownGrace())
          .slowConsumerGrace(config.slowConsumerGrace())
          .maxConnections(config.maxConnections())
          .maxConnectionsPerIp(config.maxConnectionsPerIp())
          .handshakeTimeout(config.handshakeTimeout())
          .tls(config.tlsCert(), config.tlsKey())
          .trustedProxies(config.trustedProxies())
          .adminHost(config.adminHost())
          .adminPort(config.adminPort())
          .build();
      ChatRestApi rest = new ChatRestApi(ch.desk(), directory, auth,
          config.bot().equals("webhook") ? config.webhook().secret() : null, st, java.time.Clock.systemUTC());
      this.transport = TransportServer.start(tc, n, new OpsApi(rest, metrics, n, store, b, ch, auth));
    } catch (RuntimeException | InterruptedException e) {
      if (n != null) {
        n.close();
      }
      if (b != null) {
        b.close();
      }
      if (st != null) {
        st.close();
      }
      if (ch != null) {
        ch.close();
      }
      if (auth != null) {
        auth.close();
      }
      if (llm != null) {
        llm.close();
      }
      store.close();
      clock.close();
      throw e;
    }
    this.llmBot = llm;
    this.chat = ch;
    this.authenticator = auth;
    this.broker = b;
    this.sharedState = st;
    this.node = n;
    log.info("Parley listening on port {} ({} transport), admin port {}; store {}, broker {}", transport.port(),
        transport.ioTransport(), transport.adminPort(), config.store().equals("sqlite")
            ? "sqlite in " + config.dataDir().toAbsolutePath().normalize() : "postgres",
        config.broker());
  }

  private static PostgresMessageStore.Options postgresOptions(ServerConfig c) {
    return PostgresMessageStore.Options.of(c.postgresUrl(), c.postgresUser(), c.postgresPassword())
        .withSchema(c.postgresSchema()).withCommitDelay(c.storeCommitDelay());
  }

  private static MessageStore openStore(ServerConfig c, CommitListener commits) {
    if (c.store().equals("postgres")) {
      return PostgresMessageStore.open(postgresOptions(c), commits);
    }
    return SqliteMessageStore.open(c.dataDir(), new SqliteMessageStore.Options(c.fsync(), 512, 100_000, 4, c.storeCommitDelay()),
        commits);
  }

  /**
   * Starts a node.
   *
   * @throws InterruptedException if interrupted while binding
   * @throws dev.parley.core.StoreException if the store cannot be opened
   */
  public static ParleyServer start(ServerConfig config) throws InterruptedException {
    return new ParleyServer(config);
  }

  /** The bound port. */
  public int port() {
    return transport.port();
  }

  /** The admin listener's bound port, or -1 when it is off. */
  public int adminPort() {
    return transport.adminPort();
  }

  public ServerConfig config() {
    return config;
  }

  public Node node() {
    return node;
  }

  public MessageStore store() {
    return store;
  }

  public TransportServer transport() {
    return transport;
  }

  public ChatLayer chat() {
    return chat;
  }

  public MicrometerMetrics metrics() {
    return metrics;
  }

  /**
   * Graceful shutdown within {@code shutdownGrace}: stop accepting; refuse new sends with the
   * retryable {@code shutting_down} while in-flight ones are stored and acknowledged (half the
   * grace at most); close every connection — 1012 (service restart) in a cluster, where clients
   * resume on another node, 1001 (going away) otherwise; commit what is queued; close the store.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long start = System.nanoTime();
    transport.stopAccepting();
    Duration grace = config.shutdownGrace();
    try {
      if (!node.drain(grace.dividedBy(2))) {
        log.warn("some sends were still in flight after {} ms of draining", grace.dividedBy(2).toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Duration left = grace.minusNanos(System.nanoTime() - start);
    transport.closeConnections(config.clustered() ? CloseCode.SERVICE_RESTART : CloseCode.GOING_AWAY,
        left.isNegative() ? Duration.ZERO : left);
    transport.close();
    chat.close();
    authenticator.close();
    if (llmBot != null) {
      llmBot.close();
    }
    node.close();
    broker.close();
    sharedState.close();
    store.close();
    clock.close();
    metrics.close();
    log.info("Parley stopped in {} ms", Duration.ofNanos(System.nanoTime() - start).toMillis());
  }

  /**
   * The 32-byte secret that signs visitor tokens: {@code secret.key} in the data directory (made
   * with mode 0700), mode 0600.
   */
  static byte[] loadOrCreateSecret(Path dataDir) {
    Path file = dataDir.resolve("secret.key");
    try {
      PrivateFiles.createDirectories(dataDir);
      if (Files.exists(file)) {
        byte[] b = Files.readAllBytes(file);
        if (b.length < 32) {
          throw new IllegalStateException(file + " holds fewer than 32 bytes; delete it to make a new one");
        }
        PrivateFiles.restrict(file);
        return b;
      }
      byte[] b = new byte[32];
      new SecureRandom().nextBytes(b);
      PrivateFiles.writeNew(file, b);
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    }
  }
}
