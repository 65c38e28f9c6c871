package dev.parley.store.jdbc;

import dev.parley.chat.VisitorContextStore;
import dev.parley.chat.VisitorContextStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class SqliteVisitorContextStoreTest extends VisitorContextStoreContract {
  @TempDir Path dir;
  SqliteMessageStore messages;
  JdbcVisitorContextStore contexts;

  @Override
  protected VisitorContextStore openStore() {
    messages = SqliteMessageStore.open(dir);
    contexts = JdbcVisitorContextStore.onSqlite(messages);
    return contexts;
  }

  @Override
  protected VisitorContextStore reopen() {
    contexts.close();
    messages.close();
    return openStore();
  }

  @AfterEach
  void closeAll() {
    contexts.close();
    messages.close();
  }
}
