package dev.parley.transport;

import dev.parley.core.CoreMetrics;
import dev.parley.protocol.http.HttpApi;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.util.List;

/**
 * The pipeline of a connection to the admin listener ({@code TransportConfig.adminPort}): plain
 * HTTP/1.1 for operators' tools (a Prometheus scraper, a health check), serving {@code /metrics},
 * {@code /readyz} and {@code /healthz} only ({@link HttpRequestHandler} on {@link
 * HttpApi.Listener#ADMIN}): no WebSocket, no fallback sessions, no pages, no REST API.
 *
 * <p>It is bound to loopback by default and meant for a private network, yet it keeps the public
 * listener's guards in small: at most {@link #MAX_CONNECTIONS} connections, and the request
 * deadline ({@code handshakeTimeout}) against a client that dribbles its request.
 *
 * <p>Thread-safe: its handlers are sharable; {@link #initChannel} runs on each new channel's loop.
 */
final class AdminChannelInitializer extends ChannelInitializer<Channel> {
  /** Connections the admin listener holds at once (scrapers keep one or two); beyond, 503. */
  static final int MAX_CONNECTIONS = 64;

  /** Requests to the admin listener carry no body. */
  private static final int MAX_REQUEST_BYTES = 8 * 1024;

  private final ConnectionLimiter limiter;
  private final HttpRequestHandler http;

  AdminChannelInitializer(TransportConfig config, HttpApi api) {
    // Counted apart from the clients' limits and metrics: an operator's scrape is not a visitor.
    this.limiter =
        new ConnectionLimiter(
            MAX_CONNECTIONS,
            MAX_CONNECTIONS,
            config.handshakeTimeout().toNanos(),
            CoreMetrics.NONE,
            List.of());
    this.http = new HttpRequestHandler(api, HttpApi.Listener.ADMIN);
  }

  @Override
  protected void initChannel(Channel ch) {
    ChannelPipeline p = ch.pipeline();
    p.addLast("http", new HttpServerCodec());
    p.addLast("http-aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES));
    p.addLast("limits", limiter);
    p.addLast("http-routes", http);
  }
}
