package dev.parley.bots.knowledge;

import dev.parley.bots.Knowledge;
import dev.parley.chat.BotSettings;
import dev.parley.chat.KnowledgeStore;
import dev.parley.core.Broker;
import dev.parley.core.BrokerEvent;
import dev.parley.core.NodeClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every site's search index on this node, kept equal to the stored documents: built at start from
 * the {@link KnowledgeStore}, and again for a site whenever its knowledge version moves past the
 * one built — told at once by a change event over the broker (topic {@value #TOPIC}, the site id as
 * its payload) and found by a cheap version check every {@code pollEvery}, so a node that missed an
 * event catches up within that time (as {@code ConfigSync} does for the configuration).
 *
 * <p>A rebuild is live and atomic: it builds a new generation in {@code <root>/<site>/<generation>}
 * from the site's ready documents, swaps it in ({@link SiteKnowledge}), and the replaced
 * generation's directory is deleted once the searches in flight on it are done. Answers never see a
 * half-built index; a failed build keeps the one serving. At start {@code root} is emptied (nothing
 * in it is in use).
 *
 * <p>Hybrid retrieval: when a site has an embeddings endpoint ({@link BotSettings#embeddings}), a
 * build gives each section its vector — stored ones ({@link KnowledgeStore#embeddings}, computed
 * once by whichever node or upload needed them first), the others asked of the endpoint within
 * {@link #EMBED_TIMEOUT} and stored ({@link Embedder}). A build the endpoint fails still serves:
 * the sections it has no vector for are found by their words alone until the next build (logged). A
 * change of the endpoint or model is found by the same version check and rebuilds the site (the old
 * vectors never mix with the new). The site's stored vectors the new generation does not use are
 * deleted once {@link #PRUNE_AFTER} old. At a question, its vector is asked for once, within {@code
 * queryTimeout}; when that fails the words alone answer ({@link #queryFallbacks}, logged).
 *
 * <p>Thread-safe. Builds run one at a time on the thread {@code parley-knowledge-index}; a rebuild
 * of a site asked for while one runs is done once after it. Nothing here blocks the caller.
 */
public final class KnowledgeIndexes implements Function<String, Knowledge>, AutoCloseable {
  /** The broker topic of knowledge change events. */
  public static final String TOPIC = "parley-knowledge";

  private static final Logger log = LoggerFactory.getLogger(KnowledgeIndexes.class);

  /** How long a build may wait for the embeddings endpoint in all. */
  public static final Duration EMBED_TIMEOUT = Duration.ofMinutes(2);

  /** The default bound on asking for a question's vector. */
  public static final Duration QUERY_TIMEOUT = Duration.ofSeconds(3);

  /** How old a stored vector no index uses must be to be deleted (an upload's may be in flight). */
  static final Duration PRUNE_AFTER = Duration.ofHours(1);

  /**
   * A site's builds: the one running (if any), whether another is wanted, what was built (the
   * knowledge version, and the embedding space asked for, null: none).
   */
  private static final class Builds {
    CompletableFuture<Void> running;
    boolean again;
    long built = -1;
    String space;
  }

  private final KnowledgeStore store;
  private final Path root;
  private final Function<String, Knowledge> fallback;
  private final Broker broker;
  private final NodeClock clock;
  private final Duration pollEvery;
  private final Function<String, BotSettings.Embeddings> endpoints;
  private final EmbeddingsClient client;
  private final Embedder embedder;
  private final Duration queryTimeout;
  private final AtomicLong queryFallbacks = new AtomicLong();
  private final ExecutorService builder =
      Executors.newSingleThreadExecutor(
          r -> Thread.ofPlatform().name("parley-knowledge-index").daemon(true).unstarted(r));
  private final Map<String, SiteKnowledge> sites = new ConcurrentHashMap<>();

  /** Guarded by itself. */
  private final Map<String, Builds> builds = new ConcurrentHashMap<>();

  private final AtomicLong generations = new AtomicLong();
  private volatile boolean closed;
  private volatile NodeClock.Timer poll;
  private volatile Broker.Subscription subscription;

  /**
   * @param root where the indexes live ({@code <data-dir>/knowledge})
   * @param fallback a site's knowledge while it has no documents of its own
   */
  public KnowledgeIndexes(
      KnowledgeStore store,
      Path root,
      Function<String, Knowledge> fallback,
      Broker broker,
      NodeClock clock,
      Duration pollEvery) {
    this(
        store,
        root,
        fallback,
        broker,
        clock,
        pollEvery,
        site -> null,
        new EmbeddingsClient(EmbeddingsClient.Limits.DEFAULTS),
        QUERY_TIMEOUT);
  }

  /**
   * @param endpoints a site's embeddings endpoint, or null for none (its settings, read at each
   *     build and question)
   * @param client what asks the endpoints
   * @param queryTimeout how long a question's vector may take
   */
  public KnowledgeIndexes(
      KnowledgeStore store,
      Path root,
      Function<String, Knowledge> fallback,
      Broker broker,
      NodeClock clock,
      Duration pollEvery,
      Function<String, BotSettings.Embeddings> endpoints,
      EmbeddingsClient client,
      Duration queryTimeout) {
    this.endpoints = endpoints;
    this.client = client;
    this.embedder = new Embedder(store, client, clock::millis);
    this.queryTimeout = queryTimeout;
    this.store = store;
    this.root = root;
    this.fallback = fallback;
    this.broker = broker;
    this.clock = clock;
    this.pollEvery = pollEvery;
  }

  /** Builds every site's index and starts following changes; completes once they are built. */
  public CompletableFuture<Void> start() {
    try {
      SiteIndex.deleteTree(root);
      Files.createDirectories(root);
      if (root.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
      }
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    broker.onReconnected(this::catchUp);
    return broker
        .subscribe(TOPIC, this::onEvent)
        .thenCompose(
            s -> {
              subscription = s;
              return catchUp();
            })
        .thenRun(this::schedulePoll);
  }

  /** The knowledge of {@code site}: one object for its lifetime, its generations swapped inside. */
  @Override
  public SiteKnowledge apply(String site) {
    return sites.computeIfAbsent(
        site,
        s ->
            new SiteKnowledge(
                fallback == null ? null : fallback.apply(s),
                (space, text) -> queryVector(s, space, text)));
  }

  /** The embeddings endpoint of {@code site}, or null. */
  BotSettings.Embeddings endpoint(String site) {
    return endpoints.apply(site);
  }

  /** The vector of {@code text} for {@code site} in {@code space}, or null (words alone). */
  private float[] queryVector(String site, String space, String text) {
    BotSettings.Embeddings e = endpoint(site);
    if (e == null || !e.space().equals(space)) {
      return null; // the endpoint changed: the rebuild is on its way
    }
    try {
      return client.embedOnce(e, text, queryTimeout);
    } catch (EmbeddingsClient.Failed f) {
      queryFallbacks.incrementAndGet();
      log.warn("site {}: searching by words alone, no question vector: {}", site, f.getMessage());
      return null;
    }
  }

  /** Questions answered by words alone because their vector could not be had (a metric). */
  public long queryFallbacks() {
    return queryFallbacks.get();
  }

  /** What asks the embeddings endpoints (its counts are metrics). */
  public EmbeddingsClient client() {
    return client;
  }

  /** The cache-aware vectors of sections, for uploads ({@link KnowledgeService}). */
  Embedder embedder() {
    return embedder;
  }

  /**
   * Tells every node (this one included) that {@code site}'s documents changed; completes when this
   * node's index of it is rebuilt.
   */
  public CompletableFuture<Void> changed(String site) {
    broker
        .publish(
            TOPIC,
            BrokerEvent.ephemeral("knowledge", null, 0, site.getBytes(StandardCharsets.UTF_8)))
        .exceptionally(
            e -> {
              log.warn(
                  "could not announce a knowledge change of site {} ({}); other nodes find it within {}",
                  site,
                  e.toString(),
                  pollEvery);
              return null;
            });
    return rebuild(site);
  }

  private void onEvent(BrokerEvent e) {
    rebuild(new String(e.frame(), StandardCharsets.UTF_8));
  }

  /** Rebuilds every site whose stored version is past the one built here. */
  private CompletableFuture<Void> catchUp() {
    return store
        .versions()
        .thenCompose(
            versions -> {
              List<CompletableFuture<Void>> all =
                  versions.entrySet().stream()
                      .filter(v -> v.getValue() > built(v.getKey()) || spaceMoved(v.getKey()))
                      .map(v -> rebuild(v.getKey()))
                      .toList();
              return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
            });
  }

  /** The knowledge version of {@code site} this node's index was built from (-1: none yet). */
  public long built(String site) {
    synchronized (builds) {
      Builds b = builds.get(site);
      return b == null ? -1 : b.built;
    }
  }

  /** Whether {@code site}'s embedding space is not the one its index was built for. */
  private boolean spaceMoved(String site) {
    BotSettings.Embeddings e = endpoint(site);
    synchronized (builds) {
      Builds b = builds.get(site);
      return b != null && b.built >= 0 && !Objects.equals(e == null ? null : e.space(), b.space);
    }
  }

  /** Builds a new generation of {@code site}'s index; completes when it (or a later one) serves. */
  public CompletableFuture<Void> rebuild(String site) {
    CompletableFuture<Void> mine;
    synchronized (builds) {
      Builds b = builds.computeIfAbsent(site, s -> new Builds());
      if (b.running != null) {
        b.again = true;
        return b.running;
      }
      mine = b.running = new CompletableFuture<>();
    }
    runBuild(site, mine);
    return mine;
  }

  private void runBuild(String site, CompletableFuture<Void> done) {
    // The version first: documents read after it are at least as new (a change in between is
    // built again at the next check).
    store
        .versions()
        .thenCompose(
            v ->
                store
                    .list(site, true)
                    .thenAcceptAsync(docs -> build(site, v.getOrDefault(site, 0L), docs), builder))
        .whenComplete(
            (x, err) -> {
              if (err != null) {
                log.warn(
                    "could not build the knowledge index of site {}: {}", site, err.toString());
              }
              synchronized (builds) {
                Builds b = builds.get(site);
                if (b.again && !closed) {
                  b.again = false;
                  runBuild(site, done);
                  return;
                }
                b.running = null;
              }
              if (err != null) {
                done.completeExceptionally(err);
              } else {
                done.complete(null);
              }
            });
  }

  private void build(String site, long version, List<KnowledgeStore.Document> docs) {
    if (closed) {
      return;
    }
    Path dir = root.resolve(dirName(site)).resolve(Long.toString(generations.incrementAndGet()));
    BotSettings.Embeddings e = endpoint(site);
    String space = e == null ? null : e.space();
    Map<String, float[]> vectors = Map.of();
    if (e != null) {
      Map<String, String> texts = new LinkedHashMap<>();
      docs.stream()
          .filter(d -> d.status() == KnowledgeStore.Status.READY)
          .flatMap(d -> d.sections().stream())
          .map(Embedder::text)
          .forEach(t -> texts.put(Embedder.hash(t), t));
      Embedder.Got got =
          embedder.vectors(site, e, texts, System.nanoTime() + EMBED_TIMEOUT.toNanos());
      vectors = got.vectors();
      if (got.failure() != null) {
        log.warn(
            "knowledge index of site {}: {} of {} sections without a vector (words alone): {}",
            site,
            texts.size() - vectors.size(),
            texts.size(),
            got.failure());
      }
    }
    SiteIndex next;
    try {
      next = SiteIndex.build(dir, docs, space, vectors);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    apply(site).swap(next);
    synchronized (builds) {
      builds.get(site).built = version;
      builds.get(site).space = space;
    }
    store
        .pruneEmbeddings(
            site,
            space == null ? "" : space,
            vectors.keySet(),
            clock.millis() - PRUNE_AFTER.toMillis())
        .exceptionally(
            ex -> {
              log.debug("could not prune the embeddings of site {}: {}", site, ex.toString());
              return 0;
            });
    log.info(
        "knowledge index of site {} at version {}: {} sections ({} with a vector) from {} documents",
        site,
        version,
        next.size(),
        next.vectors(),
        docs.size());
  }

  /** A file-system-safe directory name for a site id. */
  static String dirName(String site) {
    return site.matches("[A-Za-z0-9_-]{1,64}")
        ? site
        : "x" + HexFormat.of().formatHex(site.getBytes(StandardCharsets.UTF_8));
  }

  private void schedulePoll() {
    if (closed) {
      return;
    }
    poll =
        clock.schedule(
            pollEvery,
            () ->
                catchUp()
                    .orTimeout(pollEvery.toMillis() * 2 + 1000, TimeUnit.MILLISECONDS)
                    .whenComplete(
                        (x, err) -> {
                          if (err != null) {
                            log.debug("knowledge version check failed: {}", err.toString());
                          }
                          schedulePoll();
                        }));
  }

  @Override
  public void close() {
    closed = true;
    NodeClock.Timer t = poll;
    if (t != null) {
      t.cancel();
    }
    Broker.Subscription s = subscription;
    if (s != null) {
      s.unsubscribe();
    }
    builder.shutdown();
    try {
      builder.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sites.values().forEach(k -> k.swap(null));
  }
}
