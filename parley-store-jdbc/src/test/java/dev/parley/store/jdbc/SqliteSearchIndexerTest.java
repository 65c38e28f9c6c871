package dev.parley.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** When the search indexer falls due, and what one run indexes, on a migrated SQLite file. */
@Timeout(30)
class SqliteSearchIndexerTest {
  @TempDir Path dir;

  static final long DELAY = SqliteSearchIndexer.MAX_DELAY.toNanos();

  Connection migrated() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("parley.db");
    Flyway.configure()
        .dataSource(url, null, null)
        .locations("classpath:db/migration/sqlite")
        .load()
        .migrate();
    return DriverManager.getConnection(url);
  }

  @Test
  void dueAfterTheDelayOrAtOnceWhenAChunkWaits() throws Exception {
    try (Connection c = migrated()) {
      SqliteSearchIndexer indexer = new SqliteSearchIndexer(c, 0);
      assertThat(indexer.dueInNanos(0)).as("what a crash may have left").isEqualTo(DELAY);
      indexer.run(c);
      assertThat(indexer.dueInNanos(0)).isEqualTo(Long.MAX_VALUE);
      indexer.appended(1_000);
      assertThat(indexer.dueInNanos(1_000)).isEqualTo(DELAY);
      assertThat(indexer.dueInNanos(1_000 + DELAY)).isZero();
      for (int i = 1; i < SqliteSearchIndexer.CHUNK; i++) {
        indexer.appended(2_000);
      }
      assertThat(indexer.dueInNanos(2_000)).isLessThanOrEqualTo(0);
    }
  }

  @Test
  void aFailedRunIsTriedAgainAfterTheDelayNotAtOnce() throws Exception {
    try (Connection c = migrated()) {
      SqliteSearchIndexer indexer = new SqliteSearchIndexer(c, 0);
      for (int i = 0; i < SqliteSearchIndexer.CHUNK; i++) {
        indexer.appended(0);
      }
      long before = System.nanoTime();
      indexer.failed();
      assertThat(indexer.dueInNanos(before)).isPositive();
      assertThat(indexer.dueInNanos(System.nanoTime() + DELAY + TimeUnit.SECONDS.toNanos(1)))
          .isNegative();
    }
  }

  @Test
  void aRunIndexesTheChatTextAndBotMessagesPastTheWatermarkAndMovesIt() throws Exception {
    try (Connection c = migrated();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO messages (conversation, seq, id, sender, kind, body, created_at) VALUES "
              + "('chat_a', 1, 'm1', 'v', 'text', 'zebra one', 1), "
              + "('chat_a', 2, 'm2', 'system', 'system', 'zebra two', 2), "
              + "('room-1', 1, 'm3', 'u', 'text', 'zebra three', 3), "
              + "('chat_a:notes', 1, 'm4', 'ana', 'text', 'zebra four', 4)");
      new SqliteSearchIndexer(c, 0).run(c);
      try (ResultSet rs =
          s.executeQuery(
              "SELECT group_concat(rowid, ' ') FROM message_search WHERE message_search MATCH 'zebra'")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("1 4");
      }
      try (ResultSet rs = s.executeQuery("SELECT indexed_to FROM message_search_progress")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(4);
      }
    }
  }
}
