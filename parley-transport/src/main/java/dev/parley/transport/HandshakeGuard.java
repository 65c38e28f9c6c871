package dev.parley.transport;

import dev.parley.core.CoreMetrics;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * Stands before the RFC 6455 handshake at {@code /ws}: a request that is not an upgrade gets 400
 * with a message saying so, and every refused handshake is counted by reason ({@code not_upgrade},
 * {@code bad_version}, {@code bad_handshake}) before Netty answers the others (426 for a version
 * other than 13, 400 for a missing key).
 *
 * <p>Sharable and stateless.
 */
@ChannelHandler.Sharable
final class HandshakeGuard extends ChannelInboundHandlerAdapter {
  private final CoreMetrics metrics;
  private final dev.parley.core.HandshakePolicy policy;

  HandshakeGuard(CoreMetrics metrics, dev.parley.core.HandshakePolicy policy) {
    this.metrics = metrics;
    this.policy = policy;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FullHttpRequest req && isWsPath(req.uri())) {
      String upgrade = req.headers().get(HttpHeaderNames.UPGRADE);
      if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
        metrics.handshakeRejected("not_upgrade");
        ReferenceCountUtil.release(msg);
        refuse(ctx, HttpResponseStatus.BAD_REQUEST, "/ws expects a WebSocket upgrade (Upgrade: websocket)\n");
        return;
      }
      String origin = req.headers().get(HttpHeaderNames.ORIGIN);
      String site = new QueryStringDecoder(req.uri()).parameters().getOrDefault("site", java.util.List.of())
          .stream().findFirst().orElse(null);
      if (!policy.originAllowed(origin, site, req.headers().get(HttpHeaderNames.HOST))) {
        metrics.handshakeRejected("origin");
        ReferenceCountUtil.release(msg);
        refuse(ctx, HttpResponseStatus.FORBIDDEN, "origin " + origin + " may not open a connection"
            + (site == null ? "" : " for site " + site) + "\n");
        return;
      }
      if (!"13".equals(req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
        metrics.handshakeRejected("bad_version");
      } else if (req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY) == null) {
        metrics.handshakeRejected("bad_handshake");
      }
    }
    ctx.fireChannelRead(msg);
  }

  static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String text) {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    DefaultFullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
  }

  private static boolean isWsPath(String uri) {
    String path = new QueryStringDecoder(uri).path();
    return path.equals("/ws");
  }
}
