package dev.parley.store.jdbc;

import dev.parley.chat.FileStore;
import dev.parley.chat.FileStoreContract;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;

class PostgresFileStoreTest extends FileStoreContract {
  final String schema = "parley_files_t_" + Long.toHexString(System.nanoTime());
  PostgresMessageStore messages;

  private PostgresMessageStore.Options options() {
    return PostgresMessageStore.Options.of(
            PostgresMessageStoreTest.URL, PostgresMessageStoreTest.USER, null)
        .withSchema(schema);
  }

  @Override
  protected FileStore openStore() {
    messages = PostgresMessageStore.open(options(), CommitListener.NONE);
    return PostgresFileStore.open(options());
  }

  @Override
  protected FileStore reopen() {
    store.close();
    messages.close();
    return openStore();
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
