package dev.parley.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The network and connection part of a {@link ServerConfig}: where the node listens, TLS, the admin
 * listener, limits per connection and per address, heartbeats and rates ({@link NetworkSettings}).
 * Immutable; built by {@link NetworkConfigBuilder}.
 *
 * @param host bind address (unset: {@code 127.0.0.1} in demo mode, i.e. without sites, else {@code
 *     0.0.0.0})
 * @param port TCP port, 0 for any free one
 * @param tlsCert PEM certificate chain for https/wss, or null
 * @param tlsKey PEM (PKCS#8) private key of {@code tlsCert}, or null
 * @param trustedProxies addresses of reverse proxies whose {@code X-Forwarded-For} names the client
 *     (for per-IP limits and logs)
 * @param adminHost address of the admin listener ({@code /metrics}, {@code /readyz}, {@code
 *     /healthz})
 * @param adminPort port of the admin listener; 0 any free one, negative: none
 * @param maxConnections connections held at once (503 beyond)
 * @param maxConnectionsPerIp connections from one address at once (503 beyond)
 * @param handshakeTimeout how long a connection may take to send its HTTP request or upgrade
 * @param pingInterval WebSocket ping interval
 * @param pongTimeout silence allowed after a ping before the connection is closed with 4408
 * @param slowConsumerGrace how long a connection may read too slowly before it is closed (4503)
 * @param sendRate {@code send}s per second per connection (token bucket rate)
 * @param sendBurst {@code send}s a connection may make at once
 * @param helloRate {@code hello}s that make a new anonymous user or log in with a password, per
 *     second per client address
 * @param helloBurst such {@code hello}s one client address may make at once
 * @param newConversationBurst chat conversations one client address may open at once
 * @param newConversationEvery how often it may open one more after that burst
 * @param shutdownGrace how long shutdown may take in all: draining in-flight writes, then closing
 * @param maxFrameBytes largest WebSocket frame payload (1009 above)
 * @param maxMessageBytes largest message after joining fragments (1009 above)
 * @param maxTextChars longest message text ({@code too_long} above)
 */
public record NetworkConfig(
    String host,
    int port,
    Path tlsCert,
    Path tlsKey,
    List<String> trustedProxies,
    String adminHost,
    int adminPort,
    int maxConnections,
    int maxConnectionsPerIp,
    Duration handshakeTimeout,
    Duration pingInterval,
    Duration pongTimeout,
    Duration slowConsumerGrace,
    double sendRate,
    int sendBurst,
    double helloRate,
    int helloBurst,
    int newConversationBurst,
    Duration newConversationEvery,
    Duration shutdownGrace,
    int maxFrameBytes,
    int maxMessageBytes,
    int maxTextChars) {}
