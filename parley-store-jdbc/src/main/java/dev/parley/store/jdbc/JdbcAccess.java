package dev.parley.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.core.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How the stores beside the messages (chat conversations, configuration) reach the database: reads
 * on a small pool and two platform threads of their own; writes through the SQLite message store's
 * single writer (riding its group commits, so the file has one writer and never meets {@code
 * SQLITE_BUSY}), or on PostgreSQL in short transactions of their own.
 *
 * <p>Thread-safe. Blocking JDBC runs on this object's threads (or the writer's); callers get
 * futures.
 */
final class JdbcAccess implements AutoCloseable {
  private final String what;
  private final HikariDataSource pool;
  private final ExecutorService threads;

  /** The SQLite message store whose writer takes the writes; null on PostgreSQL. */
  private final JdbcMessageStore writer;

  private JdbcAccess(String what, HikariDataSource pool, JdbcMessageStore writer) {
    this.what = what;
    this.pool = pool;
    this.writer = writer;
    AtomicInteger n = new AtomicInteger();
    this.threads =
        Executors.newFixedThreadPool(
            2,
            r ->
                Thread.ofPlatform()
                    .name("parley-" + what + "-store-" + n.incrementAndGet())
                    .daemon(true)
                    .unstarted(r));
  }

  /**
   * On the SQLite file of {@code store} (already migrated), named {@code what} in threads and
   * errors.
   */
  static JdbcAccess onSqlite(String what, SqliteMessageStore store) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl("jdbc:sqlite:" + store.file().toAbsolutePath());
    hc.setPoolName("parley-sqlite-" + what + "-read");
    hc.setMaximumPoolSize(2);
    hc.setMinimumIdle(1);
    hc.addDataSourceProperty("busy_timeout", "10000");
    hc.setConnectionInitSql("PRAGMA query_only=1");
    return new JdbcAccess(what, new HikariDataSource(hc), store);
  }

  /** On PostgreSQL with the message store's options (already migrated). */
  static JdbcAccess onPostgres(String what, PostgresMessageStore.Options o) {
    HikariConfig hc = PostgresMessageStore.poolConfig(o, what.replace(' ', '-'), 4);
    return new JdbcAccess(what, new HikariDataSource(hc), null);
  }

  /** Whether this is SQLite (one writer) rather than PostgreSQL. */
  boolean isSqlite() {
    return writer != null;
  }

  /** A read on the pool, on this object's threads. */
  <T> CompletableFuture<T> read(JdbcMessageStore.TxWork<T> work) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = pool.getConnection()) {
            return work.run(c);
          } catch (SQLException e) {
            throw new StoreException(what + " store: " + e.getMessage(), e);
          }
        },
        threads);
  }

  /**
   * A write in one transaction: through the SQLite writer (ordered by {@code key}), or on
   * PostgreSQL.
   */
  <T> CompletableFuture<T> write(String key, JdbcMessageStore.TxWork<T> work) {
    if (writer != null) {
      return writer.write(key, work);
    }
    return read(
        c -> {
          c.setAutoCommit(false);
          try {
            T result = work.run(c);
            c.commit();
            return result;
          } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
          } finally {
            c.setAutoCommit(true);
          }
        });
  }

  /** Rows one statement of {@link #deleteInBatches} deletes at most. */
  static final int DELETE_BATCH = 5_000;

  /**
   * Runs {@code delete} (a DELETE whose first parameter is {@code before} and second the batch's
   * LIMIT) again and again, each a {@link #write} of its own (on PostgreSQL its own transaction, on
   * SQLite one slot of a group commit), until one deletes fewer than {@code batch} rows; completes
   * with the total. A large backlog (the first prune after an upgrade, a shortened retention) is
   * worked off in short statements: none runs into PostgreSQL's statement timeout (55 s) and none
   * holds SQLite's one writer long.
   */
  CompletableFuture<Integer> deleteInBatches(String key, String delete, long before, int batch) {
    return write(
            key,
            c -> {
              try (PreparedStatement ps = c.prepareStatement(delete)) {
                ps.setLong(1, before);
                ps.setInt(2, batch);
                return ps.executeUpdate();
              }
            })
        .thenCompose(
            n ->
                n < batch
                    ? CompletableFuture.completedFuture(n)
                    : deleteInBatches(key, delete, before, batch).thenApply(rest -> n + rest));
  }

  @Override
  public void close() {
    threads.shutdown();
    pool.close();
  }
}
