package dev.parley.server;

import static dev.parley.server.ModuleDefaults.CHAT;
import static dev.parley.server.ModuleDefaults.NODE;
import static dev.parley.server.ModuleDefaults.TRANSPORT;
import static dev.parley.server.Setting.Group.CONNECTIONS;
import static dev.parley.server.Setting.Group.NETWORK;
import static dev.parley.server.ValueType.DURATION;
import static dev.parley.server.ValueType.INT;
import static dev.parley.server.ValueType.NUMBER;
import static dev.parley.server.ValueType.PATH;
import static dev.parley.server.ValueType.STRING;
import static dev.parley.server.ValueType.STRINGS;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The network and connection settings: the bind address, TLS, the admin listener, limits per
 * connection and per address, heartbeats and rates. Part of the table of {@link Settings}: declared
 * here, listed there. Immutable.
 */
final class NetworkSettings {
  private NetworkSettings() {}

  // Network
  static final Setting<String> HOST =
      Setting.of("host", NETWORK, "ADDR", STRING, (String) null, "Bind address.")
          .defaultNote("127.0.0.1 in demo mode (no --sites), else 0.0.0.0")
          .details(
              "Demo mode stays on loopback: another address needs a sites file ([demo mode](#demo-mode))")
          .applies(ServerConfigBuilder::host);
  static final Setting<Integer> PORT =
      Setting.of("port", NETWORK, "N", INT, TRANSPORT.port(), "TCP port (0: any free port).")
          .applies(ServerConfigBuilder::port);
  static final Setting<Path> TLS_CERT =
      Setting.of(
              "tls-cert",
              NETWORK,
              "FILE",
              PATH,
              (Path) null,
              "PEM certificate chain: serve https and wss (TLS 1.2 and 1.3 only).")
          .details("With `--tls-key`; a key that is not the certificate's stops start-up")
          .applies(ServerConfigBuilder::tlsCert);
  static final Setting<Path> TLS_KEY =
      Setting.of(
              "tls-key",
              NETWORK,
              "FILE",
              PATH,
              (Path) null,
              "PEM private key (PKCS#8) of --tls-cert.")
          .applies(ServerConfigBuilder::tlsKey);
  static final Setting<List<String>> TRUSTED_PROXIES =
      Setting.of(
              "trusted-proxies",
              NETWORK,
              "IPS",
              STRINGS,
              (List<String>) null,
              "IP addresses of reverse proxies whose X-Forwarded-For names the client, comma-separated.")
          .details(
              "For connections from them the client is the right-most `X-Forwarded-For` entry that is not a "
                  + "trusted proxy (per-address limit, logs)")
          .applies((b, v) -> b.trustedProxies(v == null ? List.of() : v));
  static final Setting<String> ADMIN_HOST =
      Setting.of(
              "admin-host",
              NETWORK,
              "ADDR",
              STRING,
              TRANSPORT.adminHost(),
              "Address of the admin listener: /metrics, /readyz, /healthz.")
          .details(
              "Loopback by default: keep it private (a firewall, or Prometheus on the same host)")
          .applies(ServerConfigBuilder::adminHost);
  static final Setting<Integer> ADMIN_PORT =
      Setting.of(
              "admin-port",
              NETWORK,
              "N",
              INT,
              TRANSPORT.adminPort(),
              "Port of the admin listener (0: any free port, -1: none).")
          .details("The public port answers `/metrics` with 404")
          .applies(ServerConfigBuilder::adminPort);
  static final Setting<Integer> MAX_CONNECTIONS =
      Setting.of(
              "max-connections",
              NETWORK,
              "N",
              INT,
              TRANSPORT.maxConnections(),
              "Connections held at once; 503 beyond.")
          .applies(ServerConfigBuilder::maxConnections);
  static final Setting<Integer> MAX_CONNECTIONS_PER_IP =
      Setting.of(
              "max-connections-per-ip",
              NETWORK,
              "N",
              INT,
              TRANSPORT.maxConnectionsPerIp(),
              "Connections from one client address at once; 503 beyond.")
          .details(
              "Open fallback sessions of one address count apart, against the same limit. Behind a proxy, list it "
                  + "in `--trusted-proxies` so the client's address counts, not the proxy's")
          .applies(ServerConfigBuilder::maxConnectionsPerIp);
  static final Setting<Duration> HANDSHAKE_TIMEOUT =
      Setting.of(
              "handshake-timeout",
              NETWORK,
              "D",
              DURATION,
              TRANSPORT.handshakeTimeout(),
              "Time to send the HTTP request or the upgrade (from the connection's opening or the "
                  + "answer to its previous request); slower connections are closed (slowloris). "
                  + "An admitted upload's body is timed by its progress instead: at most this long "
                  + "without a byte, 5 minutes in all.")
          .applies(ServerConfigBuilder::handshakeTimeout);

  // Connections
  static final Setting<Duration> PING_INTERVAL =
      Setting.of(
              "ping-interval",
              CONNECTIONS,
              "D",
              DURATION,
              TRANSPORT.pingInterval(),
              "WebSocket ping interval.")
          .applies(ServerConfigBuilder::pingInterval);
  static final Setting<Duration> PONG_TIMEOUT =
      Setting.of(
              "pong-timeout",
              CONNECTIONS,
              "D",
              DURATION,
              TRANSPORT.pongTimeout(),
              "Silence allowed after a ping before the connection is closed with 4408; shorter "
                  + "than the interval.")
          .applies(ServerConfigBuilder::pongTimeout);
  static final Setting<Duration> SLOW_CONSUMER_GRACE =
      Setting.of(
              "slow-consumer-grace",
              CONNECTIONS,
              "D",
              DURATION,
              TRANSPORT.slowConsumerGrace(),
              "How long a connection's outbound buffer may stay over 64 KiB before "
                  + "it is closed with 4503.")
          .applies(ServerConfigBuilder::slowConsumerGrace);
  static final Setting<Double> SEND_RATE =
      Setting.of(
              "send-rate",
              CONNECTIONS,
              "R",
              NUMBER,
              NODE.sendRate(),
              "How many send commands a connection may make per second (token bucket).")
          .applies(ServerConfigBuilder::sendRate);
  static final Setting<Integer> SEND_BURST =
      Setting.of(
              "send-burst",
              CONNECTIONS,
              "N",
              INT,
              NODE.sendBurst(),
              "How many send commands a connection may make at once.")
          .applies(ServerConfigBuilder::sendBurst);
  static final Setting<Double> HELLO_RATE =
      Setting.of(
              "hello-rate",
              CONNECTIONS,
              "R",
              NUMBER,
              NODE.helloRate(),
              "How many hellos that make a new anonymous visitor or log in with a password one client address may make "
                  + "per second (token bucket); hellos with a token are not counted.")
          .details(
              "Over it, `rate_limited` with `retryAfterMs`. Raise it for load tests from one address")
          .applies(ServerConfigBuilder::helloRate);
  static final Setting<Integer> HELLO_BURST =
      Setting.of(
              "hello-burst",
              CONNECTIONS,
              "N",
              INT,
              NODE.helloBurst(),
              "How many such hellos one client address may make at once.")
          .applies(ServerConfigBuilder::helloBurst);
  static final Setting<Integer> NEW_CONVERSATION_BURST =
      Setting.of(
              "new-conversation-burst",
              CONNECTIONS,
              "N",
              INT,
              CHAT.newConversations(),
              "How many chat conversations one client address may open at once.")
          .details(
              "Then one per `--new-conversation-every`; beyond, the command that would open one "
                  + "(the first `send`, `handoff`, an upload) is refused `rate_limited` with "
                  + "`retryAfterMs`. Raise it for tests and load tests from one address")
          .applies(ServerConfigBuilder::newConversationBurst);
  static final Setting<Duration> NEW_CONVERSATION_EVERY =
      Setting.of(
              "new-conversation-every",
              CONNECTIONS,
              "D",
              DURATION,
              CHAT.newConversationEvery(),
              "How often one client address may open one more chat conversation after its burst.")
          .applies(ServerConfigBuilder::newConversationEvery);
  static final Setting<Duration> SHUTDOWN_GRACE =
      Setting.of(
              "shutdown-grace",
              CONNECTIONS,
              "D",
              DURATION,
              TRANSPORT.shutdownGrace(),
              "How long a graceful shutdown may take in all.")
          .applies(ServerConfigBuilder::shutdownGrace);
}
