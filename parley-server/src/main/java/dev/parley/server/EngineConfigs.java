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
  static NodeConfig node(NetworkConfig network) {
    NodeConfig d = NodeConfig.defaults();
    return new NodeConfig(
        network.maxTextChars(),
        d.maxConversationsPerSession(),
        d.typingTtl(),
        d.replayPageSize(),
        network.pingInterval(),
        network.sendRate(),
        network.sendBurst(),
        d.abuseLimit(),
        network.helloRate(),
        network.helloBurst(),
        d.maxFailedHellos());
  }

  /** The chat layer's settings (an agent is assumed to spend 3 minutes on a conversation). */
  static ChatConfig chat(ServerConfig config) {
    ChatConfig d = ChatConfig.defaults();
    return new ChatConfig(
        config.access().openChannels(),
        config.access().agentOfflineGrace(),
        Duration.ofMinutes(3),
        config.access().requireToken(),
        config.access().requireOrigin(),
        d.sweepInterval(),
        config.network().newConversationBurst(),
        config.network().newConversationEvery(),
        d.newConversationsPerSitePerSecond());
  }

  /**
   * Where ephemeral channels keep their history windows: Redis in a cluster (shared by every node,
   * a new epoch when Redis loses it), else null for the node's memory. The node closes it.
   */
  static StreamWindow streamWindow(ServerConfig config, NodeClock clock) {
    return config.clustered()
        ? RedisStreamWindow.connect(config.storage().redisUrl(), "parley:", clock::millis)
        : null;
  }

  /** The listeners' settings. */
  static TransportConfig transport(NetworkConfig network) {
    return TransportConfig.newBuilder()
        .host(network.host())
        .port(network.port())
        .pingInterval(network.pingInterval())
        .pongTimeout(network.pongTimeout())
        .maxFrameBytes(network.maxFrameBytes())
        .maxMessageBytes(network.maxMessageBytes())
        .shutdownGrace(network.shutdownGrace())
        .slowConsumerGrace(network.slowConsumerGrace())
        .maxConnections(network.maxConnections())
        .maxConnectionsPerIp(network.maxConnectionsPerIp())
        .handshakeTimeout(network.handshakeTimeout())
        .tls(network.tlsCert(), network.tlsKey())
        .trustedProxies(network.trustedProxies())
        .adminHost(network.adminHost())
        .adminPort(network.adminPort())
        .build();
  }
}
