package dev.parley.bots.knowledge;

import dev.parley.bots.Knowledge;
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
import java.util.List;
import java.util.Map;
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
 * <p>Thread-safe. Builds run one at a time on the thread {@code parley-knowledge-index}; a rebuild
 * of a site asked for while one runs is done once after it. Nothing here blocks the caller.
 */
public final class KnowledgeIndexes implements Function<String, Knowledge>, AutoCloseable {
  /** The broker topic of knowledge change events. */
  public static final String TOPIC = "parley-knowledge";

  private static final Logger log = LoggerFactory.getLogger(KnowledgeIndexes.class);

  /** A site's builds: the one running (if any), whether another is wanted, what was built. */
  private static final class Builds {
    CompletableFuture<Void> running;
    boolean again;
    long built = -1;
  }

  private final KnowledgeStore store;
  private final Path root;
  private final Function<String, Knowledge> fallback;
  private final Broker broker;
  private final NodeClock clock;
  private final Duration pollEvery;
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
        site, s -> new SiteKnowledge(fallback == null ? null : fallback.apply(s)));
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
                      .filter(v -> v.getValue() > built(v.getKey()))
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
    SiteIndex next;
    try {
      next = SiteIndex.build(dir, docs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    apply(site).swap(next);
    synchronized (builds) {
      builds.get(site).built = version;
    }
    log.info(
        "knowledge index of site {} at version {}: {} sections from {} documents",
        site,
        version,
        next.size(),
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
