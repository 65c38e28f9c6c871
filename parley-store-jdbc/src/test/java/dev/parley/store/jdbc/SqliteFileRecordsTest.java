package dev.parley.store.jdbc;

import dev.parley.chat.FileRecords;
import dev.parley.chat.FileRecordsContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class SqliteFileRecordsTest extends FileRecordsContract {
  @TempDir Path dir;
  SqliteMessageStore messages;

  @Override
  protected FileRecords openRecords() {
    messages = SqliteMessageStore.open(dir);
    return JdbcFileRecords.onSqlite(messages);
  }

  @AfterEach
  void closeMessages() {
    messages.close();
  }
}
