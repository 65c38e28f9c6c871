package dev.parley.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.core.AppendRequest;
import dev.parley.core.Appended;
import dev.parley.core.StoreException;
import dev.parley.core.StoredMessage;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.flywaydb.core.Flyway;

/**
 * The {@link dev.parley.core.MessageStore} for clusters: PostgreSQL, shared by every node.
 *
 * <p>Many nodes write to one conversation at once, so the seq cannot come from a node's memory:
 * each append locks its conversation's row in {@code conversations} ({@code INSERT … ON CONFLICT DO
 * UPDATE … RETURNING last_seq} takes the row lock even when nothing changes), checks the cid under
 * that lock, inserts at {@code last_seq + 1} and moves {@code last_seq}. The lock is held to the
 * batch's commit, so a seq is visible to readers only after every smaller seq of its conversation:
 * a subscriber that sees seq N published can read N-1 from the store. Batches lock conversations in
 * sorted order ({@link GroupCommitWriter.Op#orderKey()}), so two nodes cannot deadlock; if a
 * deadlock or a concurrent same-cid insert fails a batch anyway, it is retried write by write.
 *
 * <p>The appends of a batch go to the server in one statement ({@link #APPEND_BATCH}), not one
 * round trip each: on this machine the writer had spent most of its time waiting for those round
 * trips (docs/BENCHMARKS.md, "PostgreSQL: one round trip per batch").
 *
 * <p>Thread-safe.
 */
public final class PostgresMessageStore extends JdbcMessageStore implements AppendOp.Together {
  /**
   * Connection settings.
   *
   * @param url JDBC URL, e.g. {@code jdbc:postgresql://127.0.0.1:5432/parley}
   * @param schema schema to use (created and migrated if missing)
   * @param readPoolSize read connections per node
   * @param commitDelay how long the writer waits for more writes in a steady stream (0: never)
   * @param maxQueueDelay refuse new writes while the oldest queued one has waited longer (0: only
   *     {@code maxQueued} bounds the queue); see {@link GroupCommitWriter}'s admission
   */
  public record Options(
      String url,
      String user,
      String password,
      String schema,
      int readPoolSize,
      int maxBatch,
      int maxQueued,
      Duration commitDelay,
      Duration maxQueueDelay) {
    public static Options of(String url, String user, String password) {
      return new Options(
          url,
          user,
          password,
          "public",
          8,
          512,
          100_000,
          SqliteMessageStore.Options.DEFAULT_COMMIT_DELAY,
          SqliteMessageStore.Options.DEFAULT_MAX_QUEUE_DELAY);
    }

    public Options withSchema(String s) {
      return new Options(
          url, user, password, s, readPoolSize, maxBatch, maxQueued, commitDelay, maxQueueDelay);
    }

    public Options withCommitDelay(Duration d) {
      return new Options(
          url, user, password, schema, readPoolSize, maxBatch, maxQueued, d, maxQueueDelay);
    }

    public Options withMaxQueueDelay(Duration d) {
      return new Options(
          url, user, password, schema, readPoolSize, maxBatch, maxQueued, commitDelay, d);
    }

    GroupCommitWriter.Limits limits() {
      // Completed apart: the writer waits for the server, which can work meanwhile.
      return new GroupCommitWriter.Limits(
          maxQueued, maxBatch, commitDelay.toNanos(), maxQueueDelay.toNanos(), true);
    }
  }

  /**
   * One round trip per message: take the conversation's row lock and its next seq, unless the
   * sender's cid is already stored, and insert the message at that seq; the duplicate's row
   * otherwise. The four statements it replaced (lock, find the cid, insert, move the last seq) cost
   * four round trips, and the writer spent most of its time waiting for them. A same-cid insert
   * committed by another node while this one waited for the lock is not in this statement's
   * snapshot: the unique index then fails the batch, which is retried write by write, and the retry
   * finds the duplicate.
   */
  private static final String APPEND =
      "WITH dup AS (SELECT seq, id, kind, body, created_at, status, meta FROM messages"
          + " WHERE conversation = ? AND sender = ? AND cid = ?),"
          + " bump AS (INSERT INTO conversations AS c (id, last_seq, created_at) VALUES (?, 1, ?)"
          + " ON CONFLICT (id) DO UPDATE SET last_seq = c.last_seq + 1"
          + " WHERE NOT EXISTS (SELECT 1 FROM dup) RETURNING last_seq),"
          + " ins AS (INSERT INTO messages"
          + " (conversation, seq, id, sender, cid, kind, body, created_at, status, meta)"
          + " SELECT ?, last_seq, ?, ?, ?, ?, ?, ?, ?, ? FROM bump RETURNING seq)"
          + " SELECT TRUE, seq, NULL, NULL, NULL, NULL, NULL, NULL FROM ins"
          + " UNION ALL SELECT FALSE, seq, id, kind, body, created_at, status, meta FROM dup";

  /**
   * {@link #APPEND} for many messages in one round trip: {@code parley_append_batch} (migration
   * V23) runs its steps for each element of the arrays in turn, each seeing the ones before it (so
   * a cid repeated within the batch is answered as a duplicate too), and returns one row per
   * element by its position ({@code r_ord}, from 1). Measured against a set-based statement doing
   * the same for all at once: that cost PostgreSQL about half as much CPU again per message
   * (docs/BENCHMARKS.md).
   */
  private static final String APPEND_BATCH =
      "SELECT r_ord, r_inserted, r_seq, r_id, r_kind, r_body, r_created, r_status, r_meta"
          + " FROM parley_append_batch(?, ?, ?, ?, ?, ?, ?, ?, ?)";

  /** Prepared on the writer's connection ({@link #prepareOwn}); writer thread. */
  private PreparedStatement append;

  private PreparedStatement appendBatch;

  private PostgresMessageStore(
      Connection w, HikariDataSource readPool, Options o, CommitListener listener)
      throws SQLException {
    // A restarted or failed-over server, a cut connection: the writer opens another.
    super(
        "postgresql",
        w,
        () -> DriverManager.getConnection(o.url(), props(o)),
        readPool,
        o.readPoolSize());
    startWriter(o.limits(), listener);
  }

  @Override
  void prepareOwn(Connection w) throws SQLException {
    append = w.prepareStatement(APPEND);
    appendBatch = w.prepareStatement(APPEND_BATCH);
  }

  /**
   * Connects, migrates the schema, and starts the writer.
   *
   * @throws StoreException when the database cannot be reached or migrated
   */
  public static PostgresMessageStore open(Options o, CommitListener listener) {
    HikariDataSource reads = null;
    try {
      Flyway.configure()
          .dataSource(o.url(), o.user(), o.password())
          .schemas(o.schema())
          .createSchemas(true)
          .locations("classpath:db/migration/postgresql")
          .load()
          .migrate();
      reads = pool(o, o.readPoolSize());
      Connection w = DriverManager.getConnection(o.url(), props(o));
      return new PostgresMessageStore(w, reads, o, listener);
    } catch (SQLException | RuntimeException e) {
      if (reads != null) {
        reads.close();
      }
      throw new StoreException(
          "cannot open the PostgreSQL store at " + o.url() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The writer's connection's properties (in {@code pg_stat_activity}: {@code parley writer
   * <schema>}).
   */
  private static Properties props(Options o) {
    Properties p = driverProperties(o.schema(), "writer");
    if (o.user() != null) {
      p.setProperty("user", o.user());
    }
    if (o.password() != null) {
      p.setProperty("password", o.password());
    }
    return p;
  }

  /**
   * What every PostgreSQL connection of Parley's is opened with (the writer's, the read pools'):
   * the schema; its name in {@code pg_stat_activity}, {@code parley <role> <schema>}; keep-alives;
   * and bounds, so that a server that accepts a connection and then stalls (a half-failed-over
   * host) cannot hold a thread for ever: a login within 10 s, an answer within 60 s (else the
   * connection is broken and replaced), and the server cancels a statement after 55 s, so its locks
   * do not outlive the client's giving up.
   */
  static Properties driverProperties(String schema, String role) {
    Properties p = new Properties();
    p.setProperty("currentSchema", schema);
    p.setProperty("ApplicationName", "parley " + role + " " + schema);
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("loginTimeout", "10");
    p.setProperty("socketTimeout", "60");
    p.setProperty("options", "-c statement_timeout=55s");
    return p;
  }

  /** A Hikari pool of {@code size} connections to {@code o}'s database, named {@code role}. */
  static HikariConfig poolConfig(Options o, String role, int size) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(o.url());
    hc.setUsername(o.user());
    hc.setPassword(o.password());
    hc.setSchema(o.schema());
    hc.setDataSourceProperties(driverProperties(o.schema(), role));
    hc.setPoolName("parley-pg-" + role);
    hc.setMaximumPoolSize(size);
    hc.setMinimumIdle(1);
    hc.setConnectionTimeout(5_000);
    return hc;
  }

  private static HikariDataSource pool(Options o, int size) {
    HikariConfig hc = poolConfig(o, "read", size);
    hc.setReadOnly(true);
    return new HikariDataSource(hc);
  }

  @Override
  Appended appendInTransaction(AppendRequest r) throws SQLException {
    String id = r.id() != null ? r.id() : newId();
    int p = 1;
    append.setString(p++, r.conversation());
    append.setString(p++, r.sender());
    append.setString(p++, r.cid());
    append.setString(p++, r.conversation());
    append.setLong(p++, r.createdAtMillis());
    append.setString(p++, r.conversation());
    append.setString(p++, id);
    append.setString(p++, r.sender());
    append.setString(p++, r.cid());
    append.setString(p++, r.kind());
    append.setString(p++, r.text());
    append.setLong(p++, r.createdAtMillis());
    append.setString(p++, r.status());
    // Most messages carry no meta: a NULL, nothing encoded.
    append.setString(p, r.meta() == null ? null : r.meta().toJson());
    try (ResultSet rs = append.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("append of " + r.conversation() + " returned no row");
      }
      return appended(r, id, rs, 1);
    }
  }

  /**
   * The outcome of one append from its row of {@link #APPEND} or {@link #APPEND_BATCH}, whose
   * columns from {@code first} on are: inserted, seq, then (for a duplicate) the stored id, kind,
   * body, creation time, status and meta.
   */
  private Appended appended(AppendRequest r, String id, ResultSet row, int first)
      throws SQLException {
    long seq = row.getLong(first + 1);
    if (row.getBoolean(first)) {
      return new Appended(r.storedAt(seq, id), false);
    }
    return new Appended(
        new StoredMessage(
            r.conversation(),
            seq,
            row.getString(first + 2),
            r.sender(),
            r.cid(),
            row.getString(first + 3),
            row.getString(first + 4),
            row.getLong(first + 5),
            row.getString(first + 6),
            meta(row.getString(first + 7))),
        true);
  }

  @Override
  public List<Appended> appendAllInTransaction(List<AppendRequest> rs) throws SQLException {
    // Column by column: one array parameter each (nulls included), element i being message i.
    int n = rs.size();
    String[] conv = new String[n];
    String[] sender = new String[n];
    String[] cid = new String[n];
    String[] id = new String[n];
    String[] kind = new String[n];
    String[] body = new String[n];
    Long[] created = new Long[n];
    String[] status = new String[n];
    String[] meta = new String[n];
    for (int i = 0; i < n; i++) {
      AppendRequest r = rs.get(i);
      conv[i] = r.conversation();
      sender[i] = r.sender();
      cid[i] = r.cid();
      id[i] = r.id() != null ? r.id() : newId();
      kind[i] = r.kind();
      body[i] = r.text();
      created[i] = r.createdAtMillis();
      status[i] = r.status();
      meta[i] = r.meta() == null ? null : r.meta().toJson();
    }
    Connection c = appendBatch.getConnection();
    int p = 1;
    for (String[] column : new String[][] {conv, sender, cid, id, kind, body}) {
      appendBatch.setArray(p++, c.createArrayOf("text", column));
    }
    appendBatch.setArray(p++, c.createArrayOf("bigint", created));
    appendBatch.setArray(p++, c.createArrayOf("text", status));
    appendBatch.setArray(p, c.createArrayOf("text", meta));
    Appended[] out = new Appended[n];
    try (ResultSet row = appendBatch.executeQuery()) {
      while (row.next()) {
        int i = row.getInt(1) - 1;
        out[i] = appended(rs.get(i), id[i], row, 2);
      }
    }
    for (int i = 0; i < n; i++) {
      if (out[i] == null) {
        throw new SQLException("append of " + rs.get(i).conversation() + " returned no row");
      }
    }
    return List.of(out);
  }

  @Override
  void conversationDeleted(Connection c, String conversation) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM conversations WHERE id = ?")) {
      ps.setString(1, conversation);
      ps.executeUpdate();
    }
  }
}
