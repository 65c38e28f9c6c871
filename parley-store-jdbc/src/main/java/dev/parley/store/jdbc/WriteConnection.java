package dev.parley.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group-commit writer's connection and the statements its store prepared on it, replaced when
 * lost: a PostgreSQL server restarted or failed over, a connection cut. Until 2026-12-03 a node
 * kept its one write connection for life, and after a PostgreSQL restart every write failed until
 * the node was restarted.
 *
 * <p>The writer asks {@link #lost} only after a batch failed (the check is a round trip): the
 * connection no longer answers {@link Connection#isValid}, or the failure says the server is now
 * read-only (SQLSTATE {@value #READ_ONLY}: a primary demoted by a failover while the connection
 * stayed open; the next connection goes wherever the JDBC URL's {@code targetServerType} leads).
 * Then {@link #reopened} opens another through the store's {@link Opener} and has the store prepare
 * its statements on it ({@link Preparer}); while that fails, {@link #get} is null and the writer
 * tries again at its next batch, at most once per {@link #REOPEN_BACKOFF_NANOS}. A store without an
 * opener (an embedded SQLite file, which does not lose its connection) keeps the one it has.
 *
 * <p>Not thread-safe: the writer thread only, and the store's constructor before the writer starts;
 * {@link #close} after the writer has finished (the field is volatile for that read).
 */
final class WriteConnection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WriteConnection.class);

  /** How long the writer waits after a connection could not be opened before it tries again. */
  static final long REOPEN_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** How long the check that the connection still answers may take. */
  private static final int VALID_TIMEOUT_SECONDS = 5;

  /** SQLSTATE of a write refused by a read-only server (PostgreSQL's read_only_sql_transaction). */
  static final String READ_ONLY = "25006";

  /** Opens a new connection to the store's database. */
  @FunctionalInterface
  interface Opener {
    Connection open() throws SQLException;
  }

  /** Prepares the store's statements on a connection (the first, then each replacement). */
  @FunctionalInterface
  interface Preparer {
    void prepare(Connection c) throws SQLException;
  }

  private final Opener opener;
  private final Preparer preparer;
  private final LongSupplier nanoTime;

  /** When the last attempt to open a connection began ({@link #nanoTime}). */
  private long lastAttempt;

  /** Null while a lost connection could not be replaced. */
  private volatile Connection current;

  /**
   * {@code first}, its statements already prepared, replaced through {@code opener} (null: never)
   * and {@code preparer} when lost.
   */
  WriteConnection(Connection first, Opener opener, Preparer preparer, LongSupplier nanoTime) {
    this.current = first;
    this.opener = opener;
    this.preparer = preparer;
    this.nanoTime = nanoTime;
    this.lastAttempt = nanoTime.getAsLong() - REOPEN_BACKOFF_NANOS;
  }

  /** {@code connection}, kept for life: never replaced (no opener). */
  static WriteConnection kept(Connection connection, LongSupplier nanoTime) {
    return new WriteConnection(connection, null, c -> {}, nanoTime);
  }

  /** The connection, or null while a lost one could not be replaced. */
  Connection get() {
    return current;
  }

  /**
   * After {@code failure}: whether the connection is lost (it no longer answers, or its server is
   * read-only) and can be replaced; if so it is closed and forgotten, and {@link #reopened} opens
   * the next.
   */
  boolean lost(Throwable failure) {
    Connection c = current;
    if (opener == null || c == null) {
      return false;
    }
    boolean readOnly = failure instanceof SQLException s && READ_ONLY.equals(s.getSQLState());
    try {
      if (!readOnly && c.isValid(VALID_TIMEOUT_SECONDS)) {
        return false;
      }
    } catch (SQLException e) {
      // As lost.
    }
    current = null;
    try {
      c.close();
    } catch (SQLException e) {
      log.debug("closing the lost write connection failed", e);
    }
    return true;
  }

  /**
   * Opens a connection in place of the lost one, its statements prepared, unless the last attempt
   * began less than {@link #REOPEN_BACKOFF_NANOS} ago (a server that accepts connections and then
   * refuses every write, one demoted to read-only, is not tried in a loop); whether there is one.
   */
  boolean reopened() {
    if (opener == null || current != null) {
      return current != null;
    }
    long now = nanoTime.getAsLong();
    if (now - lastAttempt < REOPEN_BACKOFF_NANOS) {
      return false;
    }
    lastAttempt = now;
    try {
      Connection c = opener.open();
      try {
        c.setAutoCommit(false);
        preparer.prepare(c);
      } catch (SQLException | RuntimeException e) {
        c.close();
        throw e;
      }
      current = c;
      log.info("the store's write connection is open again");
      return true;
    } catch (SQLException | RuntimeException e) {
      log.warn("the store cannot open a write connection; it tries again in 1 s: {}", e.toString());
      return false;
    }
  }

  @Override
  public void close() throws SQLException {
    Connection c = current;
    if (c != null) {
      c.close();
    }
  }
}
