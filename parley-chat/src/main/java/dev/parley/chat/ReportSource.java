package dev.parley.chat;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What reports are computed from: the {@code ReportSource} port, read-only, on the store that holds
 * the conversations (so the figures hold across restarts and nodes). {@link ChatReport} does the
 * arithmetic.
 *
 * <p>Thread-safe; never blocks the caller (futures complete on a store thread).
 */
public interface ReportSource extends AutoCloseable {

  /**
   * The milestones of {@code site}'s conversations opened in {@code [fromMillis, toMillis)}, oldest
   * first, at most {@code limit} of them (ask for one more than you accept to tell "too many").
   */
  CompletableFuture<List<ConversationTimes>> conversations(
      String site, long fromMillis, long toMillis, int limit);

  /** The ratings {@code site} got in {@code [fromMillis, toMillis)}, at most {@code limit}. */
  CompletableFuture<List<Rated>> ratings(String site, long fromMillis, long toMillis, int limit);

  /** One rating: when, and whether it was good. */
  record Rated(long atMillis, boolean good) {}

  /**
   * A conversation's milestones (epoch ms; {@link #NEVER} for one not reached).
   *
   * @param handedOffAtMillis when it first left the bot for the queue or an agent
   * @param firstResponseAtMillis when an agent (not the visitor, the bot or the server) first wrote
   *     in it
   * @param resolvedAtMillis when it was resolved (NEVER while open)
   */
  record ConversationTimes(
      String id,
      long createdAtMillis,
      long handedOffAtMillis,
      long firstResponseAtMillis,
      long resolvedAtMillis) {
    /** A milestone not reached. */
    public static final long NEVER = 0;

    /** Whether the bot handled it alone (it never went to the queue or an agent). */
    public boolean botOnly() {
      return handedOffAtMillis == NEVER;
    }
  }

  @Override
  void close();
}
