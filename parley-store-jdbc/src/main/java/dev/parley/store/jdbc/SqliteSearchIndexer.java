package dev.parley.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Keeps SQLite's search index ({@code message_search}, V21) caught up with {@code messages}, off
 * the messages' own transactions: the writer appends a message and acknowledges it without touching
 * the index; this then indexes every message after the watermark {@code
 * message_search_progress.indexed_to} in one statement and moves the watermark, in one transaction
 * (so after a crash the two still agree, and what was not indexed is indexed at the next run).
 *
 * <p>When: as {@link GroupCommitWriter.Housekeeping}, once {@link #CHUNK} indexable messages wait
 * or the oldest has waited {@link #MAX_DELAY}; and on demand before a search ({@link
 * SqliteMessageStore#searchIndexCaughtUp}), so a search sees every message acknowledged before it
 * began. Indexing many messages at once is what it saves: FTS5 writes a segment and its structure
 * record per transaction and merges segments as they pile up, so a transaction of hundreds costs
 * far less per message than one of a few (docs/BENCHMARKS.md#the-sqlite-store).
 *
 * <p>Erasure and deletion do not wait for this: the V21 triggers take an indexed message out of the
 * index in the erasing or deleting transaction, and a message not indexed yet is indexed as it is
 * by then (a tombstone is not indexed).
 *
 * <p>Not thread-safe: only the store's writer thread calls it, on the writer's connection.
 */
final class SqliteSearchIndexer implements GroupCommitWriter.Housekeeping {
  /** Indexable messages waiting that make a run due at once: about 5–10 ms of indexing. */
  static final int CHUNK = 500;

  /** How long an indexable message waits at most before a run is due (without a search). */
  static final Duration MAX_DELAY = Duration.ofMillis(250);

  private static final String WATERMARK = "SELECT indexed_to FROM message_search_progress";
  private static final String LAST = "SELECT COALESCE(MAX(rid), 0) FROM messages";
  private static final String INDEX =
      "INSERT INTO message_search (rowid, body) SELECT rid, body FROM messages "
          + "WHERE rid > ? AND rid <= ? AND kind IN ('text', 'bot') "
          + "AND substr(conversation, 1, 5) = 'chat_'";
  private static final String ADVANCE = "UPDATE message_search_progress SET indexed_to = ?";

  private final PreparedStatement watermark;
  private final PreparedStatement last;
  private final PreparedStatement index;
  private final PreparedStatement advance;
  private final long maxDelayNanos;

  /** Indexable messages appended since the last run (an upper bound: some may be rolled back). */
  private int pending;

  /** When the first of {@link #pending} was appended (System.nanoTime). */
  private long firstPendingAt;

  /**
   * On the writer's connection; the first run is due {@link #MAX_DELAY} after {@code now}, for what
   * a crash may have left unindexed.
   */
  SqliteSearchIndexer(Connection writer, long now) throws SQLException {
    this.watermark = writer.prepareStatement(WATERMARK);
    this.last = writer.prepareStatement(LAST);
    this.index = writer.prepareStatement(INDEX);
    this.advance = writer.prepareStatement(ADVANCE);
    this.maxDelayNanos = MAX_DELAY.toNanos();
    this.pending = 1;
    this.firstPendingAt = now;
  }

  /** Whether a message of {@code kind} in {@code conversation} goes into the index. */
  static boolean indexable(String conversation, String kind) {
    return conversation.startsWith("chat_") && (kind.equals("text") || kind.equals("bot"));
  }

  /** An indexable message was appended at {@code now} in the open transaction. */
  void appended(long now) {
    if (pending++ == 0) {
      firstPendingAt = now;
    }
  }

  @Override
  public long dueInNanos(long now) {
    if (pending == 0) {
      return Long.MAX_VALUE;
    }
    return pending >= CHUNK ? 0 : firstPendingAt + maxDelayNanos - now;
  }

  /** Indexes every message after the watermark and moves it, in the open transaction. */
  @Override
  public void run(Connection c) throws SQLException {
    long from = single(watermark);
    long to = single(last);
    if (to > from) {
      index.setLong(1, from);
      index.setLong(2, to);
      index.executeUpdate();
      advance.setLong(1, to);
      advance.executeUpdate();
    }
    pending = 0;
  }

  /** The run failed: the next is due {@link #MAX_DELAY} from now (not at once, over and over). */
  @Override
  public void failed() {
    pending = 1;
    firstPendingAt = System.nanoTime();
  }

  /** A transaction that may have held a run was rolled back: run again after the delay. */
  void rolledBack(long now) {
    if (pending == 0) {
      pending = 1;
      firstPendingAt = now;
    }
  }

  private static long single(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
