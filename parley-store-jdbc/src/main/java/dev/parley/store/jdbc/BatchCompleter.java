package dev.parley.store.jdbc;

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
 * beyond, the handing writer waits, so the writer's queue still holds the whole backlog and its
 * admission sees it (see the writer's class doc, Completions).
 *
 * <p>Thread-safe: {@link #complete} is called by the writer thread only; the completer thread only
 * runs what it was handed, in order (the queue's hand-off orders each completion after the writes
 * of its batch).
 */
interface BatchCompleter extends AutoCloseable {
  /** Completions that may wait for the completer thread before the writer waits for it. */
  int AHEAD = 2;

  /** Runs {@code completion} (or queues it, in order). Writer thread. */
  void complete(Runnable completion);

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
        public void close() {}
      };

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
      try {
        queue.put(completion);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        completion.run(); // closing: complete here rather than never
      }
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
        queue.put(thread); // the thread itself, queued last, tells it to end
        thread.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
