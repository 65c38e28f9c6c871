package dev.parley.store.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteReportSourceTest extends ReportSourceContract {
  @TempDir Path dir;

  @Override
  void open() {
    SqliteMessageStore store = SqliteMessageStore.open(dir);
    messages = store;
    chat = JdbcChatStore.onSqlite(store);
    reports = JdbcReportSource.onSqlite(store);
  }

  @Override
  void closeDatabase() {
    messages.close();
  }
}
