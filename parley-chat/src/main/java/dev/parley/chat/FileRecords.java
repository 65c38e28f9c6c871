package dev.parley.chat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The records of uploaded files ({@link StoredFile}), on the same database as the conversations
 * (table {@code files}, migration V20). At most one record per conversation, uploader and
 * idempotency key: that uniqueness is what makes a retried upload store nothing twice, even when
 * two tries race on two nodes.
 *
 * <p>Implementations are thread-safe and never block the caller: work completes the futures
 * elsewhere.
 */
public interface FileRecords extends AutoCloseable {
  /**
   * Stores {@code f} unless a record with its conversation, uploader and key exists; completes with
   * the record that holds (f, or the one already there).
   */
  CompletableFuture<StoredFile> insert(StoredFile f);

  /** The record of file {@code id}. */
  CompletableFuture<Optional<StoredFile>> find(String id);

  /** The record of {@code uploader}'s file with idempotency key {@code key} in a conversation. */
  CompletableFuture<Optional<StoredFile>> byKey(String conversation, String uploader, String key);

  /** Every file of a conversation, oldest first. */
  CompletableFuture<List<StoredFile>> ofConversation(String conversation);

  /**
   * Keeps the outcome of file {@code id}'s transcription ({@link StoredFile#transcribed}): its
   * transcript, or the error code; completes with the record as it now is (empty when it is gone).
   */
  CompletableFuture<Optional<StoredFile>> transcribed(String id, String transcript, String error);

  /**
   * How many files a conversation holds (what {@link #ofConversation} would list, without reading
   * the records): the per-conversation limit's count.
   */
  CompletableFuture<Integer> countOf(String conversation);

  /** Deletes the record of {@code id}; whether there was one. */
  CompletableFuture<Boolean> delete(String id);

  @Override
  default void close() {}
}
