package dev.parley.server;

import dev.parley.broker.redis.RedisStreamWindow;
import dev.parley.chat.ChatConfig;
import dev.parley.core.NodeClock;
import dev.parley.core.NodeConfig;
import dev.parley.core.StreamWindow;
import dev.parley.transport.TransportConfig;
import java.time.Duration;

/**
 * The engine's settings from the server's: the {@link NodeConfig} of the core, the {@link
 * ChatConfig} of the chat layer and the {@link TransportConfig} of the listeners. What the server
 * does not expose keeps the engine's default.
 */
final class EngineConfigs {
  private EngineConfigs() {}

  /** The core's settings. */
  static NodeConfig node(ServerConfig config) {
    NodeConfig d = NodeConfig.defaults();
    return new NodeConfig(
        config.maxTextChars(),
        d.maxConversationsPerSession(),
        d.typingTtl(),
        d.replayPageSize(),
        config.pingInterval(),
        config.sendRate(),
        config.sendBurst(),
        d.abuseLimit(),
        config.helloRate(),
        config.helloBurst(),
        d.maxFailedHellos());
  }

  /** The chat layer's settings (an agent is assumed to spend 3 minutes on a conversation). */
  static ChatConfig chat(ServerConfig config) {
    ChatConfig d = ChatConfig.defaults();
    return new ChatConfig(
        config.openChannels(),
        config.agentOfflineGrace(),
        Duration.ofMinutes(3),
        config.requireToken(),
        config.requireOrigin(),
        d.sweepInterval(),
        config.newConversationBurst(),
        config.newConversationEvery(),
        d.newConversationsPerSitePerSecond());
  }

  /**
   * Where ephemeral channels keep their history windows: Redis in a cluster (shared by every node,
   * a new epoch when Redis loses it), else null for the node's memory. The node closes it.
   */
  static StreamWindow streamWindow(ServerConfig config, NodeClock clock) {
    return config.clustered()
        ? RedisStreamWindow.connect(config.redisUrl(), "parley:", clock::millis)
        : null;
  }

  /** The listeners' settings. */
  static TransportConfig transport(ServerConfig config) {
    return TransportConfig.newBuilder()
        .host(config.host())
        .port(config.port())
        .pingInterval(config.pingInterval())
        .pongTimeout(config.pongTimeout())
        .maxFrameBytes(config.maxFrameBytes())
        .maxMessageBytes(config.maxMessageBytes())
        .shutdownGrace(config.shutdownGrace())
        .slowConsumerGrace(config.slowConsumerGrace())
        .maxConnections(config.maxConnections())
        .maxConnectionsPerIp(config.maxConnectionsPerIp())
        .handshakeTimeout(config.handshakeTimeout())
        .tls(config.tlsCert(), config.tlsKey())
        .trustedProxies(config.trustedProxies())
        .adminHost(config.adminHost())
        .adminPort(config.adminPort())
        .build();
  }
}
