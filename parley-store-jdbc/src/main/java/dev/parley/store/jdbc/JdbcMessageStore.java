package dev.parley.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.parley.core.AppendRequest;
import dev.parley.core.Appended;
import dev.parley.core.MessageStore;
import dev.parley.core.ReceiptState;
import dev.parley.core.StoreException;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.MessageMeta;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the JDBC stores share: the group-commit writer and its single write connection, the read
 * pool and its platform threads, the read queries and receipts. A subclass decides how a message
 * gets its seq inside the writer's transaction ({@link #appendInTransaction}).
 *
 * <p>Thread-safe. The write connection and everything subclasses prepare on it are touched only by
 * the writer thread.
 */
abstract class JdbcMessageStore implements MessageStore {
  private static final Logger log = LoggerFactory.getLogger(JdbcMessageStore.class);
  static final String COLUMNS =
      "conversation, seq, id, sender, cid, kind, body, created_at, status, meta";
  static final String INSERT =
      "INSERT INTO messages (conversation, seq, id, sender, cid, kind, body, created_at, status, meta) VALUES (?,?,?,?,?,?,?,?,?,?)";
  static final String FIND_CID =
      "SELECT seq, id, kind, body, created_at, status, meta FROM messages WHERE conversation = ? AND sender = ? AND cid = ?";
  static final String LAST_SEQ =
      "SELECT COALESCE(MAX(seq), 0) FROM messages WHERE conversation = ?";
  private static final String UPSERT_RECEIPT =
      "INSERT INTO receipts (conversation, user_id, kind, seq) VALUES (?,?,?,?) "
          + "ON CONFLICT (conversation, user_id, kind) DO UPDATE SET seq = excluded.seq WHERE excluded.seq > receipts.seq";

  private final WriteConnection writeConnection;

  private final HikariDataSource readPool;
  private final ExecutorService readExecutor;
  private final SecureRandom random = new SecureRandom();
  private final String name;
  private GroupCommitWriter writer;

  /** The run appends share when this store is {@link AppendOp.Together}, else null. */
  private GroupCommitWriter.Run appendRun;

  private PreparedStatement findCid;
  private PreparedStatement upsertReceipt;

  /** On {@code writeConnection}, replaced through {@code reopen} when lost (null: never). */
  JdbcMessageStore(
      String name,
      Connection writeConnection,
      WriteConnection.Opener reopen,
      HikariDataSource readPool,
      int readThreads) {
    this.name = name;
    this.writeConnection =
        new WriteConnection(writeConnection, reopen, this::prepare, System::nanoTime);
    this.readPool = readPool;
    AtomicInteger n = new AtomicInteger();
    this.readExecutor =
        Executors.newFixedThreadPool(
            readThreads,
            r ->
                Thread.ofPlatform()
                    .name("parley-store-read-" + n.incrementAndGet())
                    .daemon(true)
                    .unstarted(r));
  }

  /** Starts the writer; call last in the subclass constructor. */
  final void startWriter(GroupCommitWriter.Limits limits, CommitListener listener)
      throws SQLException {
    startWriter(limits, listener, GroupCommitWriter.Housekeeping.NONE);
  }

  /** Starts the writer with {@code housekeeping} between batches; call last. */
  final void startWriter(
      GroupCommitWriter.Limits limits,
      CommitListener listener,
      GroupCommitWriter.Housekeeping housekeeping)
      throws SQLException {
    appendRun = this instanceof AppendOp.Together t ? AppendOp.runOf(t) : null;
    prepare(writeConnection.get());
    writer =
        new GroupCommitWriter(
            writeConnection, limits, this::onRollback, listener, housekeeping, System::nanoTime);
  }

  /**
   * Prepares the writer's statements on {@code w}: before the writer starts, then writer thread.
   */
  private void prepare(Connection w) throws SQLException {
    findCid = w.prepareStatement(FIND_CID);
    upsertReceipt = w.prepareStatement(UPSERT_RECEIPT);
    prepareOwn(w);
  }

  /** Prepares a subclass's statements on the writer's connection {@code w}. */
  void prepareOwn(Connection w) throws SQLException {}

  /**
   * Gives a message its seq and inserts it, inside the writer's open transaction. Writer thread.
   */
  abstract Appended appendInTransaction(AppendRequest r) throws SQLException;

  /** The batch was rolled back; drop anything cached from it. Writer thread. */
  void onRollback() {}

  /** The stored message with this cid, or null. Writer thread. */
  final Appended findDuplicate(AppendRequest r) throws SQLException {
    if (r.cid() == null) {
      return null;
    }
    StoredMessage m = byCid(findCid, r.conversation(), r.sender(), r.cid());
    return m == null ? null : new Appended(m, true);
  }

  /** The message {@code ps} ({@link #FIND_CID}) finds by (conversation, sender, cid), or null. */
  private StoredMessage byCid(PreparedStatement ps, String conversation, String sender, String cid)
      throws SQLException {
    ps.setString(1, conversation);
    ps.setString(2, sender);
    ps.setString(3, cid);
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      return new StoredMessage(
          conversation,
          rs.getLong(1),
          rs.getString(2),
          sender,
          cid,
          rs.getString(3),
          rs.getString(4),
          rs.getLong(5),
          rs.getString(6),
          meta(rs.getString(7)));
    }
  }

  /**
   * The meta stored as {@code json}; null for none, and for a value this version cannot read
   * (logged), so one bad row never stops a conversation's replay.
   */
  final MessageMeta meta(String json) {
    if (json == null) {
      return null;
    }
    try {
      return MessageMeta.fromJson(json);
    } catch (IllegalArgumentException e) {
      log.warn("{}: a message's meta cannot be read and is left out: {}", name, e.getMessage());
      return null;
    }
  }

  final String newId() {
    byte[] b = new byte[12];
    random.nextBytes(b);
    return "m_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** A write run inside the writer's open transaction, on its connection. Writer thread. */
  @FunctionalInterface
  interface TxWork<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Queues {@code work} for the next group commit, ordered by {@code key}; the future completes
   * with its result after the commit, or fails if the write did not happen. Other writers of the
   * same database (the chat store on SQLite) go through here too, so the file has one writer.
   */
  final <T> CompletableFuture<T> write(String key, TxWork<T> work) {
    CompletableFuture<T> f = new CompletableFuture<>();
    writer.submit(
        new GroupCommitWriter.Op() {
          T result;

          @Override
          public String orderKey() {
            return key;
          }

          @Override
          public void apply(Connection c) throws SQLException {
            result = work.run(c);
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

  /**
   * The write's own future: no stage chained to it (a failure is the bare {@link StoreException}).
   */
  @Override
  public final CompletableFuture<Appended> append(AppendRequest r) {
    AppendOp op = new AppendOp(this, r, appendRun);
    writer.submit(op);
    return op.future;
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code then} is chained before the write is queued, so it runs on the thread that completes
   * the batch (the writer's or the completer's), in the batch's order.
   */
  @Override
  public final <T> CompletableFuture<T> append(
      AppendRequest r, Function<? super Appended, ? extends CompletionStage<T>> then) {
    AppendOp op = new AppendOp(this, r, appendRun);
    CompletableFuture<T> out = op.future.thenCompose(then);
    writer.submit(op);
    return out;
  }

  @Override
  public final CompletableFuture<Boolean> saveReceipt(
      String conversation, String user, String kind, long seq) {
    return write(
        conversation,
        c -> {
          upsertReceipt.setString(1, conversation);
          upsertReceipt.setString(2, user);
          upsertReceipt.setString(3, kind);
          upsertReceipt.setLong(4, seq);
          return upsertReceipt.executeUpdate() > 0;
        });
  }

  @Override
  public final CompletableFuture<Integer> eraseSender(String conversation, String sender) {
    return write(
        conversation,
        c -> {
          int erased;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE messages SET sender = ?, kind = ?, body = '', cid = NULL, status = NULL, meta = NULL "
                      + "WHERE conversation = ? AND sender = ?")) {
            ps.setString(1, StoredMessage.ERASED);
            ps.setString(2, StoredMessage.ERASED);
            ps.setString(3, conversation);
            ps.setString(4, sender);
            erased = ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM receipts WHERE conversation = ? AND user_id = ?")) {
            ps.setString(1, conversation);
            ps.setString(2, sender);
            ps.executeUpdate();
          }
          return erased;
        });
  }

  @Override
  public final CompletableFuture<Integer> deleteConversation(String conversation) {
    return write(
        conversation,
        c -> {
          int deleted;
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM messages WHERE conversation = ?")) {
            ps.setString(1, conversation);
            deleted = ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM receipts WHERE conversation = ?")) {
            ps.setString(1, conversation);
            ps.executeUpdate();
          }
          conversationDeleted(c, conversation);
          return deleted;
        });
  }

  /**
   * Forgets what this store keeps of {@code conversation} besides its messages and receipts, inside
   * the writer's open transaction. Writer thread.
   */
  abstract void conversationDeleted(Connection c, String conversation) throws SQLException;

  @Override
  public final List<StoredMessage> readAfter(String conversation, long afterSeq, int limit) {
    return query(
        "SELECT "
            + COLUMNS
            + " FROM messages WHERE conversation = ? AND seq > ? ORDER BY seq LIMIT ?",
        conversation,
        afterSeq,
        limit,
        false);
  }

  @Override
  public final List<StoredMessage> readBefore(String conversation, long beforeSeq, int limit) {
    return query(
        "SELECT "
            + COLUMNS
            + " FROM messages WHERE conversation = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
        conversation,
        beforeSeq,
        limit,
        true);
  }

  private List<StoredMessage> query(
      String sql, String conversation, long seq, int limit, boolean reverse) {
    try (Connection c = readPool.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, conversation);
      ps.setLong(2, seq);
      ps.setInt(3, limit);
      List<StoredMessage> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new StoredMessage(
                  rs.getString(1),
                  rs.getLong(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getLong(8),
                  rs.getString(9),
                  meta(rs.getString(10))));
        }
      }
      if (reverse) {
        Collections.reverse(out);
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("read of " + conversation + " failed: " + e.getMessage(), e);
    }
  }

  /** Reads through the read pool (the unique index on (conversation, sender, cid)). */
  @Override
  public final Optional<StoredMessage> findByCid(String conversation, String sender, String cid) {
    try (Connection c = readPool.getConnection();
        PreparedStatement ps = c.prepareStatement(FIND_CID)) {
      return Optional.ofNullable(byCid(ps, conversation, sender, cid));
    } catch (SQLException e) {
      throw new StoreException("read of " + conversation + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public final long lastSeq(String conversation) {
    try (Connection c = readPool.getConnection();
        PreparedStatement ps = c.prepareStatement(LAST_SEQ)) {
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
  public final List<ReceiptState> receipts(String conversation) {
    try (Connection c = readPool.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT user_id, kind, seq FROM receipts WHERE conversation = ?")) {
      ps.setString(1, conversation);
      List<ReceiptState> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new ReceiptState(conversation, rs.getString(1), rs.getString(2), rs.getLong(3)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException(
          "read of receipts of " + conversation + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public final Executor readExecutor() {
    return readExecutor;
  }

  @Override
  public final boolean isHealthy() {
    try (Connection c = readPool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("SELECT 1");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  /** Called once the writer has finished its last batch, before the connections close. */
  void afterWriterClosed() {}

  @Override
  public final void close() {
    writer.close();
    afterWriterClosed();
    readExecutor.shutdown();
    readPool.close();
    try {
      writeConnection.close();
    } catch (SQLException e) {
      throw new StoreException(name + " close failed", e);
    }
  }
}
