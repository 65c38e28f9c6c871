package dev.parley.chat;

import java.time.Duration;

/**
 * Settings of the chat layer. Immutable; {@link #defaults()} are those of {@code
 * docs/OPERATIONS.md}.
 *
 * @param openChannels whether conversation ids that are not chat conversations are open channels
 *     any client may join (off by default: they are unowned, durable pub/sub for anyone)
 * @param agentOfflineGrace how long an agent may be gone (a reload) before its conversations are
 *     queued again
 * @param averageHandleTime the assumed time an agent spends on a conversation, for the queue's wait
 *     estimate
 * @param requireToken whether every handshake must carry a token (401 otherwise)
 * @param requireOrigin whether a handshake without an Origin header (not a browser) is refused
 *     (403)
 * @param sweepInterval how often the inactivity sweep looks for abandoned conversations and agents
 *     gone without a word (a crashed node's)
 * @param newConversations how many conversations one client address may open (a burst, then one per
 *     {@code newConversationEvery}); beyond, {@code rate_limited}
 * @param newConversationEvery see {@code newConversations}
 * @param newConversationsPerSitePerSecond how many conversations a site may get per second on one
 *     node, after a burst of ten seconds' worth
 */
public record ChatConfig(
    boolean openChannels,
    Duration agentOfflineGrace,
    Duration averageHandleTime,
    boolean requireToken,
    boolean requireOrigin,
    Duration sweepInterval,
    int newConversations,
    Duration newConversationEvery,
    double newConversationsPerSitePerSecond) {

  /** The settings with the default sweep interval and creation limits. */
  public ChatConfig(
      boolean openChannels,
      Duration agentOfflineGrace,
      Duration averageHandleTime,
      boolean requireToken,
      boolean requireOrigin) {
    this(
        openChannels,
        agentOfflineGrace,
        averageHandleTime,
        requireToken,
        requireOrigin,
        Duration.ofSeconds(30),
        10,
        Duration.ofSeconds(10),
        20);
  }

  public static ChatConfig defaults() {
    return new ChatConfig(false, Duration.ofSeconds(20), Duration.ofMinutes(3), false, false);
  }
}
