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
 * not. It keeps two buckets: one for joins, one for resyncs ({@code join} with {@code after} of a
 * conversation the session holds: the SDKs' repair of a gap), so first joins cannot starve the
 * repairs. Each bucket is made at its first use (a session makes this limiter at its first {@code
 * join}): a bucket made then is as full as one made with the session, and most idle connections
 * never join or resync, so they keep neither.
 *
 * <p>Not thread-safe: confined to the session's executor. Times come from the node's clock.
 */
final class JoinLimiter {
  /** Joins a connection may make at once: the default cap on its conversations. */
  static final int BURST = 64;

  /** Joins a second after the burst, on average. */
  static final double PER_SECOND = 5;

  private final Session session;

  /** The bucket of first joins; null until the first. */
  private TokenBucket joins;

  /** The bucket of resyncs; null until the first. */
  private TokenBucket resyncs;

  JoinLimiter(Session session) {
    this.session = session;
  }

  /**
   * Takes a token for joining {@code conv} ({@code resync}: from the resyncs' bucket); without one,
   * tells the client ({@code ref}: the command's) and returns false.
   */
  boolean allows(String conv, String ref, boolean resync) {
    TokenBucket tokens = resync ? resyncs : joins;
    if (tokens == null) {
      Node node = session.node();
      tokens =
          new TokenBucket(
              node.clock(),
              Math.max(BURST, node.config().maxConversationsPerSession()),
              PER_SECOND);
      if (resync) {
        resyncs = tokens;
      } else {
        joins = tokens;
      }
    }
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
