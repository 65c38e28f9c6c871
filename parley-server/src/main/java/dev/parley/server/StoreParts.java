package dev.parley.server;

import dev.parley.core.MessageStore;
import dev.parley.store.jdbc.CommitListener;
import dev.parley.store.jdbc.PostgresMessageStore;
import dev.parley.store.jdbc.SqliteMessageStore;
import java.util.function.Function;

/**
 * The node's message store and every other store beside it: SQLite shares the message store's file
 * and writer, PostgreSQL opens its own connections to the same database ({@code --store}).
 */
final class StoreParts {
  private StoreParts() {}

  /** Opens the message store {@code c} names. */
  static MessageStore open(StorageConfig c, CommitListener commits) {
    if (c.store().equals("postgres")) {
      return PostgresMessageStore.open(postgres(c), commits);
    }
    return SqliteMessageStore.open(
        c.dataDir(),
        new SqliteMessageStore.Options(
            c.fsync(), 512, 100_000, 4, c.storeCommitDelay(), c.storeMaxQueueDelay()),
        commits);
  }

  /** The PostgreSQL connection settings of {@code c}. */
  static PostgresMessageStore.Options postgres(StorageConfig c) {
    return PostgresMessageStore.Options.of(c.postgresUrl(), c.postgresUser(), c.postgresPassword())
        .withSchema(c.postgresSchema())
        .withCommitDelay(c.storeCommitDelay())
        .withMaxQueueDelay(c.storeMaxQueueDelay());
  }

  /**
   * A store beside {@code messages}: on its SQLite file, or on the PostgreSQL database {@code c}
   * names.
   */
  static <T> T beside(
      MessageStore messages,
      StorageConfig c,
      Function<SqliteMessageStore, T> sqlite,
      Function<PostgresMessageStore.Options, T> postgres) {
    return messages instanceof SqliteMessageStore sq
        ? sqlite.apply(sq)
        : postgres.apply(postgres(c));
  }
}
