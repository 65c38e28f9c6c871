package dev.parley.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.core.AppendRequest;
import dev.parley.core.Appended;
import dev.parley.core.MessageStore;
import dev.parley.core.ReceiptState;
import dev.parley.core.StoreException;
import dev.parley.core.StoredMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;

/**
 * The embedded {@link MessageStore}: one SQLite file in WAL mode under the data directory.
 *
 * <p>Writes: a {@link GroupCommitWriter} owns the only write connection, so the store is the single
 * writer of the file and can assign each conversation's next seq from an in-memory cache of the
 * last one (loaded from the file on first use, dropped on rollback). With {@code synchronous=NORMAL}
 * a commit is in the WAL file before the future completes, which survives SIGKILL of the process;
 * {@link Options#fsync()} sets {@code synchronous=FULL} to survive power loss too.
 *
 * <p>Reads: a small HikariCP pool of read connections, used by {@link #readExecutor()}'s platform
 * threads (JDBC blocks in native code, which would pin a virtual thread's carrier anyway).
 *
 * <p>Thread-safe.
 */
public final class SqliteMessageStore implements MessageStore {
  /** Store settings. {@code maxBatch}: writes per transaction; {@code readThreads}: read pool size. */
  public record Options(boolean fsync, int maxBatch, int maxQueued, int readThreads) {
    public static Options defaults() {
      return new Options(false, 512, 100_000, 4);
    }
  }

  private static final String INSERT =
      "INSERT INTO messages (conversation, seq, id, sender, cid, kind, body, created_at) VALUES (?,?,?,?,?,?,?,?)";
  private static final String FIND_CID =
      "SELECT seq, id, kind, body, created_at FROM messages WHERE conversation = ? AND sender = ? AND cid = ?";
  private static final String LAST_SEQ = "SELECT COALESCE(MAX(seq), 0) FROM messages WHERE conversation = ?";
  private static final String COLUMNS = "conversation, seq, id, sender, cid, kind, body, created_at";
  private static final String UPSERT_RECEIPT =
      "INSERT INTO receipts (conversation, user_id, kind, seq) VALUES (?,?,?,?) "
          + "ON CONFLICT (conversation, user_id, kind) DO UPDATE SET seq = excluded.seq WHERE excluded.seq > receipts.seq";

  private final Path file;
  private final Connection writeConnection;
  private final GroupCommitWriter writer;
  private final HikariDataSource readPool;
  private final ExecutorService readExecutor;
  private final SecureRandom random = new SecureRandom();

  /** Last seq per conversation. Only touched by the writer thread. Bounded LRU. */
  private final Map<String, Long> lastSeqCache =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > 100_000;
        }
      };

  private PreparedStatement insert;
  private PreparedStatement findCid;
  private PreparedStatement lastSeq;
  private PreparedStatement upsertReceipt;

  private SqliteMessageStore(Path dataDir, Options options, CommitListener listener) throws SQLException, IOException {
    Files.createDirectories(dataDir);
    this.file = dataDir.resolve("parley.db");
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    this.writeConnection = DriverManager.getConnection(url);
    try (Statement s = writeConnection.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=" + (options.fsync() ? "FULL" : "NORMAL"));
      s.execute("PRAGMA busy_timeout=10000");
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
    this.readPool = new HikariDataSource(hc);
    AtomicInteger n = new AtomicInteger();
    this.readExecutor = Executors.newFixedThreadPool(options.readThreads(),
        r -> Thread.ofPlatform().name("parley-store-read-" + n.incrementAndGet()).daemon(true).unstarted(r));
    this.insert = writeConnection.prepareStatement(INSERT);
    this.findCid = writeConnection.prepareStatement(FIND_CID);
    this.lastSeq = writeConnection.prepareStatement(LAST_SEQ);
    this.upsertReceipt = writeConnection.prepareStatement(UPSERT_RECEIPT);
    this.writer = new GroupCommitWriter(writeConnection, options.maxQueued(), options.maxBatch(), lastSeqCache::clear, listener);
  }

  /**
   * Opens (creating and migrating if needed) {@code parley.db} under {@code dataDir}.
   *
   * @throws StoreException when the file cannot be opened or migrated
   */
  public static SqliteMessageStore open(Path dataDir, Options options, CommitListener listener) {
    try {
      return new SqliteMessageStore(dataDir, options, listener);
    } catch (SQLException | IOException | RuntimeException e) {
      throw new StoreException("cannot open the SQLite store under " + dataDir + ": " + e.getMessage(), e);
    }
  }

  /** Opens with default options and no commit listener. */
  public static SqliteMessageStore open(Path dataDir) {
    return open(dataDir, Options.defaults(), CommitListener.NONE);
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  @Override
  public CompletableFuture<Appended> append(AppendRequest r) {
    CompletableFuture<Appended> f = new CompletableFuture<>();
    writer.submit(new GroupCommitWriter.Op() {
      Appended result;

      @Override
      public void apply(Connection c) throws SQLException {
        result = appendInTransaction(r);
      }

      @Override
      public void committed() {
        f.complete(result);
      }

      @Override
      public void failed(Throwable t) {
        f.completeExceptionally(t);
      }
    });
    return f;
  }

  /** Runs on the writer thread inside the batch's transaction. */
  private Appended appendInTransaction(AppendRequest r) throws SQLException {
    if (r.cid() != null) {
      findCid.setString(1, r.conversation());
      findCid.setString(2, r.sender());
      findCid.setString(3, r.cid());
      try (ResultSet rs = findCid.executeQuery()) {
        if (rs.next()) {
          return new Appended(new StoredMessage(r.conversation(), rs.getLong(1), rs.getString(2), r.sender(), r.cid(),
              rs.getString(3), rs.getString(4), rs.getLong(5)), true);
        }
      }
    }
    Long last = lastSeqCache.get(r.conversation());
    if (last == null) {
      lastSeq.setString(1, r.conversation());
      try (ResultSet rs = lastSeq.executeQuery()) {
        rs.next();
        last = rs.getLong(1);
      }
    }
    long seq = last + 1;
    String id = newId();
    insert.setString(1, r.conversation());
    insert.setLong(2, seq);
    insert.setString(3, id);
    insert.setString(4, r.sender());
    insert.setString(5, r.cid());
    insert.setString(6, r.kind());
    insert.setString(7, r.text());
    insert.setLong(8, r.createdAtMillis());
    insert.executeUpdate();
    lastSeqCache.put(r.conversation(), seq);
    return new Appended(new StoredMessage(r.conversation(), seq, id, r.sender(), r.cid(), r.kind(), r.text(),
        r.createdAtMillis()), false);
  }

  private String newId() {
    byte[] b = new byte[12];
    random.nextBytes(b);
    return "m_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  @Override
  public CompletableFuture<Boolean> saveReceipt(String conversation, String user, String kind, long seq) {
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    writer.submit(new GroupCommitWriter.Op() {
      boolean moved;

      @Override
      public void apply(Connection c) throws SQLException {
        upsertReceipt.setString(1, conversation);
        upsertReceipt.setString(2, user);
        upsertReceipt.setString(3, kind);
        upsertReceipt.setLong(4, seq);
        moved = upsertReceipt.executeUpdate() > 0;
      }

      @Override
      public void committed() {
        f.complete(moved);
      }

      @Override
      public void failed(Throwable t) {
        f.completeExceptionally(t);
      }
    });
    return f;
  }

  @Override
  public List<StoredMessage> readAfter(String conversation, long afterSeq, int limit) {
    return query("SELECT " + COLUMNS + " FROM messages WHERE conversation = ? AND seq > ? ORDER BY seq LIMIT ?",
        conversation, afterSeq, limit, false);
  }

  @Override
  public List<StoredMessage> readBefore(String conversation, long beforeSeq, int limit) {
    return query("SELECT " + COLUMNS + " FROM messages WHERE conversation = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
        conversation, beforeSeq, limit, true);
  }

  private List<StoredMessage> query(String sql, String conversation, long seq, int limit, boolean reverse) {
    try (Connection c = readPool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, conversation);
      ps.setLong(2, seq);
      ps.setInt(3, limit);
      List<StoredMessage> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new StoredMessage(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
              rs.getString(6), rs.getString(7), rs.getLong(8)));
        }
      }
      if (reverse) {
        java.util.Collections.reverse(out);
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("read of " + conversation + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public long lastSeq(String conversation) {
    try (Connection c = readPool.getConnection(); PreparedStatement ps = c.prepareStatement(LAST_SEQ)) {
      ps.setString(1, conversation);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new StoreException("read of " + conversation + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public List<ReceiptState> receipts(String conversation) {
    try (Connection c = readPool.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT user_id, kind, seq FROM receipts WHERE conversation = ?")) {
      ps.setString(1, conversation);
      List<ReceiptState> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new ReceiptState(conversation, rs.getString(1), rs.getString(2), rs.getLong(3)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("read of receipts of " + conversation + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Executor readExecutor() {
    return readExecutor;
  }

  @Override
  public boolean isHealthy() {
    try (Connection c = readPool.getConnection(); Statement s = c.createStatement()) {
      s.execute("SELECT 1");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    writer.close();
    readExecutor.shutdown();
    readPool.close();
    try {
      writeConnection.close();
    } catch (SQLException e) {
      throw new StoreException("close failed", e);
    }
  }
}
