package dev.parley.chat;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Away mail's durable part: the email address a visitor left for a conversation, and the mail
 * outbox — one row per mail, stored before it is sent so a restart loses none, claimed with a lease
 * so in a cluster one node sends each (modelled on {@link DeliveryStore}). Implementations: {@link
 * InMemoryMailStore}; {@code JdbcMailStore} on SQLite and PostgreSQL (tables {@code mail_contacts}
 * and {@code mail_outbox}, migration V12).
 *
 * <p>Guarantees: {@link #claim} hands out only pending mails that are due and not leased to another
 * owner; {@link #settle} takes effect only for the owner of the lease, while the mail is pending;
 * {@link #queue} with a batch appends to the conversation's pending reply mail that was not yet
 * tried instead of adding one. Futures fail with {@code StoreException} when the database cannot be
 * reached.
 *
 * <p>Thread-safe; never blocks the caller.
 */
public interface MailStore extends AutoCloseable {

  /** Where a mail stands. */
  enum Status {
    /** Not yet sent; due at its due time. */
    PENDING,
    /** The SMTP server took it. */
    SENT,
    /** Given up: out of attempts, refused for good, or over the site's hourly cap. */
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

  /** What a mail is. */
  enum Kind {
    /** Agents' replies while the visitor was away (several within the batch window in one). */
    REPLY,
    /** The conversation's transcript, asked for by the visitor. */
    TRANSCRIPT;

    /** The name in the table and the admin API. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #wire()}. */
    public static Kind ofWire(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  /**
   * A mail to queue.
   *
   * @param id unique id (the Message-ID's local part)
   * @param to the recipient's address
   * @param subject the subject line
   * @param text the plain-text body (the HTML part is made from it when sent)
   * @param createdAtMillis when it was made, epoch ms
   * @param dueAtMillis when it is first due (later than made for a reply batch)
   * @param refused why it is stored failed at once and never sent (over a limit), or null
   */
  record NewMail(
      String id,
      String site,
      String conversation,
      Kind kind,
      String to,
      String subject,
      String text,
      long createdAtMillis,
      long dueAtMillis,
      String refused) {}

  /**
   * A stored mail.
   *
   * @param seq the order it was added in (store-wide, increasing)
   * @param attempts how many times it was tried
   * @param lastError the last attempt's error, or null
   */
  record Mail(
      long seq,
      String id,
      String site,
      String conversation,
      Kind kind,
      String to,
      String subject,
      String text,
      Status status,
      int attempts,
      long createdAtMillis,
      long dueAtMillis,
      long updatedAtMillis,
      String lastError) {}

  /** How an attempt went: one more attempt, the new status, the next due time, the error. */
  record Attempt(Status status, long dueAtMillis, String lastError, long atMillis) {}

  /** Keeps {@code email} as the address of conversation {@code conversation}, replacing one. */
  CompletableFuture<Void> setContact(String conversation, String site, String email, long atMillis);

  /** The address left for {@code conversation}, if any. */
  CompletableFuture<Optional<String>> contactOf(String conversation);

  /**
   * Forgets everything about {@code conversation}: its address and its mails, sent or not (data
   * protection: an erased visitor or a deleted conversation). Completes with the mails deleted.
   */
  CompletableFuture<Integer> forget(String conversation);

  /**
   * Adds {@code mail}, pending and due at its due time (or failed with its {@code refused} reason);
   * with a {@code batchText}, a pending {@link Kind#REPLY} mail of the same conversation that was
   * never tried nor claimed gets {@code batchText} appended (after a blank line) instead, and keeps
   * its id and due time. Completes with true when a new mail was added.
   */
  CompletableFuture<Boolean> queue(NewMail mail, String batchText);

  /**
   * How many mails were added since {@code sinceMillis} for {@code site} — of {@code conversation}
   * and {@code kind} when those are not null.
   */
  CompletableFuture<Integer> count(String site, String conversation, Kind kind, long sinceMillis);

  /**
   * Leases up to {@code limit} due pending mails to {@code owner} until {@code nowMillis + lease}
   * (those unleased or whose lease ran out), oldest first.
   */
  CompletableFuture<List<Mail>> claim(String owner, long nowMillis, Duration lease, int limit);

  /**
   * Records {@code attempt} on mail {@code id} and ends {@code owner}'s lease. Completes with false
   * (changing nothing) when {@code owner} no longer holds its lease or it is not pending.
   */
  CompletableFuture<Boolean> settle(String id, String owner, Attempt attempt);

  /** Ends every lease {@code owner} holds (a node shutting down). Completes with how many. */
  CompletableFuture<Integer> release(String owner);

  /** The newest {@code limit} mails of {@code site} with a seq below {@code beforeSeq}. */
  CompletableFuture<List<Mail>> list(String site, int limit, long beforeSeq);

  /** Deletes sent and failed mails last changed before {@code beforeMillis}. */
  CompletableFuture<Integer> prune(long beforeMillis);

  @Override
  void close();
}
