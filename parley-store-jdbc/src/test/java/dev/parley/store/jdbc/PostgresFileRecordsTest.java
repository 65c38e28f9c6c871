package dev.parley.store.jdbc;

import dev.parley.chat.FileRecords;
import dev.parley.chat.FileRecordsContract;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;

class PostgresFileRecordsTest extends FileRecordsContract {
  final String schema = "parley_filerec_t_" + Long.toHexString(System.nanoTime());
  PostgresMessageStore messages;

  private PostgresMessageStore.Options options() {
    return PostgresMessageStore.Options.of(
            PostgresMessageStoreTest.URL, PostgresMessageStoreTest.USER, null)
        .withSchema(schema);
  }

  @Override
  protected FileRecords openRecords() {
    messages = PostgresMessageStore.open(options(), CommitListener.NONE);
    return JdbcFileRecords.onPostgres(options());
  }

  @AfterEach
  void dropSchema() throws Exception {
    messages.close();
    try (Connection c =
            DriverManager.getConnection(
                PostgresMessageStoreTest.URL, PostgresMessageStoreTest.USER, null);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
