package dev.parley.chat;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where uploaded files' bytes live, by id: the port behind which a node keeps them ({@code
 * FilesystemFileStore} under the data directory for one node, a PostgreSQL table for a cluster, so
 * every node serves every file). What a file is (its site, conversation, name, type) is kept apart,
 * by {@link FileRecords}.
 *
 * <p>Ids are the server's, never a user's: {@link #ID} (letters, digits, {@code _} and {@code -},
 * at most 64), checked by every method, so an id can never name a path outside the store.
 *
 * <p>Implementations are thread-safe and <b>block</b>: call them off event loops (the chat layer's
 * {@link ConversationFiles} does, on virtual threads). A failure of the medium throws an unchecked
 * exception.
 */
public interface FileStore extends AutoCloseable {
  /** What an id looks like. */
  Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /**
   * Stores {@code bytes} under the new id {@code id}; returns once they are durable (a crash after
   * the return keeps them) and complete: a reader never sees part of them.
   *
   * @throws IllegalStateException when {@code id} already holds bytes
   */
  void put(String id, byte[] bytes);

  /**
   * At most {@code length} bytes of {@code id} from {@code offset} (fewer at its end, none past
   * it); empty when there is no such id.
   */
  Optional<byte[]> read(String id, long offset, int length);

  /** Deletes {@code id}'s bytes; whether there were any. Idempotent. */
  boolean delete(String id);

  @Override
  default void close() {}

  /** Checks an id ({@link #ID}). */
  static String checkedId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("not a file id: " + id);
    }
    return id;
  }
}
