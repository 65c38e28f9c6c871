package dev.parley.server;

import dev.parley.bots.Knowledge;
import dev.parley.bots.KnowledgeBase;
import dev.parley.bots.knowledge.EmbeddingsClient;
import dev.parley.bots.knowledge.Ingestor;
import dev.parley.bots.knowledge.KnowledgeIndexes;
import dev.parley.bots.knowledge.KnowledgeService;
import dev.parley.bots.knowledge.UrlFetcher;
import dev.parley.chat.BotSettings;
import dev.parley.chat.Directory;
import dev.parley.chat.KnowledgeStore;
import dev.parley.chat.Site;
import dev.parley.core.Broker;
import dev.parley.core.MessageStore;
import dev.parley.core.NodeClock;
import dev.parley.store.jdbc.JdbcKnowledgeStore;
import dev.parley.store.jdbc.PostgresMessageStore;
import dev.parley.store.jdbc.SqliteMessageStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A node's knowledge, assembled: the store of each site's documents, this node's index of each site
 * (under {@code <data-dir>/knowledge}, built before the node serves), and the service the admin API
 * uploads through. A site with no documents answers from the deployment's knowledge: its sites-file
 * folder, else {@code --kb-dir}, else the built-in Parley documentation.
 *
 * <p>Made once at start on the starting thread; {@link #close} closes the parts in reverse.
 */
record KnowledgeParts(KnowledgeStore store, KnowledgeIndexes indexes, KnowledgeService service)
    implements AutoCloseable {
  /** The longest one fetch of a URL may take, robots.txt and redirects included. */
  static final Duration FETCH_TIMEOUT = Duration.ofSeconds(20);

  /** The most redirects a fetch follows (each re-checked). */
  static final int FETCH_REDIRECTS = 5;

  /** The knowledge store beside {@code store}: the same SQLite file, or the same PostgreSQL. */
  static KnowledgeStore store(MessageStore store, Supplier<PostgresMessageStore.Options> postgres) {
    return store instanceof SqliteMessageStore sq
        ? JdbcKnowledgeStore.onSqlite(sq)
        : JdbcKnowledgeStore.onPostgres(postgres.get());
  }

  /**
   * Opens the indexes on {@code store} (closed again if they cannot be built), each site's
   * embeddings endpoint read from its settings in {@code directory}, their counts in {@code
   * metrics}.
   */
  static KnowledgeParts open(
      ServerConfig config,
      KnowledgeStore store,
      Broker broker,
      NodeClock clock,
      Duration poll,
      Directory directory,
      MicrometerMetrics metrics) {
    KnowledgeIndexes indexes =
        new KnowledgeIndexes(
            store,
            config.storage().dataDir().resolve("knowledge"),
            deployment(config),
            broker,
            clock,
            poll,
            site -> embeddings(directory.site(site)),
            new EmbeddingsClient(EmbeddingsClient.Limits.DEFAULTS),
            KnowledgeIndexes.QUERY_TIMEOUT);
    metrics.bindKnowledge(indexes);
    try {
      indexes.start().join();
    } catch (RuntimeException e) {
      indexes.close();
      throw e;
    }
    Ingestor.Limits d = Ingestor.Limits.DEFAULTS;
    IntegrationConfig limits = config.integration();
    KnowledgeService service =
        new KnowledgeService(
            store,
            indexes,
            new Ingestor(
                new Ingestor.Limits(
                    limits.knowledgeMaxUpload(),
                    d.maxSections(),
                    d.maxSectionChars(),
                    d.maxPdfPages())),
            new UrlFetcher(
                new UrlFetcher.Limits(
                    limits.knowledgeMaxUpload(),
                    FETCH_TIMEOUT,
                    FETCH_REDIRECTS,
                    limits.knowledgeFetchPrivate())),
            limits.knowledgeMaxDocuments(),
            Clock.systemUTC());
    return new KnowledgeParts(store, indexes, service);
  }

  /** The embeddings endpoint of {@code site}'s bot settings, or null. */
  private static BotSettings.Embeddings embeddings(Site site) {
    return site == null || site.bot() == null ? null : site.bot().embeddings();
  }

  /**
   * Each site's knowledge while it has no documents: its sites-file folder, else the deployment's
   * ({@code --kb-dir} or built in).
   */
  private static Function<String, Knowledge> deployment(ServerConfig config) {
    KnowledgeBase deployment =
        config.integration().kbDir() != null
            ? KnowledgeBase.fromFolder(config.integration().kbDir())
            : KnowledgeBase.fromClasspath("kb");
    Map<String, KnowledgeBase> own = new HashMap<>();
    SitesFile sites = config.access().sites();
    if (sites != null) {
      sites.kbDirs().forEach((site, dir) -> own.put(site, KnowledgeBase.fromFolder(dir)));
    }
    return site -> own.getOrDefault(site, deployment);
  }

  @Override
  public void close() {
    service.close();
    indexes.close();
    store.close();
  }
}
