package dev.parley.chat;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * The event webhooks' deliveries, stored so that a restart loses no pending one and so that in a
 * cluster one node at a time sends each (a claim is a lease). Implementations: {@link
 * InMemoryDeliveryStore}; {@code JdbcDeliveryStore} on SQLite and PostgreSQL (table {@code
 * webhook_deliveries}, migration V9). The contract suite is {@code DeliveryStoreContract}.
 *
 * <p>Guarantees: {@link #claim} hands out only pending deliveries that are due and not leased to
 * another owner, and for one (site, webhook, conversation) only the oldest pending one — so a
 * receiver sees a conversation's events in the order they were added, a failing one holding back
 * those after it until it is delivered or given up. {@link #settle} takes effect only for the owner
 * of the lease, while the delivery is pending. Futures fail with {@code StoreException} when the
 * database cannot be reached.
 *
 * <p>Thread-safe; never blocks the caller.
 */
public interface DeliveryStore extends AutoCloseable {

  /** Where a delivery stands. */
  enum Status {
    /** Not yet delivered; due at its due time. */
    PENDING,
    /** The receiver answered 2xx. */
    DELIVERED,
    /** Given up: out of attempts, or its webhook is gone or disabled. */
    FAILED;

    /** The name on the wire and in the table. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #wire()}. */
    public static Status ofWire(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  /**
   * A delivery to add.
   *
   * @param id the delivery id (the {@code X-Parley-Delivery} header), unique
   * @param site the site whose webhook it goes to
   * @param webhook the webhook's id within the site
   * @param conversation the conversation the event is about (the unit of order)
   * @param event the event's wire name
   * @param body the JSON body to post
   * @param createdAtMillis when it was made (and first due), epoch milliseconds
   */
  record NewDelivery(
      String id,
      String site,
      String webhook,
      String conversation,
      String event,
      String body,
      long createdAtMillis) {}

  /**
   * A stored delivery.
   *
   * @param seq the order it was added in (store-wide, increasing)
   * @param attempts how many times it was sent
   * @param dueAtMillis when it is next due (pending ones)
   * @param lastError the last attempt's error, or null
   * @param responseCode the last attempt's HTTP status, or null when there was no answer
   */
  record Delivery(
      long seq,
      String id,
      String site,
      String webhook,
      String conversation,
      String event,
      String body,
      Status status,
      int attempts,
      long createdAtMillis,
      long dueAtMillis,
      long updatedAtMillis,
      String lastError,
      Integer responseCode) {}

  /**
   * How an attempt went: the delivery's new status, when it is next due (if still pending), the
   * error and the response code. Counts as one more attempt.
   */
  record Attempt(
      Status status, long dueAtMillis, String lastError, Integer responseCode, long atMillis) {}

  /** Adds {@code deliveries}, pending and due at their creation, in list order. */
  CompletableFuture<Void> add(List<NewDelivery> deliveries);

  /**
   * Leases up to {@code limit} due deliveries to {@code owner} until {@code nowMillis + lease}: the
   * oldest pending one of each (site, webhook, conversation), if it is due and its lease (if any)
   * has run out. Completes with them in the order they were added.
   */
  CompletableFuture<List<Delivery>> claim(String owner, long nowMillis, Duration lease, int limit);

  /**
   * Records {@code attempt} on delivery {@code id} and ends {@code owner}'s lease. Completes with
   * false (and changes nothing) when {@code owner} no longer holds its lease or it is not pending.
   */
  CompletableFuture<Boolean> settle(String id, String owner, Attempt attempt);

  /**
   * Ends every lease {@code owner} holds (a node shutting down), so its claimed deliveries are due
   * again at once for any node. Completes with how many.
   */
  CompletableFuture<Integer> release(String owner);

  /** The newest {@code limit} deliveries of {@code site} with a seq below {@code beforeSeq}. */
  CompletableFuture<List<Delivery>> list(String site, int limit, long beforeSeq);

  /** Deletes delivered and failed deliveries last changed before {@code beforeMillis}. */
  CompletableFuture<Integer> prune(long beforeMillis);

  /**
   * Deletes every delivery of {@code conversation}, pending ones included (their bodies may hold a
   * visitor's words: the conversation's visitor was erased or the conversation deleted). Completes
   * with how many.
   */
  CompletableFuture<Integer> deleteConversation(String conversation);

  @Override
  void close();
}
