package dev.parley.store.jdbc;

import dev.parley.chat.MailStore;
import dev.parley.chat.MailStoreContract;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;

class PostgresMailStoreTest extends MailStoreContract {
  final String schema = "parley_mail_t_" + Long.toHexString(System.nanoTime());
  PostgresMessageStore messages;

  private PostgresMessageStore.Options options() {
    return PostgresMessageStore.Options.of(
            PostgresMessageStoreTest.URL, PostgresMessageStoreTest.USER, null)
        .withSchema(schema);
  }

  @Override
  protected MailStore openStore() {
    messages = PostgresMessageStore.open(options(), CommitListener.NONE);
    return JdbcMailStore.onPostgres(options());
  }

  @Override
  protected MailStore reopen() {
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
