package dev.parley.store.jdbc;

import dev.parley.chat.KnowledgeStore;
import dev.parley.chat.KnowledgeStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class SqliteKnowledgeStoreTest extends KnowledgeStoreContract {
  @TempDir Path dir;
  SqliteMessageStore messages;

  @Override
  protected KnowledgeStore openStore() {
    messages = SqliteMessageStore.open(dir);
    return JdbcKnowledgeStore.onSqlite(messages);
  }

  @AfterEach
  void closeMessages() {
    messages.close();
  }
}
