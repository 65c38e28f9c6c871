package dev.parley.edge.files;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The memory the node sets aside for decoding uploaded images at once, so that a few large images
 * uploaded together cannot exhaust the heap: before an image's pixels are decoded, {@link
 * ImageCleaner} takes what decoding and re-encoding it will hold (estimated from its header) and
 * gives it back when done. An image that needs more than the whole budget is refused ({@code
 * image_too_large}); one that finds the budget spent waits up to {@code wait} for it, then is
 * refused ({@code busy}).
 *
 * <p>Thread-safe. {@link #take} blocks: call it on the uploads' pool, never on an event loop.
 */
final class DecodeBudget {
  /** What a node sets aside by default: a quarter of the heap, at most 512 MiB. */
  static long defaultBytes() {
    return Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 4);
  }

  /** How long an image waits for the budget by default. */
  static final Duration WAIT = Duration.ofSeconds(30);

  /** Permits are KiB, so a budget of up to 2 TiB fits a semaphore. */
  private final Semaphore kib;

  private final int total;
  private final long waitNanos;

  DecodeBudget(long bytes, Duration wait) {
    this.total = (int) Math.min(Integer.MAX_VALUE, Math.max(1, bytes >> 10));
    this.kib = new Semaphore(total, true);
    this.waitNanos = wait.toNanos();
  }

  /** Held memory, given back on {@link #close}. */
  final class Lease implements AutoCloseable {
    private final int held;
    private boolean closed;

    private Lease(int held) {
      this.held = held;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        kib.release(held);
      }
    }
  }

  /** Holds {@code bytes} until the lease is closed, or refuses. */
  Lease take(long bytes) throws ImageCleaner.Refused {
    long need = Math.max(1, (bytes + 1023) >> 10);
    if (need > total) {
      throw new ImageCleaner.Refused(
          "image_too_large",
          "decoding this image needs about "
              + (bytes >> 20)
              + " MiB; this server decodes images of at most "
              + ((long) total >> 10)
              + " MiB");
    }
    try {
      if (kib.tryAcquire((int) need, waitNanos, TimeUnit.NANOSECONDS)) {
        return new Lease((int) need);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new ImageCleaner.Refused("busy", "too many images are being processed; try again");
  }

  /** KiB not held now (for tests). */
  int availableKib() {
    return kib.availablePermits();
  }
}
