package dev.parley.transport;

import dev.parley.protocol.CloseCode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Server heartbeat ({@code docs/PROTOCOL.md#heartbeats}): once the WebSocket is open, ping every
 * {@code interval}; if nothing at all (pong or any other frame) arrives within {@code timeout} of a
 * ping, close with 4408 and drop the connection, which cleans up its session.
 *
 * <p>Not thread-safe: every field is touched only on the channel's event loop.
 */
final class HeartbeatHandler extends ChannelDuplexHandler {
  private final long intervalNanos;
  private final long timeoutNanos;

  /** Time of the last inbound read, on the event loop's ticker (which tests can move). */
  private long lastReadNanos;

  /** The pending tick or check, cancelled on close. */
  private Future<?> timer;

  HeartbeatHandler(long intervalNanos, long timeoutNanos) {
    this.intervalNanos = intervalNanos;
    this.timeoutNanos = timeoutNanos;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    lastReadNanos = ctx.executor().ticker().nanoTime();
    super.channelRead(ctx, msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      lastReadNanos = ctx.executor().ticker().nanoTime();
      timer = ctx.executor().schedule(() -> ping(ctx), intervalNanos, TimeUnit.NANOSECONDS);
    }
    super.userEventTriggered(ctx, evt);
  }

  private void ping(ChannelHandlerContext ctx) {
    if (!ctx.channel().isActive()) {
      return;
    }
    long sentAt = ctx.executor().ticker().nanoTime();
    ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER), ctx.voidPromise());
    timer = ctx.executor().schedule(() -> check(ctx, sentAt), timeoutNanos, TimeUnit.NANOSECONDS);
  }

  private void check(ChannelHandlerContext ctx, long sentAt) {
    if (!ctx.channel().isActive()) {
      return;
    }
    if (lastReadNanos - sentAt < 0) {
      // Silent since the ping: the peer is gone or stuck. Say why, then cut it off at once; a dead
      // peer would never let a polite close complete.
      CloseCode c = CloseCode.HEARTBEAT_TIMEOUT;
      ctx.channel().attr(NettyConnection.CLOSE_CODE).setIfAbsent(c.code());
      ctx.writeAndFlush(new CloseWebSocketFrame(c.code(), c.reason())).addListener(f -> ctx.close());
      ctx.executor().schedule(() -> { ctx.close(); }, 200, TimeUnit.MILLISECONDS);
      return;
    }
    long next = Math.max(0, sentAt + intervalNanos - ctx.executor().ticker().nanoTime());
    timer = ctx.executor().schedule(() -> ping(ctx), next, TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (timer != null) {
      timer.cancel(false);
    }
    super.channelInactive(ctx);
  }
}
