package dev.parley.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
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
}
