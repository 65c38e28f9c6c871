package dev.parley.transport;

import io.netty.util.NetUtil;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Network settings of the transport. Immutable; build with {@link #newBuilder()}.
 *
 * @param host address to bind ({@code 0.0.0.0} for all)
 * @param port TCP port; 0 picks a free one
 * @param maxFrameBytes largest accepted WebSocket frame payload; larger closes with 1009
 * @param maxMessageBytes largest accepted message after joining fragments; larger closes with 1009
 * @param pingInterval how often the server pings each WebSocket
 * @param pongTimeout how long after a ping the connection may stay silent before it is closed with
 *     4408
 * @param handshakeTimeout how long an upgrade may take
 * @param compression whether permessage-deflate is accepted when a client offers it
 * @param ioThreads event-loop threads; 0 means twice the cores
 * @param shutdownGrace how long a stopping server waits for connections to close
 * @param slowConsumerGrace how long a connection's outbound buffer may stay over its cap (64 KiB
 *     queued) before the connection is closed with 4503
 * @param maxConnections connections the server holds at once; beyond, 503
 * @param maxConnectionsPerIp connections from one address at once; beyond, 503
 * @param tlsCert PEM certificate chain for https/wss, or null for plain http/ws
 * @param tlsKey PEM private key (PKCS#8) of {@code tlsCert}
 * @param trustedProxies IP addresses of reverse proxies: for a connection from one, the client is
 *     the right-most address of {@code X-Forwarded-For} that is not a trusted proxy
 * @param adminHost address the admin listener binds (loopback by default: keep it private)
 * @param adminPort TCP port of the admin listener, which alone serves {@code /metrics} (and {@code
 *     /readyz}, {@code /healthz}); 0 picks a free one, a negative number turns it off
 */
public record TransportConfig(
    String host,
    int port,
    int maxFrameBytes,
    int maxMessageBytes,
    Duration pingInterval,
    Duration pongTimeout,
    Duration handshakeTimeout,
    boolean compression,
    int ioThreads,
    Duration shutdownGrace,
    Duration slowConsumerGrace,
    int maxConnections,
    int maxConnectionsPerIp,
    Path tlsCert,
    Path tlsKey,
    List<String> trustedProxies,
    String adminHost,
    int adminPort) {

  public static Builder newBuilder() {
    return new Builder();
  }

  /** Builds a {@link TransportConfig}; the defaults are those in {@code docs/OPERATIONS.md}. */
  public static final class Builder {
    private String host = "0.0.0.0";
    private int port = 8080;
    private int maxFrameBytes = 64 * 1024;
    private int maxMessageBytes = 64 * 1024;
    private Duration pingInterval = Duration.ofSeconds(30);
    private Duration pongTimeout = Duration.ofSeconds(10);
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private boolean compression = true;
    private int ioThreads = 0;
    private Duration shutdownGrace = Duration.ofSeconds(10);
    private Duration slowConsumerGrace = Duration.ofSeconds(10);
    private int maxConnections = 100_000;
    private int maxConnectionsPerIp = 1_000;
    private Path tlsCert;
    private Path tlsKey;
    private List<String> trustedProxies = List.of();
    private String adminHost = "127.0.0.1";
    private int adminPort = 8081;

    public Builder host(String v) {
      host = v;
      return this;
    }

    public Builder port(int v) {
      port = v;
      return this;
    }

    public Builder maxFrameBytes(int v) {
      maxFrameBytes = v;
      return this;
    }

    public Builder maxMessageBytes(int v) {
      maxMessageBytes = v;
      return this;
    }

    public Builder pingInterval(Duration v) {
      pingInterval = v;
      return this;
    }

    public Builder pongTimeout(Duration v) {
      pongTimeout = v;
      return this;
    }

    public Builder handshakeTimeout(Duration v) {
      handshakeTimeout = v;
      return this;
    }

    public Builder compression(boolean v) {
      compression = v;
      return this;
    }

    public Builder ioThreads(int v) {
      ioThreads = v;
      return this;
    }

    public Builder shutdownGrace(Duration v) {
      shutdownGrace = v;
      return this;
    }

    public Builder slowConsumerGrace(Duration v) {
      slowConsumerGrace = v;
      return this;
    }

    public Builder maxConnections(int v) {
      maxConnections = v;
      return this;
    }

    public Builder maxConnectionsPerIp(int v) {
      maxConnectionsPerIp = v;
      return this;
    }

    /** Serves https and wss with this PEM certificate chain and PKCS#8 key. */
    public Builder tls(Path cert, Path key) {
      tlsCert = cert;
      tlsKey = key;
      return this;
    }

    public Builder trustedProxies(List<String> v) {
      trustedProxies = List.copyOf(v);
      return this;
    }

    public Builder adminHost(String v) {
      adminHost = v;
      return this;
    }

    /** The admin listener's port: 0 any free one, negative turns the listener off. */
    public Builder adminPort(int v) {
      adminPort = v;
      return this;
    }

    public TransportConfig build() {
      for (String proxy : trustedProxies) {
        if (!NetUtil.isValidIpV4Address(proxy) && !NetUtil.isValidIpV6Address(proxy)) {
          throw new IllegalArgumentException("trusted proxy '" + proxy + "' is not an IP address");
        }
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0-65535, was " + port);
      }
      if (adminPort > 65535) {
        throw new IllegalArgumentException(
            "admin port must be 0-65535 (negative: off), was " + adminPort);
      }
      if (adminPort >= 0 && (adminHost == null || adminHost.isBlank())) {
        throw new IllegalArgumentException("the admin listener needs an admin host");
      }
      if (maxFrameBytes < 125 || maxMessageBytes < maxFrameBytes) {
        throw new IllegalArgumentException(
            "maxFrameBytes must be >= 125 and maxMessageBytes >= maxFrameBytes");
      }
      if ((tlsCert == null) != (tlsKey == null)) {
        throw new IllegalArgumentException("tls-cert and tls-key go together");
      }
      if (!pongTimeout.isPositive() || pongTimeout.compareTo(pingInterval) >= 0) {
        throw new IllegalArgumentException(
            "pongTimeout must be positive and shorter than pingInterval");
      }
      return new TransportConfig(
          host,
          port,
          maxFrameBytes,
          maxMessageBytes,
          pingInterval,
          pongTimeout,
          handshakeTimeout,
          compression,
          ioThreads,
          shutdownGrace,
          slowConsumerGrace,
          maxConnections,
          maxConnectionsPerIp,
          tlsCert,
          tlsKey,
          trustedProxies,
          adminHost,
          adminPort);
    }
  }
}
