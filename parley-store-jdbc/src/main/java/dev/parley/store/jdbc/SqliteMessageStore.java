package dev.parley.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.core.AppendRequest;
import dev.parley.core.Appended;
import dev.parley.core.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.flywaydb.core.Flyway;

/**
 * The embedded {@link dev.parley.core.MessageStore}: one SQLite file in WAL mode under the data
 * directory.
 *
 * <p>Writes: the {@link GroupCommitWriter} owns the only write connection, so the store is the
 * single writer of the file and can take each conversation's next seq from an in-memory cache of
 * the last one (loaded from the file on first use, dropped on rollback). With {@code
 * synchronous=NORMAL} a commit is in the WAL file before the future completes, which survives
 * SIGKILL of the process; {@link Options#fsync()} sets {@code synchronous=FULL} to survive power
 * loss too. The log is checkpointed by a background thread ({@link WalCheckpointer}), not by the
 * writer.
 *
 * <p>Schema (V21, docs/ARCHITECTURE.md#the-sqlite-schema): messages are appended in arrival order
 * to a rowid table beside two per-conversation indexes (by seq, by cid), so a commit dirties few
 * pages; new files use {@link #PAGE_SIZE}-byte pages. The search index is caught up after the
 * messages' commits by {@link SqliteSearchIndexer}, run by the writer between batches.
 *
 * <p>Reads: a small HikariCP pool of read connections on platform threads (JDBC blocks in native
 * code, which would pin a virtual thread's carrier anyway). Thread-safe.
 */
public final class SqliteMessageStore extends JdbcMessageStore {
  /**
   * Store settings. {@code maxBatch}: writes per transaction; {@code readThreads}: read pool size;
   * {@code commitDelay}: how long the writer waits for more writes in a steady stream (0: never);
   * {@code maxQueueDelay}: new writes are refused while the oldest queued one has waited longer (0:
   * only {@code maxQueued} bounds the queue; see {@link GroupCommitWriter}'s admission).
   */
  public record Options(
      boolean fsync,
      int maxBatch,
      int maxQueued,
      int readThreads,
      Duration commitDelay,
      Duration maxQueueDelay) {
    /** The default commit delay: see {@code --store-commit-delay} in docs/OPERATIONS.md. */
    public static final Duration DEFAULT_COMMIT_DELAY = Duration.ofMillis(1);

    /** The default queue delay bound: see {@code --store-max-queue-delay} in docs/OPERATIONS.md. */
    public static final Duration DEFAULT_MAX_QUEUE_DELAY = Duration.ofSeconds(1);

    public static Options defaults() {
      return new Options(false, 512, 100_000, 4, DEFAULT_COMMIT_DELAY, DEFAULT_MAX_QUEUE_DELAY);
    }

    GroupCommitWriter.Limits limits() {
      return new GroupCommitWriter.Limits(
          maxQueued, maxBatch, commitDelay.toNanos(), maxQueueDelay.toNanos());
    }
  }

  private final Path file;
  private final WalCheckpointer checkpointer;
  private final PreparedStatement insert;
  private final PreparedStatement lastSeq;

  /** Catches up the search index; writer thread only. */
  private final SqliteSearchIndexer indexer;

  /** Last seq per conversation. Only touched by the writer thread. Bounded LRU. */
  private final Map<String, Long> lastSeqCache =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > 100_000;
        }
      };

  private SqliteMessageStore(
      Path file,
      Connection writeConnection,
      HikariDataSource readPool,
      Options options,
      CommitListener listener,
      WalCheckpointer checkpointer)
      throws SQLException {
    super("sqlite", writeConnection, null, readPool, options.readThreads());
    this.file = file;
    this.checkpointer = checkpointer;
    this.insert = writeConnection.prepareStatement(INSERT);
    this.lastSeq = writeConnection.prepareStatement(LAST_SEQ);
    this.indexer = new SqliteSearchIndexer(writeConnection, System.nanoTime());
    startWriter(options.limits(), listener, indexer);
  }

  /**
   * Opens (creating and migrating if needed) {@code parley.db} under {@code dataDir}. A missing
   * directory is made with mode 0700; the database is made with mode 0600, which SQLite gives its
   * {@code -wal} and {@code -shm} files too, and existing ones are set to 0600.
   *
   * @throws StoreException when the file cannot be opened or migrated
   */
  public static SqliteMessageStore open(Path dataDir, Options options, CommitListener listener) {
    try {
      Path file = dataDir.resolve("parley.db");
      createPrivately(dataDir, file);
      String url = "jdbc:sqlite:" + file.toAbsolutePath();
      // No generated keys: nothing reads them, and the driver would otherwise match every statement
      // against a regular expression and run SELECT last_insert_rowid() after each INSERT — 18 % of
      // the writer thread at 5,000 messages/s (docs/BENCHMARKS.md, the quiet machine's chat
      // profile).
      Properties writer = new Properties();
      writer.setProperty("jdbc.get_generated_keys", "false");
      Connection w = DriverManager.getConnection(url, writer);
      try (Statement s = w.createStatement()) {
        // Only a new, empty file takes it; an existing one keeps its page size.
        s.execute("PRAGMA page_size=" + PAGE_SIZE);
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=" + (options.fsync() ? "FULL" : "NORMAL"));
        s.execute("PRAGMA busy_timeout=10000");
        // Deleted and shrunk rows are overwritten with zeros, so an erased visitor's words do not
        // linger in the file's free space (docs/SECURITY.md#data-protection).
        s.execute("PRAGMA secure_delete=ON");
        // Checkpoints run on their own thread (WalCheckpointer), never in the writer's commits. (A
        // larger page cache was measured too and made the writer slower: SQLite scans its page
        // cache's hash table at every commit, so the default 2 MiB is kept.)
        s.execute("PRAGMA wal_autocheckpoint=0");
      }
      Flyway.configure()
          .dataSource(url, null, null)
          .locations("classpath:db/migration/sqlite")
          .load()
          .migrate();
      HikariConfig hc = new HikariConfig();
      hc.setJdbcUrl(url);
      hc.setPoolName("parley-sqlite-read");
      hc.setMaximumPoolSize(options.readThreads());
      hc.setMinimumIdle(1);
      hc.addDataSourceProperty("busy_timeout", "10000");
      hc.setConnectionInitSql("PRAGMA query_only=1");
      return new SqliteMessageStore(
          file,
          w,
          new HikariDataSource(hc),
          options,
          listener,
          new WalCheckpointer(url, options.fsync(), CHECKPOINT_INTERVAL));
    } catch (SQLException | IOException | RuntimeException e) {
      throw new StoreException(
          "cannot open the SQLite store under " + dataDir + ": " + e.getMessage(), e);
    }
  }

  private static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");

  /**
   * Makes {@code dataDir} (0700) and an empty {@code file} (0600) if missing, before SQLite opens
   * it (SQLite creates its {@code -wal} and {@code -shm} files with the database's mode), and sets
   * the database's files that exist to 0600. Skipped where the file system has no POSIX modes.
   */
  private static void createPrivately(Path dataDir, Path file) throws IOException {
    try {
      if (!Files.isDirectory(dataDir)) {
        Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
      }
      if (!Files.exists(file)) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
      }
      for (String suffix : new String[] {"", "-wal", "-shm"}) {
        Path f = dataDir.resolve(file.getFileName() + suffix);
        if (Files.exists(f)) {
          Files.setPosixFilePermissions(f, OWNER_ONLY_FILE);
        }
      }
    } catch (UnsupportedOperationException e) {
      Files.createDirectories(dataDir);
    }
  }

  /** Opens with default options and no commit listener. */
  public static SqliteMessageStore open(Path dataDir) {
    return open(dataDir, Options.defaults(), CommitListener.NONE);
  }

  /**
   * The page size of a new database file. Each page a commit changes goes to the log whole (and
   * again into the file at the checkpoint), and a chat message changes a page of each
   * per-conversation index: smaller pages, fewer bytes per message (measured in
   * docs/BENCHMARKS.md#the-sqlite-store).
   */
  static final int PAGE_SIZE = 1024;

  /** How often the WAL is checkpointed in the background. */
  static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

  @Override
  void afterWriterClosed() {
    checkpointer.close();
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  @Override
  Appended appendInTransaction(AppendRequest r) throws SQLException {
    Appended dup = findDuplicate(r);
    if (dup != null) {
      return dup;
    }
    Long last = lastSeqCache.get(r.conversation());
    if (last == null) {
      lastSeq.setString(1, r.conversation());
      try (ResultSet rs = lastSeq.executeQuery()) {
        rs.next();
        last = rs.getLong(1);
      }
    }
    Appended a = insert(insert, r, last + 1);
    lastSeqCache.put(r.conversation(), last + 1);
    if (SqliteSearchIndexer.indexable(r.conversation(), r.kind())) {
      indexer.appended(System.nanoTime());
    }
    return a;
  }

  /**
   * Completes once the search index holds every message acknowledged before this call (a search
   * waits for it); fails like a write when the store refuses or fails it. Never blocks.
   */
  public CompletableFuture<Void> searchIndexCaughtUp() {
    return write(
        "",
        c -> {
          indexer.run(c);
          return null;
        });
  }

  @Override
  void conversationDeleted(Connection c, String conversation) {
    lastSeqCache.remove(conversation);
  }

  @Override
  void onRollback() {
    lastSeqCache.clear();
    indexer.rolledBack(System.nanoTime());
  }

  /** Inserts the message at {@code seq} with a new id. Writer thread. */
  private Appended insert(PreparedStatement insert, AppendRequest r, long seq) throws SQLException {
    String id = r.id() != null ? r.id() : newId();
    insert.setString(1, r.conversation());
    insert.setLong(2, seq);
    insert.setString(3, id);
    insert.setString(4, r.sender());
    insert.setString(5, r.cid());
    insert.setString(6, r.kind());
    insert.setString(7, r.text());
    insert.setLong(8, r.createdAtMillis());
    insert.setString(9, r.status());
    // Most messages carry no meta: a NULL, nothing encoded.
    insert.setString(10, r.meta() == null ? null : r.meta().toJson());
    insert.executeUpdate();
    return new Appended(r.storedAt(seq, id), false);
  }
}
