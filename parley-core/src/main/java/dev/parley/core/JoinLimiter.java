package dev.parley.core;

import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Push;

/**
 * One session's rate limit on the {@code join} command ({@code docs/PROTOCOL.md#limits}): a {@link
 * TokenBucket} of {@value #BURST} joins at once (a full set of conversations, or the connection's
 * cap on them when that is higher), refilled at {@value #PER_SECOND} a second. Every join costs the
 * server state it keeps a while (a subscription, presence, an ephemeral stream's epoch), so a
 * client looping join and leave over made-up names must not make it without bound. A join without a
 * token is answered {@code rate_limited} about its conversation, with {@code retryAfterMs}, and not
 * carried out.
 *
 * <p>Only the client's {@code join} commands count: the conversations of {@code hello.resume}
 * (after a reconnect, never refused) and the server's own joins ({@link Session#joinTrusted}) do
 * not. A session keeps two: one for joins, one for resyncs ({@code join} with {@code after} of a
 * conversation it holds: the SDKs' repair of a gap), so first joins cannot starve the repairs.
 *
 * <p>Not thread-safe: confined to the session's executor. Times come from the node's clock.
 */
final class JoinLimiter {
  /** Joins a connection may make at once: the default cap on its conversations. */
  static final int BURST = 64;

  /** Joins a second after the burst, on average. */
  static final double PER_SECOND = 5;

  private final Session session;
  private final TokenBucket tokens;

  JoinLimiter(Session session, Node node) {
    this.session = session;
    this.tokens =
        new TokenBucket(
            node.clock(), Math.max(BURST, node.config().maxConversationsPerSession()), PER_SECOND);
  }

  /**
   * Takes a token for joining {@code conv}; without one, tells the client ({@code ref}: the
   * command's) and returns false.
   */
  boolean allows(String conv, String ref) {
    if (tokens.take()) {
      return true;
    }
    session.node().metrics().commandRejected(ErrorCode.RATE_LIMITED);
    session.push(
        Push.Error.of(
                ErrorCode.RATE_LIMITED,
                "more than "
                    + (int) PER_SECOND
                    + " joins a second; join "
                    + conv
                    + " a little later",
                null,
                ref,
                "conv")
            .about(conv)
            .retryAfter(Math.max(1, tokens.millisUntilNext())));
    return false;
  }
}
