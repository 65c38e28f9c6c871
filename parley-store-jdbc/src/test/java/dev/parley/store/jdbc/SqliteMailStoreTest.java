package dev.parley.store.jdbc;

import dev.parley.chat.MailStore;
import dev.parley.chat.MailStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class SqliteMailStoreTest extends MailStoreContract {
  @TempDir Path dir;
  SqliteMessageStore messages;

  @Override
  protected MailStore openStore() {
    messages = SqliteMessageStore.open(dir);
    return JdbcMailStore.onSqlite(messages);
  }

  @Override
  protected MailStore reopen() {
    messages.close();
    return openStore();
  }

  @AfterEach
  void closeMessages() {
    messages.close();
  }
}
