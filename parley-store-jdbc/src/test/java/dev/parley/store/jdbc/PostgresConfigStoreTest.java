package dev.parley.store.jdbc;

import dev.parley.chat.ConfigStore;
import dev.parley.chat.ConfigStoreContract;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;

class PostgresConfigStoreTest extends ConfigStoreContract {
  final String schema = "parley_config_t_" + Long.toHexString(System.nanoTime());
  PostgresMessageStore messages;

  @Override
  protected ConfigStore openStore() {
    PostgresMessageStore.Options o =
        PostgresMessageStore.Options.of(
                PostgresMessageStoreTest.URL, PostgresMessageStoreTest.USER, null)
            .withSchema(schema);
    messages = PostgresMessageStore.open(o, CommitListener.NONE);
    return JdbcConfigStore.onPostgres(o);
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
