package dev.parley.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.AppendRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteConversationSearchTest extends ConversationSearchContract {
  @TempDir Path dir;

  @Override
  void open() {
    SqliteMessageStore store = SqliteMessageStore.open(dir);
    messages = store;
    chat = JdbcChatStore.onSqlite(store);
    search = JdbcConversationSearch.onSqlite(store);
  }

  @Override
  void closeDatabase() {
    messages.close();
  }

  @Test
  void upgradingToV15IndexesTheMessagesStoredBefore() throws Exception {
    Path old = dir.resolve("old");
    Files.createDirectories(old);
    String url = "jdbc:sqlite:" + old.resolve("parley.db");
    Flyway.configure()
        .dataSource(url, null, null)
        .locations("classpath:db/migration/sqlite")
        .target("14")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO chat_conversations (id, site, visitor, status, created_at, updated_at) "
              + "VALUES ('chat_old', 'demo', 'v', 'bot', 1, 1)");
      s.execute(
          "INSERT INTO messages (conversation, seq, id, sender, kind, body, created_at) VALUES "
              + "('chat_old', 1, 'm1', 'v', 'text', 'an old parcel', 10), "
              + "('chat_old', 2, 'm2', 'system', 'system', 'parcel queued', 20), "
              + "('chat_old:notes', 1, 'm3', 'ana', 'text', 'parcel note', 30), "
              + "('room-1', 1, 'm4', 'u', 'text', 'parcel elsewhere', 40)");
    }
    SqliteMessageStore store = SqliteMessageStore.open(old);
    try (JdbcConversationSearch upgraded = JdbcConversationSearch.onSqlite(store)) {
      List<String> found =
          get(upgraded.search(query("parcel"))).stream()
              .map(h -> h.conversation() + (h.note() ? ":notes#" : "#") + h.seq())
              .toList();
      assertThat(found).containsExactly("chat_old:notes#1", "chat_old#1");
    } finally {
      store.close();
    }
  }

  @Test
  void upgradingFromV20KeepsEveryMessageItsSeqAndCidAndIndexesItsWords() throws Exception {
    Path old = dir.resolve("v20");
    Files.createDirectories(old);
    String url = "jdbc:sqlite:" + old.resolve("parley.db");
    Flyway.configure()
        .dataSource(url, null, null)
        .locations("classpath:db/migration/sqlite")
        .target("20")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO chat_conversations (id, site, visitor, status, created_at, updated_at) "
              + "VALUES ('chat_old', 'demo', 'v', 'bot', 1, 1)");
      s.execute(
          "INSERT INTO messages (conversation, seq, id, sender, cid, kind, body, created_at, "
              + "status, meta) VALUES "
              + "('chat_old', 2, 'm2', 'bot', NULL, 'bot', 'a parcel answer', 20, 'stopped', "
              + "'{\"sources\":[]}'), "
              + "('chat_old', 1, 'm1', 'v', 'c1', 'text', 'my old parcel', 10, NULL, NULL), "
              + "('chat_old', 3, 'm3', 'erased', NULL, 'erased', '', 30, NULL, NULL), "
              + "('room-1', 1, 'm4', 'u', 'c1', 'text', 'parcel elsewhere', 5, NULL, NULL)");
    }
    SqliteMessageStore store = SqliteMessageStore.open(old);
    try (JdbcConversationSearch upgraded = JdbcConversationSearch.onSqlite(store)) {
      assertThat(store.readAfter("chat_old", 0, 10))
          .extracting(m -> m.seq() + " " + m.id() + " " + m.kind() + " " + m.text())
          .containsExactly("1 m1 text my old parcel", "2 m2 bot a parcel answer", "3 m3 erased ");
      assertThat(store.readAfter("chat_old", 1, 1).get(0).status()).isEqualTo("stopped");
      assertThat(store.lastSeq("room-1")).isEqualTo(1);
      var resent = get(store.append(new AppendRequest("chat_old", "v", "c1", "text", "x", 40)));
      assertThat(resent.duplicate()).isTrue();
      assertThat(resent.message().seq()).isEqualTo(1);
      var next = get(store.append(new AppendRequest("chat_old", "v", "c2", "text", "parcel", 50)));
      assertThat(next.message().seq()).isEqualTo(4);
      assertThat(
              get(upgraded.search(query("parcel"))).stream()
                  .map(h -> h.conversation() + "#" + h.seq())
                  .toList())
          .containsExactly("chat_old#4", "chat_old#2", "chat_old#1");
    } finally {
      store.close();
    }
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master "
                    + "WHERE tbl_name = 'messages' AND type = 'index' ORDER BY name)")) {
      rs.next();
      assertThat(rs.getString(1))
          .as("no index on the random ids")
          .isEqualTo("messages_by_cid messages_by_seq");
    }
  }

  @Test
  void aMessageErasedBeforeItIsIndexedIsNeverFound() throws Exception {
    twoConversations();
    say("chat_1", "v1", "text", "my secret zebra", 1_500);
    assertThat(get(messages.eraseSender("chat_1", "v1"))).isEqualTo(2);
    assertThat(found("zebra")).isEmpty();
    assertThat(found("parcel")).containsExactly("chat_2#1");
  }

  @Test
  void messagesLeftUnindexedByACrashAreIndexedAfterReopeningWithoutASearch() throws Exception {
    twoConversations();
    assertThat(found("parcel")).hasSize(2);
    search.close();
    chat.close();
    messages.close();
    String url = "jdbc:sqlite:" + dir.resolve("parley.db");
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      // As if the process died after the messages' commits and before the indexer's.
      s.execute("DELETE FROM message_search");
      s.execute("UPDATE message_search_progress SET indexed_to = 0");
    }
    open();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> indexedTo(url) == 5);
    assertThat(found("parcel")).containsExactly("chat_2#1", "chat_1#2");
  }

  static long indexedTo(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT indexed_to FROM message_search_progress")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
