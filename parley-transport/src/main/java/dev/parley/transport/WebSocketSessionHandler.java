package dev.parley.transport;

import dev.parley.core.Node;
import dev.parley.core.Session;
import dev.parley.protocol.CloseCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds whole text messages to the core's {@link Session} and tells it when the connection ends.
 * Ping, pong and close frames are already handled before this handler; fragments are already
 * joined.
 *
 * <p>Not thread-safe: one instance per channel, used only on its event loop.
 */
final class WebSocketSessionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(WebSocketSessionHandler.class);

  private final Node node;
  private final ChannelGroup connections;
  private final long slowConsumerGraceNanos;

  /** The pending slow-consumer check while the channel is not writable. Event loop only. */
  private java.util.concurrent.Future<?> slowCheck;

  /** Set when the handshake completes; null before. */
  private Session session;

  WebSocketSessionHandler(Node node, ChannelGroup connections, java.time.Duration slowConsumerGrace) {
    this.node = node;
    this.connections = connections;
    this.slowConsumerGraceNanos = slowConsumerGrace.toNanos();
  }

  /**
   * Backpressure: while the outbound buffer is over its high-water mark the channel is not
   * writable. A consumer that stays so past the grace is cut off with 4503 instead of growing
   * memory; it reconnects and resumes from the store.
   */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (session != null) {
      if (!ctx.channel().isWritable() && slowCheck == null) {
        slowCheck = ctx.executor().schedule(() -> {
          slowCheck = null;
          if (!ctx.channel().isWritable() && ctx.channel().isActive()) {
            node.metrics().slowConsumerClosed();
            ctx.channel().attr(NettyConnection.CLOSE_CODE).setIfAbsent(CloseCode.SLOW_CONSUMER.code());
            // The close frame would queue behind what the peer does not read: cut at once.
            ctx.channel().config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
            ctx.close();
          }
        }, slowConsumerGraceNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
      } else if (ctx.channel().isWritable() && slowCheck != null) {
        slowCheck.cancel(false);
        slowCheck = null;
      }
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hc) {
      // Upgraded: the heartbeat watches the connection from now on, not the request deadline.
      ConnectionLimiter.lift(ctx.channel());
      // The HTTP-only handlers have nothing more to do on this channel: drop them, which saves
      // their contexts on every idle connection (a heap histogram of 10,000 idle connections
      // showed 12 handler contexts each as the largest item).
      io.netty.channel.ChannelPipeline p = ctx.pipeline();
      for (String name : new String[] {"fallback", "ws-guard", "http-routes"}) {
        if (p.get(name) != null) {
          p.remove(name);
        }
      }
      session = node.open(new NettyConnection(ctx.channel(), node.metrics(),
          hc.requestHeaders().get(io.netty.handler.codec.http.HttpHeaderNames.ORIGIN)));
      connections.add(ctx.channel());
      node.metrics().connectionOpened("websocket");
    } else if (evt == WebSocketServerProtocolHandler.ServerHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
      node.metrics().handshakeRejected("timeout");
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof WebSocketFrame frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (frame.rsv() != 0) {
        // RFC 6455 5.2: reserved bits without a negotiated extension that defines them. (The
        // permessage-deflate decoder, when negotiated, has already consumed RSV1.)
        NettyConnection.closeChannel(ctx.channel(), CloseCode.PROTOCOL_ERROR, "reserved bits set");
        return;
      }
      if (frame instanceof io.netty.handler.codec.http.websocketx.CloseWebSocketFrame close) {
        closeReceived(ctx, close.statusCode());
        return;
      }
      if (frame instanceof TextWebSocketFrame && session != null) {
        ByteBuf buf = frame.content();
        node.metrics().bytesIn(buf.readableBytes());
        if (buf.hasArray()) {
          session.onFrame(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
        } else {
          byte[] bytes = ByteBufUtil.getBytes(buf);
          session.onFrame(bytes, 0, bytes.length);
        }
      } else if (frame instanceof BinaryWebSocketFrame) {
        NettyConnection.closeChannel(ctx.channel(), CloseCode.UNSUPPORTED_DATA, CloseCode.UNSUPPORTED_DATA.reason());
      }
      // Pong frames: the heartbeat handler already noted the traffic.
    } finally {
      ReferenceCountUtil.release(frame);
    }
  }

  /**
   * The peer's close frame (RFC 6455 5.5.1, 7.4): a valid code (or none) is echoed; a code the RFC
   * does not allow on the wire (below 1000, 1004-1006, 1015, 1016-2999, 5000 and up) gets 1002.
   */
  private void closeReceived(ChannelHandlerContext ctx, int code) {
    boolean valid = code == -1 || (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014)
        || (code >= 3000 && code <= 4999);
    if (!valid) {
      NettyConnection.closeChannel(ctx.channel(), CloseCode.PROTOCOL_ERROR, "invalid close code " + code);
      return;
    }
    ctx.channel().attr(NettyConnection.CLOSE_CODE).setIfAbsent(code == -1 ? 1005 : code);
    io.netty.handler.codec.http.websocketx.CloseWebSocketFrame reply = code == -1
        ? new io.netty.handler.codec.http.websocketx.CloseWebSocketFrame()
        : new io.netty.handler.codec.http.websocketx.CloseWebSocketFrame(code, "");
    ctx.writeAndFlush(reply).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (session != null) {
      session.onClose();
      Integer sent = ctx.channel().attr(NettyConnection.CLOSE_CODE).get();
      node.metrics().connectionClosed("websocket", sent == null ? 1006 : sent);
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException c) {
      // The frame decoder found a protocol violation and chose the close code (1002, 1007, 1009):
      // keep its code rather than calling it an internal error.
      int code = c.closeStatus() == null ? CloseCode.PROTOCOL_ERROR.code() : c.closeStatus().code();
      CloseCode cc = java.util.Arrays.stream(CloseCode.values()).filter(x -> x.code() == code).findFirst()
          .orElse(CloseCode.PROTOCOL_ERROR);
      NettyConnection.closeChannel(ctx.channel(), cc, cc.reason());
      return;
    }
    if (cause instanceof TooLongFrameException) {
      // From the frame aggregator: the fragments of one message add up to more than allowed.
      NettyConnection.closeChannel(ctx.channel(), CloseCode.MESSAGE_TOO_BIG, CloseCode.MESSAGE_TOO_BIG.reason());
      return;
    }
    log.debug("connection {} failed", ctx.channel().remoteAddress(), cause);
    if (session != null) {
      NettyConnection.closeChannel(ctx.channel(), CloseCode.INTERNAL_ERROR, CloseCode.INTERNAL_ERROR.reason());
    } else {
      ctx.close();
    }
  }
}
