package dev.parley.core;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;

/**
 * One session's rate limit on {@code send}: a {@link TokenBucket} of {@code sendBurst} tokens
 * refilled at {@code sendRate} per second ({@code docs/PROTOCOL.md#limits}). A send without a token
 * gets the retryable {@code rate_limited}; {@code abuseLimit} refusals within 10 s close the
 * connection with 4429.
 *
 * <p>Not thread-safe: confined to the session's executor. Times come from the node's clock.
 */
final class SendLimiter {
  private static final long ABUSE_WINDOW_NANOS = 10_000_000_000L;

  private final Session session;
  private final NodeClock clock;
  private final NodeConfig config;
  private final TokenBucket tokens;

  /** Refusals in the current abuse window, and when the window began. */
  private int refused;

  private long refusedSince;

  SendLimiter(Session session, NodeClock clock, NodeConfig config) {
    this.session = session;
    this.clock = clock;
    this.config = config;
    this.tokens = new TokenBucket(clock, config.sendBurst(), config.sendRate());
    this.refusedSince = clock.nanoTime();
  }

  /** Takes a token, or throws {@code rate_limited} (closing with 4429 on sustained excess). */
  void take() {
    if (tokens.take()) {
      return;
    }
    long now = clock.nanoTime();
    if (now - refusedSince > ABUSE_WINDOW_NANOS) {
      refused = 0;
      refusedSince = now;
    }
    if (++refused >= config.abuseLimit()) {
      session.close(CloseCode.TOO_MANY_REQUESTS);
    }
    throw new ProtocolException(
        ErrorCode.RATE_LIMITED,
        "more than " + (int) config.sendRate() + " messages a second; send it again a little later",
        null);
  }
}
