package dev.parley.transport;

import dev.parley.protocol.CloseCode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.concurrent.TimeUnit;

/**
 * Server heartbeat ({@code docs/PROTOCOL.md#heartbeats}): once the WebSocket is open, ping every
 * {@code interval}; if nothing at all (pong or any other frame) arrives within {@code timeout} of a
 * ping, close with 4408 and drop the connection, which cleans up its session. The timing is kept by
 * the event loop's {@link HeartbeatWheel} (one timer for all of the loop's connections), so the
 * ping and the check may come up to one wheel tick late.
 *
 * <p>{@link WebSocketSessionHandler} extends it: every WebSocket has one handler (and one handler
 * context) for its heartbeat and its session, not two (docs/BENCHMARKS.md, "Idle heap per
 * connection"). A subclass that consumes reads calls {@link #read} for each.
 *
 * <p>Not thread-safe: every field is touched only on the channel's event loop.
 */
class HeartbeatHandler extends ChannelDuplexHandler implements HeartbeatWheel.Member {
  /** The wheels of the server's loops, with the interval and the time-out. */
  private final HeartbeatWheel.PerLoop wheels;

  /** Set when the handshake completes; null before. */
  private ChannelHandlerContext ctx;

  /**
   * When the unanswered ping was sent, on the loop's ticker; meaningful while {@link #awaiting}.
   */
  private long pingSentAt;

  private boolean awaiting;

  /** Whether anything arrived since the last ping (a flag, not a time: no clock read per frame). */
  private boolean readSincePing;

  HeartbeatHandler(HeartbeatWheel.PerLoop wheels) {
    this.wheels = wheels;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    read();
    super.channelRead(ctx, msg);
  }

  /** Something arrived: the peer is alive. */
  final void read() {
    readSincePing = true;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      this.ctx = ctx;
      wheels.of(ctx.executor()).add(this, wheels.intervalNanos());
    }
    super.userEventTriggered(ctx, evt);
  }

  /**
   * Called at each of the wheel's visits to the open connection (every ping and every check), on
   * its loop and never within a read, before the heartbeat's own step. Nothing here.
   */
  void beat(ChannelHandlerContext ctx) {}

  @Override
  public final long due(long now) {
    if (!ctx.channel().isActive()) {
      return -1; // closed: leaves the wheel
    }
    beat(ctx);
    if (!awaiting) {
      pingSentAt = now;
      awaiting = true;
      readSincePing = false;
      ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER), ctx.voidPromise());
      return wheels.timeoutNanos();
    }
    if (!readSincePing) {
      // Silent since the ping: the peer is gone or stuck. Say why, then cut it off at once; a dead
      // peer would never let a polite close complete.
      CloseCode c = CloseCode.HEARTBEAT_TIMEOUT;
      ctx.channel().attr(NettyConnection.CLOSE_CODE).setIfAbsent(c.code());
      ctx.writeAndFlush(new CloseWebSocketFrame(c.code(), c.reason()))
          .addListener(f -> ctx.close());
      ctx.executor()
          .schedule(
              () -> {
                ctx.close();
              },
              200,
              TimeUnit.MILLISECONDS);
      return -1;
    }
    awaiting = false;
    return Math.max(
        0, pingSentAt + wheels.intervalNanos() - now); // the next ping, one interval after this one
  }
}
