package dev.parley.core;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;

/**
 * One session's rate limit on {@code send}: a token bucket of {@code sendBurst} tokens refilled at
 * {@code sendRate} per second ({@code docs/PROTOCOL.md#limits}). A send without a token gets the
 * retryable {@code rate_limited}; {@code abuseLimit} refusals within 10 s close the connection with
 * 4429.
 *
 * <p>Not thread-safe: confined to the session's executor. Times come from the node's clock.
 */
final class SendLimiter {
  private static final long ABUSE_WINDOW_NANOS = 10_000_000_000L;

  private final Session session;
  private final NodeClock clock;

  /** Tokens now, and when they were counted. */
  private double tokens;

  private long tokensAt;

  /** Refusals in the current abuse window, and when the window began. */
  private int refused;

  private long refusedSince;

  SendLimiter(Session session, NodeClock clock, int burst) {
    this.session = session;
    this.clock = clock;
    this.tokens = burst;
    this.tokensAt = clock.nanoTime();
    this.refusedSince = tokensAt;
  }

  /** Takes a token, or throws {@code rate_limited} (closing with 4429 on sustained excess). */
  void take(NodeConfig c) {
    long now = clock.nanoTime();
    tokens = Math.min(c.sendBurst(), tokens + (now - tokensAt) / 1e9 * c.sendRate());
    tokensAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return;
    }
    if (now - refusedSince > ABUSE_WINDOW_NANOS) {
      refused = 0;
      refusedSince = now;
    }
    if (++refused >= c.abuseLimit()) {
      session.close(CloseCode.TOO_MANY_REQUESTS);
    }
    throw new ProtocolException(
        ErrorCode.RATE_LIMITED,
        "more than " + (int) c.sendRate() + " messages a second; send it again a little later",
        null);
  }
}
