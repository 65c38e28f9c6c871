package dev.parley.store.jdbc;

import dev.parley.chat.VisitorContextStore;
import dev.parley.chat.VisitorContextStoreContract;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;

class PostgresVisitorContextStoreTest extends VisitorContextStoreContract {
  final String schema = "parley_visitor_t_" + Long.toHexString(System.nanoTime());
  PostgresMessageStore messages;
  JdbcVisitorContextStore contexts;

  private PostgresMessageStore.Options options() {
    return PostgresMessageStore.Options.of(
            PostgresMessageStoreTest.URL, PostgresMessageStoreTest.USER, null)
        .withSchema(schema);
  }

  @Override
  protected VisitorContextStore openStore() {
    messages = PostgresMessageStore.open(options(), CommitListener.NONE);
    contexts = JdbcVisitorContextStore.onPostgres(options());
    return contexts;
  }

  @Override
  protected VisitorContextStore reopen() {
    contexts.close();
    messages.close();
    return openStore();
  }

  @AfterEach
  void dropSchema() throws Exception {
    contexts.close();
    messages.close();
    try (Connection c =
            DriverManager.getConnection(
                PostgresMessageStoreTest.URL, PostgresMessageStoreTest.USER, null);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
