package dev.parley.core;

/**
 * One token bucket: {@code burst} tokens at once, then {@code perSecond} on average. Each
 * connection's rate limits ({@link SendLimiter}, {@link JoinLimiter}) are one of these; limits by
 * key across connections are {@link KeyedBuckets}.
 *
 * <p>Not thread-safe: confined to its owner's thread (a session's executor). Times come from the
 * node's monotonic clock. Bounded: two numbers.
 */
final class TokenBucket {
  private final NodeClock clock;
  private final int burst;
  private final double perSecond;

  /** Tokens as of {@link #tokensAt} (monotonic ns); at most {@link #burst}. */
  private double tokens;

  private long tokensAt;

  /** A full bucket of {@code burst} tokens, refilled at {@code perSecond}. */
  TokenBucket(NodeClock clock, int burst, double perSecond) {
    this.clock = clock;
    this.burst = burst;
    this.perSecond = perSecond;
    this.tokens = burst;
    this.tokensAt = clock.nanoTime();
  }

  /** Takes a token; false when there is none (nothing is taken then). */
  boolean take() {
    refill();
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** Milliseconds until a token is there (0 when one is there now, or it never refills). */
  long millisUntilNext() {
    refill();
    return tokens >= 1 || perSecond <= 0 ? 0 : (long) Math.ceil((1 - tokens) / perSecond * 1000);
  }

  private void refill() {
    long now = clock.nanoTime();
    tokens = Math.min(burst, tokens + (now - tokensAt) / 1e9 * perSecond);
    tokensAt = now;
  }
}
