package dev.parley.bots;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * When an event webhook's failed delivery is tried again: exponential backoff with "equal jitter"
 * (the AWS Architecture Blog's "Exponential Backoff And Jitter", Marc Brooker, 2015) — after the
 * n-th failed attempt the cap is {@code min(max, base × 2^(n-1))} and the delay is half of it plus
 * a random part of the other half, so retries of many deliveries spread out but still grow. After
 * {@code attempts} attempts a delivery is given up.
 *
 * <p>Immutable and thread-safe.
 *
 * @param base the first retry's cap
 * @param max the largest delay
 * @param attempts how many times a delivery is sent at most (1 or more)
 */
public record DeliveryBackoff(Duration base, Duration max, int attempts) {

  /** Eight attempts, the first retry within 10 s, none more than an hour after the previous. */
  public static DeliveryBackoff defaults() {
    return new DeliveryBackoff(Duration.ofSeconds(10), Duration.ofHours(1), 8);
  }

  public DeliveryBackoff {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
    if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException("the backoff's base must be positive and at most its max");
    }
  }

  /** Whether a delivery that failed {@code failedAttempts} times is tried again. */
  public boolean retries(int failedAttempts) {
    return failedAttempts < attempts;
  }

  /**
   * The delay after the {@code failedAttempts}-th failed attempt (1 or more), with {@code random}
   * giving a number in [0, 1).
   */
  public Duration delayAfter(int failedAttempts, DoubleSupplier random) {
    long baseMs = base.toMillis();
    int doublings = Math.min(Math.max(0, failedAttempts - 1), 40);
    long cap = baseMs > (max.toMillis() >> doublings) ? max.toMillis() : baseMs << doublings;
    long half = cap / 2;
    return Duration.ofMillis(half + (long) (random.getAsDouble() * (cap - half)));
  }
}
