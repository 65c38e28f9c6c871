package dev.parley.store.jdbc;

import dev.parley.chat.ConfigStore;
import dev.parley.chat.ConfigStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class SqliteConfigStoreTest extends ConfigStoreContract {
  @TempDir Path dir;
  SqliteMessageStore messages;

  @Override
  protected ConfigStore openStore() {
    messages = SqliteMessageStore.open(dir);
    return JdbcConfigStore.onSqlite(messages);
  }

  @AfterEach
  void closeMessages() {
    messages.close();
  }
}
