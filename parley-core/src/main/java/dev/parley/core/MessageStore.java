package dev.parley.core;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Durable storage of messages and receipts: the {@code MessageStore} port.
 *
 * <h2>Guarantees every implementation gives (held by {@code MessageStoreContract})</h2>
 *
 * <ul>
 *   <li>{@link #append} completes only after the message is durable, with a {@code seq} that is
 *       exactly one more than the conversation's previous message: gapless and increasing from 1.
 *   <li>At most one message per (conversation, sender, cid): appending a cid again completes with
 *       the stored message and {@code duplicate = true}, writing nothing.
 *   <li>{@link #findByCid} finds the message an append of that (conversation, sender, cid) stored,
 *       and nothing once it is erased or its conversation deleted: exactly what appending the cid
 *       again would answer as the duplicate.
 *   <li>A read that starts after an append completed sees that append.
 *   <li>Receipts are cumulative: a receipt never lowers the stored position.
 *   <li>{@link #eraseSender} keeps every seq: each erased message stays as a tombstone (see {@link
 *       StoredMessage#tombstone}), so a conversation has no gap for its other participants.
 *   <li>The continuations of {@link #append(AppendRequest, Function)} made through one store run in
 *       each conversation's seq order for the messages they stored, whichever threads appended (a
 *       duplicate's, answered with its stored seq, runs when the resend is answered).
 * </ul>
 *
 * <h2>Failure</h2>
 *
 * A write that cannot be made durable completes exceptionally with {@link StoreException} (stages
 * chained to it see it wrapped in a {@link java.util.concurrent.CompletionException}); nothing of
 * it is visible. A continuation that throws, or whose stage fails, fails the future {@link
 * #append(AppendRequest, Function)} returned; the write stands. Reads throw {@link StoreException}.
 *
 * <h2>Threads</h2>
 *
 * {@link #append} and {@link #saveReceipt} never block the caller and may be called from any
 * thread, event loops included; the store completes its writes on a store thread (the caller's, in
 * memory), and runs an append's continuation there; the future of {@link #append(AppendRequest,
 * Function)} completes where the continuation's stage does. The read methods block: call them from
 * a store-read thread ({@link #readExecutor()}), never from an event loop.
 */
public interface MessageStore extends AutoCloseable {

  /** Stores a message (or finds the one with the same cid). Never blocks. */
  default CompletableFuture<Appended> append(AppendRequest request) {
    return append(request, CompletableFuture::completedFuture);
  }

  /**
   * Stores a message (or finds the one with the same cid), then runs {@code then} with the outcome
   * where the write completes, before any later write of the conversation through this store
   * completes (another node's, on a shared database, may complete first); the returned future
   * completes with what {@code then}'s stage does. Never blocks.
   *
   * <p>So what {@code then} starts follows the conversation's seq order whichever threads appended:
   * {@link Node#append} publishes here. Chained to {@link #append(AppendRequest)}'s future instead,
   * it could run late, on the caller's thread, when the write completed before the caller chained
   * it (and a later seq's publish had gone first: subscribers then see a gap and read it from the
   * store). An implementation attaches {@code then} before the write can complete. {@code then}
   * must not block (it may run on the store's writer thread, or under its lock); it is not run if
   * the write fails, which fails the returned future.
   */
  <T> CompletableFuture<T> append(
      AppendRequest request, Function<? super Appended, ? extends CompletionStage<T>> then);

  /**
   * Raises {@code user}'s {@code kind} receipt in {@code conversation} to {@code seq}. Completes
   * with true if the stored position moved, false if it was already at or past {@code seq}.
   */
  CompletableFuture<Boolean> saveReceipt(String conversation, String user, String kind, long seq);

  /** Messages with seq greater than {@code afterSeq}, ascending, at most {@code limit}. Blocks. */
  List<StoredMessage> readAfter(String conversation, long afterSeq, int limit);

  /**
   * The newest {@code limit} messages with seq below {@code beforeSeq}, returned in ascending
   * order. Blocks.
   */
  List<StoredMessage> readBefore(String conversation, long beforeSeq, int limit);

  /**
   * The message {@code sender} stored in {@code conversation} with {@code cid}, empty if none is
   * (the one an {@link #append} of that cid would answer as the duplicate). Blocks.
   */
  Optional<StoredMessage> findByCid(String conversation, String sender, String cid);

  /** The highest stored seq of a conversation, 0 when it has none. Blocks. */
  long lastSeq(String conversation);

  /** Every participant's receipts in a conversation. Blocks. */
  List<ReceiptState> receipts(String conversation);

  /**
   * Erases everything {@code sender} wrote in {@code conversation}: each of its messages becomes a
   * tombstone at the same seq ({@link StoredMessage#tombstone}: no text, no cid, sender {@link
   * StoredMessage#ERASED}), and its receipts are removed. Ordered with the conversation's appends;
   * completes with how many messages were erased (0 when run again). Never blocks.
   */
  CompletableFuture<Integer> eraseSender(String conversation, String sender);

  /**
   * Deletes every message and receipt of {@code conversation}; completes with how many messages
   * went. Its seq starts again from 1 if it is ever written to again. Never blocks.
   */
  CompletableFuture<Integer> deleteConversation(String conversation);

  /** Threads on which the blocking reads may run. */
  Executor readExecutor();

  /** Whether the store answers a trivial query now. Blocks briefly. */
  boolean isHealthy();

  /** Stops accepting writes, finishes the queued ones, and releases resources. */
  @Override
  void close();
}
