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
 * write cannot fail its neighbours.
 *
 * <p>Thread-safe: {@link #submit} may be called from any thread and never blocks. The JDBC
 * connection is touched only by the writer thread.
 */
final class GroupCommitWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

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

    /** After commit: complete the caller's future. */
    void committed();

    /** The write did not happen. */
    void failed(Throwable t);
  }

  private final Connection connection;
  private final BlockingQueue<Op> queue;
  private final int maxBatch;
  private final long commitDelayNanos;

  /** When the last commit ended (System.nanoTime); writer thread only. */
  private long lastCommitEnded = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

  private final Runnable onRollback;
  private final CommitListener listener;
  private final Thread thread;
  private volatile boolean accepting = true;

  GroupCommitWriter(
      Connection connection,
      int maxQueued,
      int maxBatch,
      long commitDelayNanos,
      Runnable onRollback,
      CommitListener listener)
      throws SQLException {
    this.connection = connection;
    this.commitDelayNanos = commitDelayNanos;
    this.queue = new LinkedBlockingQueue<>(maxQueued);
    this.maxBatch = maxBatch;
    this.onRollback = onRollback;
    this.listener = listener;
    connection.setAutoCommit(false);
    this.thread =
        Thread.ofPlatform().name("parley-store-writer").daemon(false).unstarted(this::run);
    thread.start();
  }

  /** Queues a write. Fails it at once when the store is closing or the queue is full. */
  void submit(Op op) {
    if (!accepting) {
      op.failed(new StoreException("the store is closed"));
    } else if (!queue.offer(op)) {
      op.failed(new StoreException("the store is overloaded: " + queue.size() + " writes queued"));
    }
  }

  private void run() {
    List<Op> batch = new ArrayList<>(maxBatch);
    while (accepting || !queue.isEmpty()) {
      try {
        Op first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        if (commitDelayNanos > 0
            && batch.size() < maxBatch
            && System.nanoTime() - lastCommitEnded < commitDelayNanos) {
          // A steady stream: wait a moment so that this commit carries more than one write.
          LockSupport.parkNanos(commitDelayNanos);
          queue.drainTo(batch, maxBatch - batch.size());
        }
        batch.sort(Comparator.comparing(Op::orderKey));
        runBatch(batch);
        lastCommitEnded = System.nanoTime();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } finally {
        batch.clear();
      }
    }
  }

  private void runBatch(List<Op> batch) {
    long start = System.nanoTime();
    try {
      for (Op op : batch) {
        op.apply(connection);
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      rollback();
      if (batch.size() == 1) {
        log.warn("store write failed", e);
        batch.get(0).failed(new StoreException("write failed: " + e.getMessage(), e));
      } else {
        for (Op op : batch) {
          runBatch(List.of(op));
        }
      }
      return;
    }
    listener.committed(batch.size(), System.nanoTime() - start);
    for (Op op : batch) {
      op.committed();
    }
  }

  private void rollback() {
    try {
      connection.rollback();
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
    Op op;
    while ((op = queue.poll()) != null) {
      op.failed(new StoreException("the store is closed"));
    }
  }
}
