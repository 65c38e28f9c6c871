package dev.parley.chat;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Full-text search over the messages of chat conversations and their internal notes: the {@code
 * ConversationSearch} port, read-only, on the store that holds the messages. Its index follows the
 * messages in the same transaction as each write (docs/ARCHITECTURE.md#search), so an erased
 * message (a tombstone) or a deleted conversation is never found again.
 *
 * <p>What matches: every word of {@link SearchQuery#text()} must begin a word of the message,
 * ignoring case; the query is never parsed as a query language, so quotes, operators and
 * punctuation are words or separators, never syntax. The text and bot messages of a conversation
 * are searched, and the notes of its companion stream {@code chat_…:notes}; system messages and
 * tombstones are not. Hits are the newest first: by message time, then conversation id, then seq,
 * all descending.
 *
 * <p>Thread-safe; never blocks the caller (futures complete on a store thread).
 */
public interface ConversationSearch extends AutoCloseable {

  /** The hits of {@code q}, at most {@link SearchQuery#limit()} of them. */
  CompletableFuture<List<SearchHit>> search(SearchQuery q);

  @Override
  void close();
}
