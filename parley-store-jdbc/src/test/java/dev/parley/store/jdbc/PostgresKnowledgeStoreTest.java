package dev.parley.store.jdbc;

import dev.parley.chat.KnowledgeStore;
import dev.parley.chat.KnowledgeStoreContract;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;

class PostgresKnowledgeStoreTest extends KnowledgeStoreContract {
  final String schema = "parley_knowledge_t_" + Long.toHexString(System.nanoTime());
  PostgresMessageStore messages;

  @Override
  protected KnowledgeStore openStore() {
    PostgresMessageStore.Options o =
        PostgresMessageStore.Options.of(
                PostgresMessageStoreTest.URL, PostgresMessageStoreTest.USER, null)
            .withSchema(schema);
    messages = PostgresMessageStore.open(o, CommitListener.NONE);
    return JdbcKnowledgeStore.onPostgres(o);
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
