package dev.parley.core;

import java.time.Duration;

/**
 * Limits and timings of the realtime core. Immutable.
 *
 * @param maxTextChars longest accepted message text; longer gets {@code too_long}
 * @param maxConversationsPerSession how many conversations one connection may join at once
 * @param typingTtl how long a typing indicator lasts unless renewed
 * @param replayPageSize messages read from the store per page while replaying
 * @param heartbeat the transport's ping interval, told to clients in {@code welcome}
 * @param sendRate {@code send} commands per second a connection may make, on average
 * @param sendBurst how many {@code send}s may come at once before the rate applies
 * @param abuseLimit rate-limited commands within 10 s after which the connection is closed (4429)
 * @param helloRate {@code hello}s without a token (new anonymous users) or with a password that one
 *     client address may make per second on this node, on average; hellos with a token are not
 *     counted
 * @param helloBurst how many such {@code hello}s one client address may make at once
 * @param maxFailedHellos {@code hello}s refused for bad credentials on one connection, after which
 *     it is closed (4429)
 */
public record NodeConfig(
    int maxTextChars,
    int maxConversationsPerSession,
    Duration typingTtl,
    int replayPageSize,
    Duration heartbeat,
    double sendRate,
    int sendBurst,
    int abuseLimit,
    double helloRate,
    int helloBurst,
    int maxFailedHellos) {

  /** Limits with the default hello limits. */
  public NodeConfig(
      int maxTextChars,
      int maxConversationsPerSession,
      Duration typingTtl,
      int replayPageSize,
      Duration heartbeat,
      double sendRate,
      int sendBurst,
      int abuseLimit) {
    this(
        maxTextChars,
        maxConversationsPerSession,
        typingTtl,
        replayPageSize,
        heartbeat,
        sendRate,
        sendBurst,
        abuseLimit,
        1,
        30,
        5);
  }

  /** The defaults documented in {@code docs/PROTOCOL.md#limits}. */
  public static NodeConfig defaults() {
    return new NodeConfig(
        4000, 64, Duration.ofSeconds(6), 256, Duration.ofSeconds(30), 10, 20, 100);
  }
}
