package dev.parley.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The network and connection part of a {@link ServerConfigBuilder}: the fields of {@link
 * NetworkConfig} with their defaults (those of {@link NetworkSettings}, and of the transport and
 * the core for the frame and text limits), their setters and their checks.
 *
 * <p>The builder's groups form a chain of superclasses, network, storage ({@link
 * StorageConfigBuilder}), access ({@link AccessConfigBuilder}), integration ({@link
 * IntegrationConfigBuilder}), ended by {@link ServerConfigBuilder}: each group is a file of its
 * own, and callers keep one flat fluent API ({@code newBuilder().port(0).store("postgres")}) whose
 * setters all return the {@link ServerConfigBuilder}. Not thread-safe.
 */
abstract sealed class NetworkConfigBuilder permits StorageConfigBuilder {
  private String host = NetworkSettings.HOST.defaultValue();
  private int port = NetworkSettings.PORT.defaultValue();
  private Path tlsCert = NetworkSettings.TLS_CERT.defaultValue();
  private Path tlsKey = NetworkSettings.TLS_KEY.defaultValue();
  private List<String> trustedProxies = List.of();
  private String adminHost = NetworkSettings.ADMIN_HOST.defaultValue();
  private int adminPort = NetworkSettings.ADMIN_PORT.defaultValue();
  private int maxConnections = NetworkSettings.MAX_CONNECTIONS.defaultValue();
  private int maxConnectionsPerIp = NetworkSettings.MAX_CONNECTIONS_PER_IP.defaultValue();
  private Duration handshakeTimeout = NetworkSettings.HANDSHAKE_TIMEOUT.defaultValue();
  private Duration pingInterval = NetworkSettings.PING_INTERVAL.defaultValue();
  private Duration pongTimeout = NetworkSettings.PONG_TIMEOUT.defaultValue();
  private Duration slowConsumerGrace = NetworkSettings.SLOW_CONSUMER_GRACE.defaultValue();
  private double sendRate = NetworkSettings.SEND_RATE.defaultValue();
  private int sendBurst = NetworkSettings.SEND_BURST.defaultValue();
  private double helloRate = NetworkSettings.HELLO_RATE.defaultValue();
  private int helloBurst = NetworkSettings.HELLO_BURST.defaultValue();
  private int newConversationBurst = NetworkSettings.NEW_CONVERSATION_BURST.defaultValue();
  private Duration newConversationEvery = NetworkSettings.NEW_CONVERSATION_EVERY.defaultValue();
  private Duration shutdownGrace = NetworkSettings.SHUTDOWN_GRACE.defaultValue();
  private int maxFrameBytes = ModuleDefaults.TRANSPORT.maxFrameBytes();
  private int maxMessageBytes = ModuleDefaults.TRANSPORT.maxMessageBytes();
  private int maxTextChars = ModuleDefaults.NODE.maxTextChars();

  /** The builder these setters return: the end of the chain. */
  abstract ServerConfigBuilder self();

  /** The bind address; null: {@code 127.0.0.1} in demo mode (no sites), else {@code 0.0.0.0}. */
  public ServerConfigBuilder host(String v) {
    host = v;
    return self();
  }

  public ServerConfigBuilder port(int v) {
    port = v;
    return self();
  }

  public ServerConfigBuilder pingInterval(Duration v) {
    pingInterval = v;
    return self();
  }

  public ServerConfigBuilder pongTimeout(Duration v) {
    pongTimeout = v;
    return self();
  }

  public ServerConfigBuilder maxFrameBytes(int v) {
    maxFrameBytes = v;
    return self();
  }

  public ServerConfigBuilder maxMessageBytes(int v) {
    maxMessageBytes = v;
    return self();
  }

  public ServerConfigBuilder maxTextChars(int v) {
    maxTextChars = v;
    return self();
  }

  public ServerConfigBuilder shutdownGrace(Duration v) {
    shutdownGrace = v;
    return self();
  }

  public ServerConfigBuilder sendRate(double v) {
    sendRate = v;
    return self();
  }

  public ServerConfigBuilder sendBurst(int v) {
    sendBurst = v;
    return self();
  }

  public ServerConfigBuilder helloRate(double v) {
    helloRate = v;
    return self();
  }

  public ServerConfigBuilder helloBurst(int v) {
    helloBurst = v;
    return self();
  }

  public ServerConfigBuilder newConversationBurst(int v) {
    newConversationBurst = v;
    return self();
  }

  public ServerConfigBuilder newConversationEvery(Duration v) {
    newConversationEvery = v;
    return self();
  }

  public ServerConfigBuilder slowConsumerGrace(Duration v) {
    slowConsumerGrace = v;
    return self();
  }

  public ServerConfigBuilder maxConnections(int v) {
    maxConnections = v;
    return self();
  }

  public ServerConfigBuilder maxConnectionsPerIp(int v) {
    maxConnectionsPerIp = v;
    return self();
  }

  public ServerConfigBuilder handshakeTimeout(Duration v) {
    handshakeTimeout = v;
    return self();
  }

  public ServerConfigBuilder tls(Path cert, Path key) {
    tlsCert = cert;
    tlsKey = key;
    return self();
  }

  public ServerConfigBuilder tlsCert(Path v) {
    tlsCert = v;
    return self();
  }

  public ServerConfigBuilder tlsKey(Path v) {
    tlsKey = v;
    return self();
  }

  public ServerConfigBuilder trustedProxies(List<String> v) {
    trustedProxies = List.copyOf(v);
    return self();
  }

  public ServerConfigBuilder adminHost(String v) {
    adminHost = v;
    return self();
  }

  public ServerConfigBuilder adminPort(int v) {
    adminPort = v;
    return self();
  }

  /**
   * Checks the network settings and makes their part of the configuration.
   *
   * @param demoMode whether there is no sites file: an unset host is then loopback ({@link
   *     DemoGuard#LOOPBACK}), else every address
   * @throws IllegalArgumentException naming the setting that is wrong
   */
  NetworkConfig network(boolean demoMode) {
    if (adminPort > 65535) {
      throw new IllegalArgumentException(
          "admin-port must be at most 65535 (0: any free port, -1: none), was " + adminPort);
    }
    if (sendRate <= 0 || sendBurst < 1) {
      throw new IllegalArgumentException("send-rate must be > 0 and send-burst >= 1");
    }
    if (helloRate <= 0 || helloBurst < 1) {
      throw new IllegalArgumentException("hello-rate must be > 0 and hello-burst >= 1");
    }
    if (newConversationBurst < 1 || newConversationEvery.toMillis() < 1) {
      throw new IllegalArgumentException(
          "new-conversation-burst must be >= 1 and new-conversation-every at least 1ms");
    }
    for (String proxy : trustedProxies) {
      if (!proxy.matches("[0-9a-fA-F:.]+")) {
        throw new IllegalArgumentException(
            "trusted-proxies must list IP addresses, not '" + proxy + "'");
      }
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, was " + port);
    }
    return new NetworkConfig(
        host != null ? host : demoMode ? DemoGuard.LOOPBACK : "0.0.0.0",
        port,
        tlsCert,
        tlsKey,
        trustedProxies,
        adminHost,
        adminPort,
        maxConnections,
        maxConnectionsPerIp,
        handshakeTimeout,
        pingInterval,
        pongTimeout,
        slowConsumerGrace,
        sendRate,
        sendBurst,
        helloRate,
        helloBurst,
        newConversationBurst,
        newConversationEvery,
        shutdownGrace,
        maxFrameBytes,
        maxMessageBytes,
        maxTextChars);
  }
}
