package dev.parley.server;

import dev.parley.bots.SiteBots;
import dev.parley.broker.redis.RedisBroker;
import dev.parley.broker.redis.RedisSharedState;
import dev.parley.chat.BotSettings;
import dev.parley.chat.ChatLayer;
import dev.parley.chat.ChatStore;
import dev.parley.chat.ConfigStore;
import dev.parley.chat.ConfigSync;
import dev.parley.chat.ConversationSearch;
import dev.parley.chat.Directory;
import dev.parley.chat.KnowledgeStore;
import dev.parley.chat.ReportSource;
import dev.parley.chat.Site;
import dev.parley.core.Broker;
import dev.parley.core.HmacSigner;
import dev.parley.core.InMemoryBroker;
import dev.parley.core.InMemorySharedState;
import dev.parley.core.MessageStore;
import dev.parley.core.Node;
import dev.parley.core.NodeClock;
import dev.parley.core.SharedState;
import dev.parley.edge.AppearanceApi;
import dev.parley.edge.CannedApi;
import dev.parley.edge.ChatAuthenticator;
import dev.parley.edge.ChatRestApi;
import dev.parley.edge.JwtVerifier;
import dev.parley.edge.LiveFigures;
import dev.parley.edge.OpsApi;
import dev.parley.edge.SearchApi;
import dev.parley.edge.StatsChannel;
import dev.parley.edge.UploadDoors;
import dev.parley.edge.VisitorApi;
import dev.parley.edge.admin.AdminApi;
import dev.parley.edge.admin.AdminGate;
import dev.parley.edge.admin.AgentDoc;
import dev.parley.edge.admin.Configuration;
import dev.parley.edge.admin.DataProtectionApi;
import dev.parley.edge.admin.KnowledgeApi;
import dev.parley.edge.admin.NamespaceDoc;
import dev.parley.edge.admin.ReportsApi;
import dev.parley.edge.admin.SecretBox;
import dev.parley.edge.admin.SiteDoc;
import dev.parley.edge.files.FileLinks;
import dev.parley.edge.files.FilesApi;
import dev.parley.edge.serverapi.ServerApi;
import dev.parley.protocol.CloseCode;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.store.jdbc.JdbcChatStore;
import dev.parley.store.jdbc.JdbcConfigStore;
import dev.parley.store.jdbc.JdbcConversationSearch;
import dev.parley.store.jdbc.JdbcReportSource;
import dev.parley.store.jdbc.JdbcVisitorContextStore;
import dev.parley.transport.TransportServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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
  private final SiteBots bots;
  private final KnowledgeParts knowledge;
  private final ConfigSync configSync;
  private final EventDelivery eventDelivery;
  private final ReportSource reports;
  private final ConversationSearch search;
  private final Directory directory;
  private final NodeClock clock = NodeClock.system();
  private final Node node;
  private final TransportServer transport;
  private final VoiceParts voice;
  private final StatsChannel stats;
  private boolean closed;

  private final MicrometerMetrics metrics = new MicrometerMetrics();

  private ParleyServer(ServerConfig config) throws InterruptedException {
    this.config = config;
    StorageConfig storage = config.storage();
    IntegrationConfig integration = config.integration();
    this.store = StoreParts.open(storage, metrics);
    List<AutoCloseable> opened = new ArrayList<>(); // closed in reverse if start-up fails
    try {
      byte[] secret =
          storage.tokenSecret() != null
              ? Base64.getDecoder().decode(storage.tokenSecret().trim())
              : PrivateFiles.loadOrCreateSecret(storage.dataDir());
      ChatStore chatStore =
          StoreParts.beside(store, storage, JdbcChatStore::onSqlite, JdbcChatStore::onPostgres);
      ConfigStore configStore =
          StoreParts.beside(store, storage, JdbcConfigStore::onSqlite, JdbcConfigStore::onPostgres);
      opened.add(configStore);
      this.broker =
          config.clustered()
              ? RedisBroker.connect(storage.redisUrl(), "parley:")
              : new InMemoryBroker();
      opened.add(broker);
      this.sharedState =
          config.clustered()
              ? RedisSharedState.connect(storage.redisUrl(), "parley:")
              : new InMemorySharedState(clock::nanoTime);
      opened.add(sharedState);

      // The configuration: stored, imported from the sites file (or the demo's), followed live.
      this.directory = new Directory(Map.of(), Map.of());
      SecretBox box = new SecretBox(secretsKey(storage, secret));
      this.configSync =
          new ConfigSync(
              configStore, Configuration.decoder(box), directory, broker, clock, CONFIG_POLL);
      opened.add(configSync);
      Configuration configuration =
          new Configuration(configStore, box, configSync, Clock.systemUTC());
      configSync.start().join();
      importConfiguration(config.access(), configuration);
      configSync.reload().join();

      FileLinks fileLinks = new FileLinks(secret, Clock.systemUTC()); // the files API's key
      KnowledgeStore knowledgeStore =
          KnowledgeParts.store(store, () -> StoreParts.postgres(storage));
      opened.add(knowledgeStore);
      this.knowledge =
          KnowledgeParts.open(
              config, knowledgeStore, broker, clock, CONFIG_POLL, directory, metrics);
      opened.set(opened.indexOf(knowledgeStore), knowledge); // its close closes the store
      FileParts.Opened stored = FileParts.open(storage, store, () -> StoreParts.postgres(storage));
      this.bots =
          new SiteBots(
              BotSettings.Kind.ofWire(integration.bot()),
              integration.llm(),
              integration.webhook(),
              knowledge.indexes(),
              integration.botPacing(),
              clock,
              fileLinks,
              stored.reader());
      opened.add(bots);
      this.authenticator =
          new ChatAuthenticator(
              secret,
              directory::agent,
              config.access().agentTokenLifetime(),
              Clock.systemUTC(),
              new JwtVerifier(config.access().jwt(), directory::site),
              chatStore,
              sharedState);
      opened.add(authenticator);
      this.eventDelivery =
          new EventDelivery(
              integration,
              store,
              StoreParts.postgres(storage),
              directory,
              clock,
              metrics,
              fileLinks);
      opened.add(eventDelivery);
      this.reports =
          StoreParts.beside(
              store, storage, JdbcReportSource::onSqlite, JdbcReportSource::onPostgres);
      opened.add(reports);
      JdbcVisitorContextStore contexts =
          StoreParts.beside(
              store,
              storage,
              JdbcVisitorContextStore::onSqlite,
              JdbcVisitorContextStore::onPostgres);
      opened.add(contexts);
      this.search =
          StoreParts.beside(
              store, storage, JdbcConversationSearch::onSqlite, JdbcConversationSearch::onPostgres);
      opened.add(search);
      this.chat =
          eventDelivery
              .plugInto(
                  new ChatLayer(
                      chatStore, directory, bots, EngineConfigs.chat(config), sharedState, clock))
              .visitorContexts(contexts)
              .files(stored.bytes(), stored.records());
      opened.add(chat);
      this.node =
          Node.builder()
              .config(EngineConfigs.node(config.network()))
              .codec(ChatProtocol.codec())
              .clock(clock)
              .store(store)
              .broker(broker)
              .sharedState(sharedState)
              .authorizer(chat.authorizer())
              .presencePolicy(chat.presencePolicy(config.access().channelPresenceEvents()))
              .ephemeralStreams(chat.windowPolicy(), EngineConfigs.streamWindow(config, clock))
              .handshakePolicy(chat.handshakePolicy())
              .extension(chat.extension())
              .authenticator(authenticator)
              .metrics(metrics)
              .build();
      opened.add(node);
      chat.attach(node, metrics);
      metrics.bindChat(chat);
      this.stats = StatsChannel.start(node, new LiveFigures(metrics, node, chat)::snapshot);
      opened.add(stats);
      ChatRestApi rest =
          new ChatRestApi(
              chat.desk(),
              directory,
              authenticator,
              bots::webhookSecret,
              sharedState,
              Clock.systemUTC());
      var canned =
          new SearchApi(
              new CannedApi(
                  new VisitorApi(rest, authenticator, chat.visitors()),
                  authenticator,
                  directory,
                  chatStore,
                  Clock.systemUTC()),
              authenticator,
              directory,
              search);
      this.voice = new VoiceParts(chat, clock); // transcription and speech clients
      opened.add(voice);
      FilesApi files =
          new FilesApi(
              new OpsApi(
                  new ReportsApi(
                      new DataProtectionApi(
                          eventDelivery.logApi(
                              new AdminApi(
                                  new KnowledgeApi(
                                      new AppearanceApi(canned, directory),
                                      authenticator,
                                      configuration,
                                      knowledge.service()),
                                  authenticator,
                                  configuration),
                              authenticator,
                              configuration),
                          authenticator,
                          configuration,
                          chat.dataProtection(),
                          configStore,
                          Clock.systemUTC()),
                      new AdminGate(authenticator),
                      configuration,
                      reports,
                      Clock.systemUTC()),
                  metrics,
                  node,
                  store,
                  broker,
                  chat,
                  authenticator),
              authenticator,
              chat.files(),
              voice.uploads(),
              secret,
              Clock.systemUTC());
      this.transport =
          TransportServer.start(
              EngineConfigs.transport(config.network()),
              node,
              ServerApi.start(
                  voice.speech(files, authenticator, chat, store), configStore, directory, node),
              new UploadDoors(files, new AdminGate(authenticator)));
    } catch (RuntimeException | InterruptedException e) {
      for (int k = opened.size() - 1; k >= 0; k--) {
        try {
          opened.get(k).close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      store.close();
      clock.close();
      throw e;
    }
    log.info(
        "Parley listening on port {} ({} transport), admin port {}; store {}, broker {}",
        transport.port(),
        transport.ioTransport(),
        transport.adminPort(),
        storage.store().equals("sqlite")
            ? "sqlite in " + storage.dataDir().toAbsolutePath().normalize()
            : "postgres",
        storage.broker());
  }

  /** How often a node checks it holds the latest configuration (a change event may be lost). */
  static final Duration CONFIG_POLL = Duration.ofSeconds(5);

  /** The key sealing stored secrets: {@code --secrets-key}, else derived from the token secret. */
  private static byte[] secretsKey(StorageConfig storage, byte[] tokenSecret) {
    if (storage.secretsKey() != null) {
      return Base64.getDecoder().decode(storage.secretsKey().trim());
    }
    return HmacSigner.derivedKey(tokenSecret, "config-secrets");
  }

  /**
   * Imports the sites file's sites, agents and namespaces (or, without one, the demo's) into the
   * stored configuration: entries it names take its content; others are left alone.
   */
  private static void importConfiguration(AccessConfig access, Configuration configuration) {
    List<Site> sites = access.sites() != null ? access.sites().sites() : List.of(Site.demo());
    List<SiteDoc> siteDocs = sites.stream().map(s -> SiteDoc.of(s).checked()).toList();
    List<Configuration.ImportedAgent> agents =
        access.agents().stream()
            .map(
                a ->
                    new Configuration.ImportedAgent(
                        AgentDoc.of(a), access.agentPasswords().get(a.user())))
            .toList();
    List<NamespaceDoc> namespaces =
        access.sites() != null ? access.sites().namespaces() : List.of();
    int written =
        configuration.importFile(siteDocs, agents).join()
            + configuration.namespaces().importAll(namespaces).join();
    if (written > 0) {
      log.info(
          "imported {} of {} sites, agents and namespaces from {}",
          written,
          siteDocs.size() + agents.size() + namespaces.size(),
          access.sites() != null ? "the sites file" : "the demo");
    }
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

  /** The sites and agents in force on this node. */
  public Directory directory() {
    return directory;
  }

  /** Each site's bot. */
  public SiteBots bots() {
    return bots;
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
    Duration grace = config.network().shutdownGrace();
    try {
      if (!node.drain(grace.dividedBy(2))) {
        log.warn(
            "some sends were still in flight after {} ms of draining",
            grace.dividedBy(2).toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Duration left = grace.minusNanos(System.nanoTime() - start);
    transport.closeConnections(
        config.clustered() ? CloseCode.SERVICE_RESTART : CloseCode.GOING_AWAY,
        left.isNegative() ? Duration.ZERO : left);
    transport.close();
    voice.close();
    chat.close();
    authenticator.close();
    bots.close();
    knowledge.close();
    stats.close();
    node.close();
    eventDelivery.close();
    reports.close();
    search.close();
    configSync.close();
    broker.close();
    sharedState.close();
    store.close();
    clock.close();
    metrics.close();
    log.info("Parley stopped in {} ms", Duration.ofNanos(System.nanoTime() - start).toMillis());
  }
}
