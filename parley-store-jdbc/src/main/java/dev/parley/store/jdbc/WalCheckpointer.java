package dev.parley.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints SQLite's write-ahead log from its own thread and connection, every {@code interval}.
 *
 * <p>Left to itself SQLite checkpoints in the committing connection once the log passes 1,000
 * pages: the store's single writer would then copy pages into the database file and fsync it while
 * every write behind it waits (a latency spike every second or so under load). The writer's
 * connection has {@code wal_autocheckpoint=0}; this thread runs {@code wal_checkpoint(PASSIVE)},
 * which never blocks the writer or the readers, and the log starts over once a checkpoint has
 * caught up. On close, a last {@code TRUNCATE} checkpoint empties the log.
 *
 * <p>Thread-safe; the connection is used only by the checkpoint thread (and by {@link #close} after
 * that thread has stopped).
 */
final class WalCheckpointer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);

  private final Connection connection;
  private final ScheduledExecutorService thread;

  WalCheckpointer(String url, boolean fsync, Duration interval) throws SQLException {
    this.connection = DriverManager.getConnection(url);
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA synchronous=" + (fsync ? "FULL" : "NORMAL"));
      s.execute("PRAGMA busy_timeout=10000");
    }
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("parley-store-checkpoint").daemon(true).unstarted(r));
    thread.scheduleWithFixedDelay(
        () -> checkpoint("PASSIVE"),
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void checkpoint(String mode) {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
      if (rs.next() && rs.getInt(1) != 0) {
        log.debug(
            "WAL checkpoint ({}) could not finish: the log has {} frames, {} checkpointed",
            mode,
            rs.getInt(2),
            rs.getInt(3));
      }
    } catch (SQLException | RuntimeException e) {
      log.warn("WAL checkpoint ({}) failed; the next one retries", mode, e);
    }
  }

  /** Stops the thread, then empties the log (call after the writer has stopped). */
  @Override
  public void close() {
    thread.shutdown();
    try {
      thread.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    checkpoint("TRUNCATE");
    try {
      connection.close();
    } catch (SQLException e) {
      log.warn("closing the checkpoint connection failed", e);
    }
  }
}
