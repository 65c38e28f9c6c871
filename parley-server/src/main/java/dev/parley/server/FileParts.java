package dev.parley.server;

import dev.parley.chat.AttachmentReader;
import dev.parley.chat.FileRecords;
import dev.parley.chat.FileStore;
import dev.parley.chat.FilesystemFileStore;
import dev.parley.core.MessageStore;
import dev.parley.store.jdbc.JdbcFileRecords;
import dev.parley.store.jdbc.PostgresFileStore;
import dev.parley.store.jdbc.PostgresMessageStore;
import dev.parley.store.jdbc.SqliteMessageStore;
import java.util.function.Supplier;

/**
 * Where a node keeps uploaded files, chosen by its store: with SQLite (one node), the bytes are
 * files under {@code <data-dir>/files} and the records are in the SQLite file; with PostgreSQL (a
 * cluster), both are in PostgreSQL, so every node serves every file with no shared disk ({@code
 * docs/OPERATIONS.md#uploads}). Stateless.
 */
final class FileParts {
  private FileParts() {}

  /**
   * A node's files, opened: the chat layer's (which closes them), read by the LLM bot through
   * {@link #reader}.
   */
  record Opened(FileStore bytes, FileRecords records) {
    /** What the bots read attached files through. */
    AttachmentReader reader() {
      return AttachmentReader.over(bytes, records);
    }
  }

  /** The bytes and records beside {@code store}. */
  static Opened open(
      StorageConfig storage, MessageStore store, Supplier<PostgresMessageStore.Options> postgres) {
    return new Opened(bytes(storage, store, postgres), records(store, postgres));
  }

  /** The store of files' bytes beside {@code store}. */
  static FileStore bytes(
      StorageConfig storage, MessageStore store, Supplier<PostgresMessageStore.Options> postgres) {
    return store instanceof SqliteMessageStore
        ? new FilesystemFileStore(storage.dataDir().resolve("files"))
        : PostgresFileStore.open(postgres.get());
  }

  /** The files' records beside {@code store}: the same SQLite file, or the same PostgreSQL. */
  static FileRecords records(MessageStore store, Supplier<PostgresMessageStore.Options> postgres) {
    return store instanceof SqliteMessageStore sq
        ? JdbcFileRecords.onSqlite(sq)
        : JdbcFileRecords.onPostgres(postgres.get());
  }
}
