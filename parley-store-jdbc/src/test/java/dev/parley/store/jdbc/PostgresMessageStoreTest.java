package dev.parley.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.core.AppendRequest;
import dev.parley.core.Appended;
import dev.parley.core.MessageStore;
import dev.parley.core.MessageStoreContract;
import dev.parley.core.StoreException;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.MessageMeta;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract against the PostgreSQL server on 127.0.0.1:5432 (database {@code test}, or
 * {@code PARLEY_TEST_PG_URL}), each test in a schema of its own, dropped afterwards.
 */
class PostgresMessageStoreTest extends MessageStoreContract {
  static final String URL =
      System.getenv().getOrDefault("PARLEY_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String USER = System.getenv().getOrDefault("PARLEY_TEST_PG_USER", "postgres");

  final String schema = "parley_t_" + Long.toHexString(System.nanoTime());
  final List<MessageStore> extra = new ArrayList<>();

  PostgresMessageStore.Options options() {
    return PostgresMessageStore.Options.of(URL, USER, null).withSchema(schema);
  }

  @Override
  protected MessageStore openStore() {
    return PostgresMessageStore.open(options(), CommitListener.NONE);
  }

  @AfterEach
  void dropSchema() throws Exception {
    extra.forEach(MessageStore::close);
    try (Connection c = DriverManager.getConnection(URL, USER, null);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  @Test
  void twoNodesAppendingToOneConversationStayGaplessWithoutDuplicates() throws Exception {
    MessageStore nodeB = PostgresMessageStore.open(options(), CommitListener.NONE);
    extra.add(nodeB);
    List<CompletableFuture<Appended>> fs = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      // The same cid arrives on both nodes (a client that resent after moving): stored once.
      fs.add(
          store.append(new AppendRequest("shared", "u" + (i % 7), "c" + i, "text", "m" + i, 1L)));
      fs.add(
          nodeB.append(new AppendRequest("shared", "u" + (i % 7), "c" + i, "text", "m" + i, 1L)));
      fs.add(nodeB.append(new AppendRequest("other-" + (i % 5), "u", "k" + i, "text", "x", 1L)));
    }
    CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    List<StoredMessage> stored = store.readAfter("shared", 0, 2000);
    assertThat(stored)
        .extracting(StoredMessage::seq)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 500).boxed().toList());
    assertThat(new HashSet<>(stored.stream().map(StoredMessage::text).toList())).hasSize(500);
    for (int i = 0; i < 500; i++) {
      assertThat(fs.get(3 * i).join().message().seq())
          .isEqualTo(fs.get(3 * i + 1).join().message().seq());
    }
  }

  /**
   * The appends of one batch go to the server together ({@code parley_append_batch}) and come back
   * as the one-by-one path answers them: seqs in order per conversation, a duplicate of a stored
   * message and one of a message earlier in the same batch each answered with the stored message,
   * ids, statuses and meta kept, a message without cid stored.
   */
  @Test
  void theAppendsOfOneBatchAreStoredTogetherAsOneByOne() throws Exception {
    List<Integer> batches = new CopyOnWriteArrayList<>();
    JdbcMessageStore node =
        PostgresMessageStore.open(options(), (size, nanos) -> batches.add(size));
    extra.add(node);
    await(node.append(text("c1", "u1", "a", "one")));
    CountDownLatch applying = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Object> held =
        node.write(
            "",
            c -> {
              applying.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                throw new SQLException(e);
              }
              return null;
            });
    assertThat(applying.await(10, TimeUnit.SECONDS)).isTrue();
    MessageMeta meta =
        MessageMeta.citing(List.of(new MessageMeta.Source("Docs", "https://example.com/d", "s")));
    List<CompletableFuture<Appended>> fs =
        List.of(
            node.append(new AppendRequest("c2", "u1", "a", "text", "other", 5L)),
            node.append(text("c1", "u1", "b", "two")),
            node.append(text("c1", "u1", "a", "one again")),
            node.append(
                new AppendRequest(
                    "c1", "bot", null, "answer", "cited", 7L, "m_x", "stopped", meta)),
            node.append(text("c1", "u1", "b", "two again")));
    release.countDown();
    held.get(10, TimeUnit.SECONDS);
    CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

    assertThat(batches)
        .as("the first append, the holder, then the five together")
        .containsExactly(1, 1, 5);
    assertThat(
            fs.stream()
                .map(
                    f ->
                        f.join().message().conversation()
                            + "#"
                            + f.join().message().seq()
                            + (f.join().duplicate() ? " dup " : " new ")
                            + f.join().message().text()))
        .containsExactly(
            "c2#1 new other", "c1#2 new two", "c1#1 dup one", "c1#3 new cited", "c1#2 dup two");
    StoredMessage cited = fs.get(3).join().message();
    assertThat(cited.id()).isEqualTo("m_x");
    assertThat(cited.status()).isEqualTo("stopped");
    assertThat(cited.meta()).isEqualTo(meta);
    assertThat(fs.get(4).join().message().id()).isEqualTo(fs.get(1).join().message().id());
    assertThat(node.readAfter("c1", 0, 10))
        .extracting(m -> m.seq() + " " + m.text() + " " + m.status() + " " + m.meta())
        .containsExactly("1 one null null", "2 two null null", "3 cited stopped " + meta);
  }

  /**
   * {@code parley_append_batch} itself, called as the writer calls it for a run of appends, in the
   * writer's transaction: seqs continue per conversation, a cid stored before and one repeated
   * within the call are answered as duplicates, the rows come back in the requests' order.
   */
  @Test
  void theBatchFunctionAppendsInOrderAndAnswersDuplicates() throws Exception {
    PostgresMessageStore node = PostgresMessageStore.open(options(), CommitListener.NONE);
    extra.add(node);
    await(node.append(text("c1", "u1", "a", "one")));
    List<AppendRequest> run =
        List.of(
            text("c1", "u1", "b", "two"),
            text("c1", "u1", "a", "one again"),
            text("c1", "u1", "b", "two again"),
            new AppendRequest("c1", "bot", null, "answer", "no cid", 3L),
            text("c2", "u1", "a", "other"));
    List<Appended> out =
        node.write("", c -> node.appendAllInTransaction(run)).get(10, TimeUnit.SECONDS);
    assertThat(out)
        .extracting(
            a ->
                a.message().conversation()
                    + "#"
                    + a.message().seq()
                    + (a.duplicate() ? " dup " : " new ")
                    + a.message().text())
        .containsExactly(
            "c1#2 new two", "c1#1 dup one", "c1#2 dup two", "c1#3 new no cid", "c2#1 new other");
    assertThat(node.readAfter("c1", 0, 10))
        .extracting(StoredMessage::text)
        .containsExactly("one", "two", "no cid");
  }

  @Test
  void reopeningContinuesSeq() throws Exception {
    await(store.append(text("c1", "u1", "a", "one")));
    store.close();
    store = openStore();
    assertThat(await(store.append(text("c1", "u1", "b", "two"))).message().seq()).isEqualTo(2);
  }

  @Test
  void aLostWriteConnectionIsReplacedTheWriteThatFoundItFailsAndItsResendIsStoredOnce()
      throws Exception {
    await(store.append(text("c1", "u1", "a", "before")));
    endWriterBackend(); // as a restart of the server, or a failover, does to the connection

    CompletableFuture<Appended> lost = store.append(text("c1", "u1", "b", "during"));
    assertThatThrownBy(() -> lost.get(30, TimeUnit.SECONDS))
        .hasCauseInstanceOf(StoreException.class)
        .hasMessageContaining("connection was lost");
    Appended resent = await(store.append(text("c1", "u1", "b", "during")));
    Appended next = await(store.append(text("c1", "u1", "c", "after")));

    assertThat(List.of(resent.message().seq(), next.message().seq())).containsExactly(2L, 3L);
    assertThat(store.readAfter("c1", 0, 10))
        .extracting(StoredMessage::text)
        .containsExactly("before", "during", "after");
    assertThat(await(store.append(text("c1", "u1", "a", "before"))).duplicate()).isTrue();
  }

  @Test
  void everyConnectionIsNamedAndItsStatementsBoundedOnTheServer() throws Exception {
    JdbcAccess chat = JdbcAccess.onPostgres("visitor context", options());
    try {
      List<String> settings =
          chat.read(
                  c -> {
                    try (Statement s = c.createStatement();
                        ResultSet rs =
                            s.executeQuery(
                                "SELECT current_setting('statement_timeout'),"
                                    + " current_setting('application_name')")) {
                      rs.next();
                      return List.of(rs.getString(1), rs.getString(2));
                    }
                  })
              .get(30, TimeUnit.SECONDS);
      assertThat(settings).containsExactly("55s", "parley visitor-context " + schema);
      assertThat(backendNames())
          .as("the writer, the read pool and the chat store's pool")
          .containsExactlyInAnyOrder(
              "parley writer " + schema,
              "parley read " + schema,
              "parley visitor-context " + schema);
    } finally {
      chat.close();
    }
  }

  /** The names of this test's schema's backends in {@code pg_stat_activity}. */
  private List<String> backendNames() throws SQLException {
    return column(
        "SELECT DISTINCT application_name FROM pg_stat_activity"
            + " WHERE application_name LIKE 'parley % "
            + schema
            + "'");
  }

  /** Ends this test's writer backend (named by its schema) and waits until it is gone. */
  private void endWriterBackend() throws SQLException {
    assertThat(
            column(
                "SELECT pg_terminate_backend(pid, 10000)::text FROM pg_stat_activity"
                    + " WHERE application_name = 'parley writer "
                    + schema
                    + "'"))
        .as("one writer backend, ended")
        .containsExactly("true");
  }

  /** The first column of {@code sql}'s rows, as text, on a connection of the test's own. */
  private static List<String> column(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(URL, USER, null);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    }
  }
}
