package dev.parley.store.jdbc;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the {@link GroupCommitWriter} completes what it committed (or failed): on the writer thread
 * itself ({@link #INLINE}), or on a thread of its own ({@link #apart}), {@code
 * parley-store-completer}, which runs the completions in the order they were handed over while the
 * writer already runs the next batch. At most {@link #AHEAD} completions wait for that thread;
 * beyond, the handing writer waits (see the writer's class doc, Completions). An {@code Error} that
 * ends the thread, or its close, makes the writer complete the rest itself, in order.
 *
 * <p>Thread-safe: {@link #complete} and {@link #committed} are called by the writer thread only;
 * the completer thread only runs what it was handed, in order (the queue's hand-off orders each
 * completion after the writes of its batch).
 */
interface BatchCompleter extends AutoCloseable {
  /** Completions that may wait for the completer thread before the writer waits for it. */
  int AHEAD = 2;

  /** Runs {@code completion} (or queues it, in order). Writer thread. */
  void complete(Runnable completion);

  /**
   * Completes each write of a committed batch, in the batch's order (or queues that, in order). The
   * writer reuses {@code batch} once this returns, so only a completer that queues copies it.
   * Writer thread.
   */
  void committed(List<GroupCommitWriter.Op> batch);

  /** Runs what was handed over, then ends. Call after the writer thread has ended. */
  @Override
  void close();

  /** Completes on the writer thread. */
  BatchCompleter INLINE =
      new BatchCompleter() {
        @Override
        public void complete(Runnable completion) {
          completion.run();
        }

        @Override
        public void committed(List<GroupCommitWriter.Op> batch) {
          completeEach(batch);
        }

        @Override
        public void close() {}
      };

  /**
   * Tells each write of {@code batch} that it committed. What one caller chained to its write must
   * not keep the others from theirs, so a write's exception is logged and the rest go on.
   */
  static void completeEach(List<GroupCommitWriter.Op> batch) {
    for (GroupCommitWriter.Op op : batch) {
      try {
        op.committed();
      } catch (RuntimeException e) {
        LoggerFactory.getLogger(BatchCompleter.class)
            .warn("completing a committed write failed", e);
      }
    }
  }

  /** Completes on a thread of its own, {@code parley-store-completer}, started here. */
  static BatchCompleter apart() {
    return new Apart();
  }

  /** The completer thread and its queue of {@link #AHEAD}. */
  final class Apart implements BatchCompleter {
    private static final Logger log = LoggerFactory.getLogger(BatchCompleter.class);

    private final BlockingQueue<Runnable> queue = new ArrayBlockingQueue<>(AHEAD);
    private final Thread thread;

    Apart() {
      thread =
          Thread.ofPlatform().name("parley-store-completer").daemon(false).unstarted(this::run);
      thread.start();
    }

    @Override
    public void complete(Runnable completion) {
      boolean interrupted = false;
      try {
        // Waits while AHEAD completions wait, uninterrupted: run here, this one could overtake them
        // (a later seq published before an earlier one). A completer that has ended (close, or an
        // Error that ended its thread) no longer takes any: then here, in order all the same.
        while (true) {
          try {
            if (!thread.isAlive()) {
              runLeftovers();
              completion.run();
              return;
            }
            if (queue.offer(completion, 100, TimeUnit.MILLISECONDS)) {
              return;
            }
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public void committed(List<GroupCommitWriter.Op> batch) {
      List<GroupCommitWriter.Op> done = List.copyOf(batch);
      complete(() -> completeEach(done));
    }

    private void run() {
      while (true) {
        Runnable next;
        try {
          next = queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        if (next == thread) {
          return; // the end (see close)
        }
        try {
          next.run();
        } catch (RuntimeException e) {
          log.warn("completing a committed batch failed", e);
        }
      }
    }

    @Override
    public void close() {
      try {
        // The thread itself, queued last, tells it to end; a completer that stopped taking has
        // ended already (complete() then runs completions on the writer).
        if (queue.offer(thread, 30, TimeUnit.SECONDS)) {
          thread.join(TimeUnit.SECONDS.toMillis(30));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (!thread.isAlive()) {
        runLeftovers();
      }
    }

    /**
     * Runs what the ended thread left in the queue (handed over behind the end by a writer that
     * outlived its close, or left by an {@code Error}), in order.
     */
    private void runLeftovers() {
      for (Runnable left = queue.poll(); left != null; left = queue.poll()) {
        if (left != thread) {
          left.run();
        }
      }
    }
  }
}
