package dev.parley.store.jdbc;

import java.nio.file.Path;
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
}
