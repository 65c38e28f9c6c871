package dev.parley.store.jdbc;

import dev.parley.chat.ChatStore;
import dev.parley.chat.ChatStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class SqliteChatStoreTest extends ChatStoreContract {
  @TempDir Path dir;
  SqliteMessageStore messages;

  @Override
  protected ChatStore openStore() {
    messages = SqliteMessageStore.open(dir);
    return JdbcChatStore.onSqlite(messages);
  }

  @AfterEach
  void closeMessages() {
    messages.close();
  }
}
