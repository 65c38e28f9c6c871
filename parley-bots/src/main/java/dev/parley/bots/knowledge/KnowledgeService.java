package dev.parley.bots.knowledge;

import dev.parley.chat.KnowledgeStore;
import dev.parley.chat.KnowledgeStore.Document;
import dev.parley.chat.KnowledgeStore.Status;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * What the admin API does with a site's knowledge: an upload (or a page fetched by its URL, {@link
 * UrlFetcher}) is stored at once as {@code indexing}, read ({@link Ingestor}) and stored again as
 * {@code ready} with its sections or {@code failed} with the reason, and the site's index is
 * rebuilt on every node ({@link KnowledgeIndexes#changed}); a delete or a re-index rebuilds it too.
 * The same bytes twice are one document. A failed document never touches the index that serves. A
 * sitemap crawl ({@link #crawl}) runs in the background and stores each page as a fetch does.
 *
 * <p>Thread-safe. The blocking work (hashing, parsing, waiting for the store and the index) runs on
 * a bounded pool of {@value #THREADS} threads {@code parley-knowledge-ingest-N} with a queue of
 * {@value #QUEUE}; beyond it a call fails at once with {@link Busy}. Never on an event loop.
 */
public final class KnowledgeService implements AutoCloseable {
  static final int THREADS = 2;
  static final int QUEUE = 16;
  static final int KEPT_CRAWLS = 20;

  /** The default for the most documents a site may hold. */
  public static final int DEFAULT_MAX_DOCUMENTS = 500;

  /** The site holds as many documents as allowed; nothing was stored. */
  public static final class TooMany extends RuntimeException {
    public TooMany(int max) {
      super("the site holds " + max + " documents, the limit; delete some first");
    }
  }

  /** The ingestion pool and its queue are full; try again shortly. */
  public static final class Busy extends RuntimeException {
    public Busy() {
      super("knowledge ingestion is busy; try again shortly");
    }
  }

  /**
   * What an upload did.
   *
   * @param created false when the site held these bytes already ({@code document} is that one)
   */
  public record Upload(Document document, boolean created) {}

  private final KnowledgeStore store;
  private final KnowledgeIndexes indexes;
  private final Ingestor ingestor;
  private final int maxDocuments;
  private final Clock clock;
  private final ThreadPoolExecutor pool;
  private final UrlFetcher fetcher;
  private final Crawl.Limits crawlLimits;
  private final Map<String, Crawl> crawls = new LinkedHashMap<>(); // guarded by itself
  private Crawl running; // guarded by crawls

  /**
   * @param fetcher what fetches a URL ({@link #fetch})
   */
  public KnowledgeService(
      KnowledgeStore store,
      KnowledgeIndexes indexes,
      Ingestor ingestor,
      UrlFetcher fetcher,
      int maxDocuments,
      Clock clock) {
    this(store, indexes, ingestor, fetcher, maxDocuments, Crawl.Limits.DEFAULTS, clock);
  }

  /**
   * @param crawlLimits the bounds of every sitemap crawl ({@link #crawl})
   */
  public KnowledgeService(
      KnowledgeStore store,
      KnowledgeIndexes indexes,
      Ingestor ingestor,
      UrlFetcher fetcher,
      int maxDocuments,
      Crawl.Limits crawlLimits,
      Clock clock) {
    this.crawlLimits = crawlLimits;
    if (maxDocuments < 1) {
      throw new IllegalArgumentException("the most documents per site must be at least 1");
    }
    this.store = store;
    this.indexes = indexes;
    this.ingestor = ingestor;
    this.fetcher = fetcher;
    this.maxDocuments = maxDocuments;
    this.clock = clock;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            r ->
                Thread.ofPlatform()
                    .name("parley-knowledge-ingest-" + n.incrementAndGet())
                    .daemon(true)
                    .unstarted(r),
            (r, executor) -> {
              throw new Busy();
            });
  }

  public Ingestor.Limits limits() {
    return ingestor.limits();
  }

  public int maxDocuments() {
    return maxDocuments;
  }

  /**
   * Stores and reads {@code bytes} as a document of {@code site} named {@code source} (a file name
   * or URL); completes once it is ready (and searchable) or failed. Fails with {@link TooMany} or
   * {@link Busy}.
   */
  public CompletableFuture<Upload> upload(String site, String source, byte[] bytes) {
    return CompletableFuture.supplyAsync(() -> ingest(site, source, bytes, true), pool);
  }

  /** A page that could not be fetched (nothing was stored); its message says why. */
  public static final class FetchFailed extends RuntimeException {
    public FetchFailed(String reason) {
      super(reason);
    }
  }

  /**
   * Fetches {@code url} ({@link UrlFetcher}: public addresses, robots.txt, size and time bounds)
   * and stores it as a document named by the URL it ended at, as {@link #upload} does. Fails with
   * {@link FetchFailed} when it cannot be fetched, or as {@link #upload} does.
   */
  public CompletableFuture<Upload> fetch(String site, String url) {
    return CompletableFuture.supplyAsync(
        () -> {
          UrlFetcher.Page page;
          try {
            page = fetcher.fetch(url);
          } catch (IngestException e) {
            throw new FetchFailed(e.getMessage());
          }
          return ingest(site, page.url(), page.body(), true);
        },
        pool);
  }

  /** A crawl is running already; one runs at a time. */
  public static final class CrawlRunning extends RuntimeException {
    public CrawlRunning() {
      super("a sitemap crawl is running already; wait until it is done");
    }
  }

  public Crawl.Limits crawlLimits() {
    return crawlLimits;
  }

  /**
   * Starts crawling the sitemap (or sitemap index) at {@code url} for {@code site} on the pool and
   * answers at once; {@link #crawl(String, String)} shows how far it got. It reads the sitemaps
   * ({@link Sitemap}, to {@link Crawl.Limits#maxDepth} indexes deep), fetches at most {@code
   * maxPages} of their pages as {@link #fetch} does (robots.txt read once per origin) and stores
   * each as {@link #upload} does, all within {@link Crawl.Limits#timeout}; the site's index is
   * rebuilt once, when the crawl ends (before it shows as ended), not after each page. One crawl
   * runs at a time on this node ({@link CrawlRunning}); a full pool fails with {@link Busy}. The
   * last {@value #KEPT_CRAWLS} crawls are kept, in memory.
   */
  public Crawl crawl(String site, String url, int maxPages) {
    if (maxPages < 1 || maxPages > crawlLimits.maxPages()) {
      throw new IllegalArgumentException("maxPages must be 1 to " + crawlLimits.maxPages());
    }
    Crawl c = new Crawl(UUID.randomUUID().toString(), site, url, clock.millis());
    synchronized (crawls) {
      if (running != null && running.running()) {
        throw new CrawlRunning();
      }
      pool.execute(() -> run(c, maxPages));
      running = c;
      crawls.put(c.id(), c);
      if (crawls.size() > KEPT_CRAWLS) {
        crawls.remove(crawls.keySet().iterator().next());
      }
    }
    return c;
  }

  /** A crawl of {@code site} started on this node, while it is among the last ones kept. */
  public Optional<Crawl.View> crawl(String site, String id) {
    synchronized (crawls) {
      return Optional.ofNullable(crawls.get(id))
          .filter(c -> c.site().equals(site))
          .map(Crawl::view);
    }
  }

  private void run(Crawl c, int maxPages) {
    long deadline = System.nanoTime() + crawlLimits.timeout().toNanos();
    BooleanSupplier late =
        () -> System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted();
    Map<String, Robots> robots = new HashMap<>();
    boolean indexed = false; // whether a page became ready: the index is rebuilt once, at the end
    Crawl.State state = Crawl.State.DONE;
    String reason = null;
    try {
      Sitemap.Found found =
          Sitemap.pages(
              c.url(),
              u -> fetcher.fetch(u, deadline, robots).body(),
              ingestor.limits().maxBytes(),
              crawlLimits.maxDepth(),
              maxPages,
              late);
      c.found(found.listed());
      found.failures().forEach(f -> c.failed(f.url(), f.reason()));
      for (String page : found.pages()) {
        if (late.getAsBoolean()) {
          break;
        }
        UrlFetcher.Page p;
        try {
          p = fetcher.fetch(page, deadline, robots);
        } catch (IngestException e) {
          if (!late.getAsBoolean()) {
            c.failed(page, e.getMessage());
          }
          continue;
        }
        c.fetched();
        Upload u = ingest(c.site(), p.url(), p.body(), false);
        indexed |= u.created() && u.document().status() == Status.READY;
        c.stored(u);
      }
      if (late.getAsBoolean()) {
        state = Crawl.State.TIMED_OUT;
        reason = tooLong();
      }
    } catch (IngestException e) {
      state = late.getAsBoolean() ? Crawl.State.TIMED_OUT : Crawl.State.FAILED;
      reason =
          late.getAsBoolean()
              ? tooLong()
              : "the sitemap " + c.url() + " could not be read: " + e.getMessage();
    } catch (TooMany e) {
      state = Crawl.State.FAILED;
      reason = e.getMessage();
    } catch (RuntimeException e) {
      state = Crawl.State.FAILED;
      reason = "the knowledge could not be read or written: " + e;
    }
    if (indexed) {
      try {
        indexes.changed(c.site()).join();
      } catch (RuntimeException e) {
        state = Crawl.State.FAILED;
        reason = "the site's index could not be rebuilt: " + e;
      }
    }
    c.finish(state, reason, clock.millis());
  }

  private String tooLong() {
    return "the crawl ran out of its " + crawlLimits.timeout().toMillis() + " ms";
  }

  /**
   * Stores and reads a document; rebuilds the site's index when it is ready and {@code reindex}.
   */
  private Upload ingest(String site, String source, byte[] bytes, boolean reindex) {
    String sha = sha256(bytes);
    List<Document> held = store.list(site, false).join();
    Optional<Document> same = held.stream().filter(d -> d.sha256().equals(sha)).findFirst();
    if (same.isPresent()) {
      return new Upload(same.get(), false);
    }
    if (held.size() >= maxDocuments) {
      throw new TooMany(maxDocuments);
    }
    String type;
    try {
      type = bytes.length > ingestor.limits().maxBytes() ? "unknown" : Sniffer.detect(bytes);
    } catch (IngestException e) {
      type = "unknown";
    }
    Document indexing =
        new Document(
            UUID.randomUUID().toString(),
            site,
            Ingestor.nameOf(source),
            source,
            type,
            bytes.length,
            sha,
            Status.INDEXING,
            null,
            null,
            List.of(),
            clock.millis());
    KnowledgeStore.Added added = store.add(indexing).join();
    if (!added.created()) {
      return new Upload(added.document(), false); // the same bytes came in meanwhile
    }
    Document done;
    try {
      Ingestor.Result r = ingestor.ingest(source, bytes);
      done =
          indexing.with(
              Status.READY,
              embed(site, r.sections()),
              r.title(),
              r.language(),
              r.sections(),
              clock.millis());
    } catch (IngestException e) {
      done =
          indexing.with(
              Status.FAILED, e.getMessage(), indexing.title(), null, List.of(), clock.millis());
    }
    store.update(done).join();
    if (reindex && done.status() == Status.READY) {
      indexes.changed(site).join();
    }
    return new Upload(done, true);
  }

  /**
   * Computes and stores the vectors of {@code sections} when the site has an embeddings endpoint,
   * so the rebuild that follows finds them; null when done (or none is wanted), else the reason a
   * ready document gives for being found by its words alone.
   */
  private String embed(String site, List<KnowledgeStore.Section> sections) {
    var endpoint = indexes.endpoint(site);
    if (endpoint == null || sections.isEmpty()) {
      return null;
    }
    Map<String, String> texts = new LinkedHashMap<>();
    sections.stream().map(Embedder::text).forEach(t -> texts.put(Embedder.hash(t), t));
    Embedder.Got got =
        indexes
            .embedder()
            .vectors(
                site,
                endpoint,
                texts,
                System.nanoTime() + KnowledgeIndexes.EMBED_TIMEOUT.toNanos());
    return got.failure() == null
        ? null
        : "found by its words only (no vectors, tried again at the next re-index): "
            + got.failure();
  }

  /** The site's documents, without their sections. */
  public CompletableFuture<List<Document>> list(String site) {
    return store.list(site, false);
  }

  /** One document, with its sections. */
  public CompletableFuture<Optional<Document>> find(String site, String id) {
    return store.find(site, id);
  }

  /** Deletes a document; completes (false: there was none) once the index no longer has it. */
  public CompletableFuture<Boolean> delete(String site, String id) {
    return store
        .delete(site, id)
        .thenCompose(
            had ->
                had
                    ? indexes.changed(site).thenApply(x -> true)
                    : CompletableFuture.completedFuture(false));
  }

  /** Rebuilds the site's index from its stored documents on every node; completes on this one. */
  public CompletableFuture<Void> reindex(String site) {
    return indexes.changed(site);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
