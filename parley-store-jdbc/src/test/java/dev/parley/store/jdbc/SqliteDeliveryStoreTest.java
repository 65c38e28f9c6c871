package dev.parley.store.jdbc;

import dev.parley.chat.DeliveryStore;
import dev.parley.chat.DeliveryStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class SqliteDeliveryStoreTest extends DeliveryStoreContract {
  @TempDir Path dir;
  SqliteMessageStore messages;

  @Override
  protected DeliveryStore openStore() {
    messages = SqliteMessageStore.open(dir);
    return JdbcDeliveryStore.onSqlite(messages);
  }

  @Override
  protected DeliveryStore reopen() {
    messages.close();
    return openStore();
  }

  @AfterEach
  void closeMessages() {
    messages.close();
  }
}
