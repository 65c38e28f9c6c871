package dev.parley.store.jdbc;

import dev.parley.core.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: a single writer thread takes every queued write, runs as many as are waiting (up to
 * {@code maxBatch}) in one transaction, commits once, and only then completes their futures.
 *
 * <p>No latency is added when the load is light: the thread blocks on the queue and starts a
 * transaction as soon as one write arrives; under load, writes queue up while the previous commit
 * runs and ride the next one together. In a steady stream (a write arrives within {@code
 * commitDelay} of the previous commit) the writer waits up to {@code commitDelay} for company
 * before it starts the transaction, like PostgreSQL's {@code commit_delay}: a commit's fixed cost
 * (the WAL write and its system calls, here most of a commit) is then shared by several writes
 * instead of paid by each. Measured on SQLite at 5,000 writes/s: without the delay four commits in
 * five held one write (docs/BENCHMARKS.md).
 *
 * <p>A batch that fails is rolled back and its writes are retried one transaction each, so one bad
 * write cannot fail its neighbours; a lone write that met a unique violation is tried once more (on
 * a shared database, what another node committed meanwhile is then visible to it).
 *
 * <p><b>Runs of one kind.</b> Writes next to each other in a sorted batch that name the same {@link
 * Run} are applied by it together, in one statement; any other write alone. Where every statement
 * is a round trip (PostgreSQL), a batch of 500 appends then costs one round trip instead of 500:
 * the writer thread otherwise spent most of a batch waiting for the server, one message at a time
 * (docs/BENCHMARKS.md, "PostgreSQL: one round trip per batch"). A batch that fails is still retried
 * write by write, each by its own {@link Op#apply}.
 *
 * <p><b>Completions.</b> What is chained to a write's future runs where the future completes: for a
 * message, its event's encoding, the broker's publish and the hand-off to the subscribers' loops,
 * about half of the writer thread's time under load. With {@code completeApart} a second thread
 * ({@code parley-store-completer}) completes each committed batch, in commit order and each batch's
 * writes in their order (so each conversation's publications keep seq order), while the writer
 * already runs the next batch: where the writer otherwise waits for a server (PostgreSQL), the
 * server then works while the batch before is published ({@link BatchCompleter}). At most two
 * batches wait for the completer; beyond, the writer waits for it, so besides what its queue's
 * admission sees, at most about four batches are committed and not yet acknowledged (two waiting,
 * one being completed, one the writer holds). On SQLite, where the writer is busy rather than
 * waiting, a similar hop (publish threads chosen by the conversation's hash) was measured slower
 * (docs/BENCHMARKS.md, "Tried and not kept"), so there it is off.
 *
 * <p><b>Admission.</b> A write is refused at once, never queued, while the oldest queued write has
 * waited longer than {@code maxQueueDelay}: the store is then taking writes faster than it commits
 * them, and a longer queue would only make every write later (the behaviour measured on PostgreSQL
 * at 10,000 offered writes/s before this rule: a backlog of tens of seconds, and a node that served
 * nothing else until it had worked through it). The caller tells its client to send again ({@code
 * store_unavailable}, retryable; the client's resend is deduplicated by its cid), so under overload
 * the queue holds about {@code maxQueueDelay} of work and accepted writes still commit within about
 * that time. The age of the head is the signal, not the queue's length, because the rate a store
 * commits at varies by ten times between SQLite and PostgreSQL and with the batch size; the length
 * bound {@code maxQueued} stays as the backstop for memory.
 *
 * <p><b>A lost connection.</b> When a batch fails and the connection is lost ({@link
 * WriteConnection#lost}: a database server restarted or failed over, a connection cut), the writer
 * fails the batch's writes rather than retrying them (whether a commit whose answer was lost took
 * effect is unknown, and the callers' resends are deduplicated by their cids) and opens another.
 * While none can be opened, the next batch tries again and, failing, fails its writes at once and
 * waits a second; the queue's admission refuses what waits longer meanwhile. An idle writer
 * reconnects when the next write comes. Closing, it fails what is left without trying.
 *
 * <p><b>Housekeeping.</b> Work of the store's own that need not delay any acknowledgement (catching
 * up the search index: {@link SqliteSearchIndexer}) runs on this thread in a transaction of its own
 * when it says it is due: right after a batch has been committed and its futures completed (handed
 * to the completer, when there is one), or when the queue has been idle until then (the thread's
 * wait for the next write ends when the housekeeping falls due). A failed run is rolled back and
 * logged, and told so it can wait before the next.
 *
 * <p>Thread-safe: {@link #submit} may be called from any thread and never blocks. The JDBC
 * connection (and the one that replaces it) is touched only by the writer thread; the completer
 * thread, when there is one, only completes writes the writer handed it.
 */
final class GroupCommitWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

  /** SQLSTATE of a unique constraint violation (SQL standard class 23; PostgreSQL's code). */
  private static final String UNIQUE_VIOLATION = "23505";

  /** One write in a batch. Apply runs on the writer thread inside the open transaction. */
  interface Op {
    /**
     * Batches run their writes sorted by this key (stably: same-key writes keep their queue order),
     * so two nodes' batches lock rows in the same order and cannot deadlock each other.
     */
    default String orderKey() {
      return "";
    }

    void apply(Connection c) throws SQLException;

    /**
     * The writes this one can run together with in one statement (see Runs of one kind above), or
     * null: then it runs alone, by {@link #apply}.
     */
    default Run run() {
      return null;
    }

    /** After commit: complete the caller's future. */
    void committed();

    /** The write did not happen. */
    void failed(Throwable t);
  }

  /** Writes of one kind that run together in one statement (see Runs of one kind above). */
  interface Run {
    /**
     * Applies {@code ops} (two or more, each of whose {@link Op#run()} is this) in the open
     * transaction, in their order, as {@link Op#apply} would one by one.
     */
    void applyAll(Connection c, List<Op> ops) throws SQLException;
  }

  /** Work of the store's own, run between batches when due (see Housekeeping above). */
  interface Housekeeping {
    /** None. */
    Housekeeping NONE =
        new Housekeeping() {
          @Override
          public long dueInNanos(long now) {
            return Long.MAX_VALUE;
          }

          @Override
          public void run(Connection c) {}

          @Override
          public void failed() {}
        };

    /** Nanoseconds until it is due at {@code now} (0 or less: due); writer thread. */
    long dueInNanos(long now);

    /** Does it in the writer's open transaction, committed after it returns; writer thread. */
    void run(Connection c) throws SQLException;

    /** The run failed and was rolled back; writer thread. */
    void failed();
  }

  /** The longest wait for a write while nothing is queued (then the loop checks for closing). */
  private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /**
   * How the writer queues and batches.
   *
   * @param maxQueued writes queued at most (beyond: refused)
   * @param maxBatch writes in one transaction at most
   * @param commitDelayNanos how long a steady stream's commit waits for company (0: never)
   * @param maxQueueDelayNanos the oldest queued write's age beyond which new writes are refused (0:
   *     no bound but {@code maxQueued})
   * @param completeApart whether a thread of its own completes the committed writes (see
   *     Completions above)
   */
  record Limits(
      int maxQueued,
      int maxBatch,
      long commitDelayNanos,
      long maxQueueDelayNanos,
      boolean completeApart) {
    /** Writes completed on the writer thread (see Completions above). */
    Limits(int maxQueued, int maxBatch, long commitDelayNanos, long maxQueueDelayNanos) {
      this(maxQueued, maxBatch, commitDelayNanos, maxQueueDelayNanos, false);
    }
  }

  /** A queued write and when it was queued. */
  private record Queued(Op op, long queuedAt) {}

  private final WriteConnection connection;
  private final BlockingQueue<Queued> queue;
  private final int maxBatch;
  private final long commitDelayNanos;
  private final long maxQueueDelayNanos;
  private final LongSupplier nanoTime;

  /** When the last commit ended (System.nanoTime); writer thread only. */
  private long lastCommitEnded;

  /** Where committed batches are completed (see Completions above). */
  private final BatchCompleter completer;

  private final Runnable onRollback;
  private final CommitListener listener;
  private final Housekeeping housekeeping;
  private final Thread thread;
  private volatile boolean accepting = true;

  /** On {@code connection}, kept for life. */
  GroupCommitWriter(
      Connection connection, Limits limits, Runnable onRollback, CommitListener listener)
      throws SQLException {
    this(connection, limits, onRollback, listener, System::nanoTime);
  }

  /** As above, on {@code nanoTime} (tests freeze it). */
  GroupCommitWriter(
      Connection connection,
      Limits limits,
      Runnable onRollback,
      CommitListener listener,
      LongSupplier nanoTime)
      throws SQLException {
    this(
        WriteConnection.kept(connection, nanoTime),
        limits,
        onRollback,
        listener,
        Housekeeping.NONE,
        nanoTime);
  }

  /** On {@code connection}, replaced when lost (see A lost connection above). */
  GroupCommitWriter(
      WriteConnection connection,
      Limits limits,
      Runnable onRollback,
      CommitListener listener,
      Housekeeping housekeeping,
      LongSupplier nanoTime)
      throws SQLException {
    this.housekeeping = housekeeping;
    this.connection = connection;
    this.commitDelayNanos = limits.commitDelayNanos();
    this.maxQueueDelayNanos = limits.maxQueueDelayNanos();
    this.queue = new LinkedBlockingQueue<>(limits.maxQueued());
    this.maxBatch = limits.maxBatch();
    this.nanoTime = nanoTime;
    this.lastCommitEnded = nanoTime.getAsLong() - TimeUnit.DAYS.toNanos(1);
    this.onRollback = onRollback;
    this.listener = listener;
    connection.get().setAutoCommit(false);
    this.thread =
        Thread.ofPlatform().name("parley-store-writer").daemon(false).unstarted(this::run);
    this.completer = limits.completeApart() ? BatchCompleter.apart() : BatchCompleter.INLINE;
    thread.start();
  }

  /**
   * Queues a write. Fails it at once when the store is closing, the queue is full, or its oldest
   * write has waited longer than {@code maxQueueDelay} (see Admission above).
   */
  void submit(Op op) {
    if (!accepting) {
      op.failed(new StoreException("the store is closed"));
      return;
    }
    long now = nanoTime.getAsLong();
    Queued head = queue.peek();
    if (maxQueueDelayNanos > 0 && head != null && now - head.queuedAt() > maxQueueDelayNanos) {
      listener.refused();
      op.failed(
          new StoreException(
              "the store is overloaded: its oldest write has waited "
                  + TimeUnit.NANOSECONDS.toMillis(now - head.queuedAt())
                  + " ms"));
    } else if (!queue.offer(new Queued(op, now))) {
      listener.refused();
      op.failed(new StoreException("the store is overloaded: " + queue.size() + " writes queued"));
    }
  }

  private void run() {
    List<Queued> taken = new ArrayList<>(maxBatch);
    List<Op> batch = new ArrayList<>(maxBatch);
    while (accepting || !queue.isEmpty()) {
      try {
        long due = housekeeping.dueInNanos(nanoTime.getAsLong());
        Queued first =
            queue.poll(Math.max(0, Math.min(IDLE_POLL_NANOS, due)), TimeUnit.NANOSECONDS);
        if (first == null) {
          housekeepIfDue();
          continue;
        }
        taken.add(first);
        queue.drainTo(taken, maxBatch - 1);
        if (commitDelayNanos > 0
            && taken.size() < maxBatch
            && nanoTime.getAsLong() - lastCommitEnded < commitDelayNanos) {
          // A steady stream: wait a moment so that this commit carries more than one write.
          LockSupport.parkNanos(commitDelayNanos);
          queue.drainTo(taken, maxBatch - taken.size());
        }
        for (Queued q : taken) {
          batch.add(q.op());
        }
        if (connection.get() == null && (!accepting || !connection.reopened())) {
          // No connection (closing: none is tried, what is left fails at once).
          failAll(batch, new StoreException("the database cannot be reached"));
          if (accepting) {
            LockSupport.parkNanos(WriteConnection.REOPEN_BACKOFF_NANOS);
          }
          continue;
        }
        batch.sort(Comparator.comparing(Op::orderKey));
        runBatch(batch);
        lastCommitEnded = nanoTime.getAsLong();
        housekeepIfDue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } finally {
        taken.clear();
        batch.clear();
      }
    }
  }

  private void runBatch(List<Op> batch) {
    runBatch(batch, true);
  }

  /**
   * Runs {@code batch} in one transaction. A batch that fails is retried write by write; a single
   * write that met a unique violation is tried once more when {@code mayRetry}: on a shared
   * database another node may have committed the same row (a message with the same cid) while this
   * transaction waited for a lock, after its statement's snapshot was taken, and a new transaction
   * sees it (the append then answers the stored duplicate).
   */
  private void runBatch(List<Op> batch, boolean mayRetry) {
    Connection c = connection.get();
    if (c == null) { // lost, and not replaced yet
      failAll(batch, new StoreException("the database cannot be reached"));
      return;
    }
    long start = nanoTime.getAsLong();
    try {
      for (int i = 0, j; i < batch.size(); i = j) {
        Op op = batch.get(i);
        Run run = op.run();
        j = i + 1;
        while (run != null && j < batch.size() && batch.get(j).run() == run) {
          j++;
        }
        if (j - i > 1) {
          run.applyAll(c, batch.subList(i, j));
        } else {
          op.apply(c);
        }
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      rollback(c);
      if (connection.lost(e)) {
        log.warn("the store's write connection was lost; its batch's writes fail", e);
        failAll(batch, new StoreException("write failed: the database connection was lost", e));
        if (accepting) {
          connection.reopened();
        }
      } else if (batch.size() > 1) {
        for (Op op : batch) {
          runBatch(List.of(op), true);
        }
      } else if (mayRetry
          && e instanceof SQLException s
          && UNIQUE_VIOLATION.equals(s.getSQLState())) {
        runBatch(batch, false);
      } else {
        log.warn("store write failed", e);
        Op op = batch.get(0);
        StoreException failure = new StoreException("write failed: " + e.getMessage(), e);
        completer.complete(() -> op.failed(failure)); // after the batches before it
      }
      return;
    }
    listener.committed(batch.size(), nanoTime.getAsLong() - start);
    completer.committed(batch);
  }

  /** Fails every write of {@code batch}, after the batches before it are completed. */
  private void failAll(List<Op> batch, StoreException failure) {
    List<Op> failed = List.copyOf(batch);
    completer.complete(
        () -> {
          for (Op op : failed) {
            op.failed(failure);
          }
        });
  }

  /** Runs the housekeeping in a transaction of its own if it is due. */
  private void housekeepIfDue() {
    Connection c = connection.get();
    if (c == null || housekeeping.dueInNanos(nanoTime.getAsLong()) > 0) {
      return;
    }
    try {
      housekeeping.run(c);
      c.commit();
    } catch (SQLException | RuntimeException e) {
      rollback(c);
      housekeeping.failed();
      log.warn("store housekeeping failed; it is tried again later", e);
    }
  }

  private void rollback(Connection c) {
    try {
      c.rollback(); // on a lost connection this fails too, and is logged
    } catch (SQLException e) {
      log.warn("rollback failed", e);
    }
    onRollback.run();
  }

  /** Stops accepting, finishes what is queued, then returns. */
  @Override
  public void close() {
    accepting = false;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn("the store writer has not finished within 30 s; its completions run on it");
    }
    completer.close();
    Queued q;
    while ((q = queue.poll()) != null) {
      q.op().failed(new StoreException("the store is closed"));
    }
  }
}
