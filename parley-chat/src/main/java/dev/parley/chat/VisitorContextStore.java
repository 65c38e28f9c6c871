package dev.parley.chat;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where the visitors' contexts are kept, one per chat conversation ({@link VisitorContext}), so
 * that any node shows them after a restart. Implementations: {@link InMemoryVisitorContextStore}
 * and the JDBC one on the message store's database (migration V16).
 *
 * <p>Thread-safe; never blocks the caller (futures complete on a store thread). A failed write
 * completes exceptionally and changes nothing.
 */
public interface VisitorContextStore {

  /**
   * Writes {@code c}'s page, browser and identity fields for its conversation, replacing the ones
   * stored; the pre-chat answers stored stay as they are ({@code c.prechat()} is not read).
   */
  CompletableFuture<Void> savePage(VisitorContext c);

  /**
   * Replaces the pre-chat answers of {@code conversation} (of {@code visitor} on {@code site}) with
   * {@code answers}; a conversation without a context gets one with no page fields.
   */
  CompletableFuture<Void> savePrechat(
      String conversation, String site, String visitor, Map<String, String> answers, long atMillis);

  /** The context of {@code conversation}, if any was stored. */
  CompletableFuture<Optional<VisitorContext>> of(String conversation);

  /** Deletes the context of {@code conversation} (erasure, deletion); completes with rows gone. */
  CompletableFuture<Integer> forget(String conversation);
}
