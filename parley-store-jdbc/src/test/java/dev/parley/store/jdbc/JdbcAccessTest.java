package dev.parley.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JdbcAccess#deleteInBatches} on a real SQLite file: a backlog is deleted in statements of
 * at most a batch each, until one deletes fewer, and only the rows the statement selects.
 */
class JdbcAccessTest {
  static final String DELETE =
      "DELETE FROM scratch WHERE id IN (SELECT id FROM scratch WHERE at < ? LIMIT ?)";

  @TempDir Path dir;
  SqliteMessageStore store;
  JdbcAccess db;

  @BeforeEach
  void open() throws Exception {
    store = SqliteMessageStore.open(dir);
    db = JdbcAccess.onSqlite("scratch", store);
    db.write(
            "scratch",
            c -> {
              try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE scratch (id INTEGER PRIMARY KEY, at INTEGER NOT NULL)");
              }
              try (PreparedStatement ps =
                  c.prepareStatement("INSERT INTO scratch (at) VALUES (?)")) {
                for (int at = 1; at <= 7; at++) {
                  ps.setLong(1, at);
                  ps.executeUpdate();
                }
              }
              return null;
            })
        .get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() {
    db.close();
    store.close();
  }

  List<Long> left() throws Exception {
    return db.read(
            c -> {
              List<Long> out = new ArrayList<>();
              try (Statement s = c.createStatement();
                  ResultSet rs = s.executeQuery("SELECT at FROM scratch ORDER BY at")) {
                while (rs.next()) {
                  out.add(rs.getLong(1));
                }
              }
              return out;
            })
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void aBacklogLargerThanABatchIsDeletedWholeInBatches() throws Exception {
    int deleted = db.deleteInBatches("scratch", DELETE, 6, 2).get(10, TimeUnit.SECONDS);

    assertThat(deleted).as("2 + 2 + 1").isEqualTo(5);
    assertThat(left()).containsExactly(6L, 7L);
  }

  @Test
  void aBacklogThatIsAWholeNumberOfBatchesEndsWithAnEmptyOne() throws Exception {
    int deleted = db.deleteInBatches("scratch", DELETE, 5, 2).get(10, TimeUnit.SECONDS);

    assertThat(deleted).as("2 + 2 + 0").isEqualTo(4);
    assertThat(left()).containsExactly(5L, 6L, 7L);
  }

  @Test
  void nothingToDeleteIsOneStatement() throws Exception {
    assertThat(db.deleteInBatches("scratch", DELETE, 1, 2).get(10, TimeUnit.SECONDS)).isZero();
    assertThat(left()).hasSize(7);
  }
}
