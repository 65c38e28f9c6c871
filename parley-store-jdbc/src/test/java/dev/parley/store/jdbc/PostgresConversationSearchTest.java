package dev.parley.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

class PostgresConversationSearchTest extends ConversationSearchContract {
  final String schema = "parley_search_t_" + Long.toHexString(System.nanoTime());

  @Override
  void open() {
    PostgresMessageStore.Options o =
        PostgresMessageStore.Options.of(
                PostgresMessageStoreTest.URL, PostgresMessageStoreTest.USER, null)
            .withSchema(schema);
    messages = PostgresMessageStore.open(o, CommitListener.NONE);
    chat = JdbcChatStore.onPostgres(o);
    search = JdbcConversationSearch.onPostgres(o);
  }

  @Override
  void closeDatabase() throws Exception {
    messages.close();
    try (Connection c =
            DriverManager.getConnection(
                PostgresMessageStoreTest.URL, PostgresMessageStoreTest.USER, null);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
