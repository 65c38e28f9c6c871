package dev.parley.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: the n-th retry waits a random time between 0 and {@code
 * min(cap, base * 2^n)}. Spreads a crowd of clients that lost the same server over the whole window
 * instead of letting them return in waves. Algorithm: "Exponential Backoff And Jitter", AWS
 * Architecture Blog (Marc Brooker, 2015).
 *
 * <p>Immutable and thread-safe.
 */
public record Backoff(Duration base, Duration cap) {
  /** The SDK's default: 0.5 s doubling to 30 s. */
  public static Backoff defaults() {
    return new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
  }

  /** The upper bound of the wait before retry number {@code attempt} (0-based). */
  public long ceilingMillis(int attempt) {
    long ceiling = base.toMillis() << Math.min(attempt, 30);
    return ceiling <= 0 ? cap.toMillis() : Math.min(cap.toMillis(), ceiling);
  }

  /** A random wait before retry number {@code attempt}: uniform in [0, ceiling]. */
  public long delayMillis(int attempt) {
    return ThreadLocalRandom.current().nextLong(ceilingMillis(attempt) + 1);
  }
}
