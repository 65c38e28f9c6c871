package dev.parley.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group-commit writer's commit delay, on a real SQLite file: company in a stream, none when
 * idle.
 */
class GroupCommitWriterTest {
  @TempDir Path dir;
  Connection connection;
  GroupCommitWriter writer;
  final List<Integer> batches = new CopyOnWriteArrayList<>();

  @BeforeEach
  void open() throws SQLException {
    connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("w.db"));
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE t (v INTEGER)");
    }
  }

  @AfterEach
  void close() throws SQLException {
    if (writer != null) {
      writer.close();
    }
    connection.close();
  }

  void start(Duration commitDelay) throws SQLException {
    writer =
        new GroupCommitWriter(
            connection,
            1000,
            512,
            commitDelay.toNanos(),
            () -> {},
            (size, nanos) -> batches.add(size));
  }

  /**
   * An insert whose future completes after its commit; {@code applied} tells whether its
   * transaction began.
   */
  static final class Insert implements GroupCommitWriter.Op {
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final AtomicBoolean applied = new AtomicBoolean();

    @Override
    public void apply(Connection c) throws SQLException {
      applied.set(true);
      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO t VALUES (1)");
      }
    }

    @Override
    public void committed() {
      done.complete(null);
    }

    @Override
    public void failed(Throwable t) {
      done.completeExceptionally(t);
    }
  }

  @Test
  void aWriteRightAfterACommitWaitsForCompanyAndSharesTheNextCommit() throws Exception {
    start(Duration.ofMillis(500));
    Insert first = new Insert();
    writer.submit(first);
    first.done.get(5, TimeUnit.SECONDS);

    Insert second = new Insert(); // arrives moments after a commit: a stream, so the writer waits
    writer.submit(second);
    assertThat(second.applied).as("not begun: the writer is waiting for company").isFalse();
    Insert third = new Insert();
    writer.submit(third);
    CompletableFuture.allOf(second.done, third.done).get(5, TimeUnit.SECONDS);
    assertThat(batches).containsExactly(1, 2);
  }

  @Test
  void aLoneWriteIsCommittedWithoutTheDelay() throws Exception {
    start(
        Duration.ofSeconds(
            30)); // had the lone write waited for company, it could not commit within 10 s
    Insert lone = new Insert();
    writer.submit(lone);
    lone.done.get(10, TimeUnit.SECONDS);
    assertThat(batches).containsExactly(1);
  }

  @Test
  void withoutADelayEveryWriteIsCommittedAsSoonAsItArrives() throws Exception {
    start(Duration.ZERO);
    Insert first = new Insert();
    writer.submit(first);
    first.done.get(5, TimeUnit.SECONDS);
    Insert second = new Insert();
    writer.submit(second);
    second.done.get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 2);
    assertThat(batches).containsExactly(1, 1);
  }
}
