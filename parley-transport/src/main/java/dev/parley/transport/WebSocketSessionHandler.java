package dev.parley.transport;

import dev.parley.core.Node;
import dev.parley.core.Session;
import dev.parley.protocol.CloseCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds whole text messages to the core's {@link Session} and tells it when the connection ends.
 * Pings are answered before this handler and fragments already joined; it answers close frames
 * (echo, or 1002 for a code RFC 6455 7.4 does not allow), binary frames (1003), text that is not
 * UTF-8 (1007, RFC 6455 8.1: a message in one frame is checked only here; the fragments of one are
 * checked as they arrive by the validator {@link WebSocketFrameGuard} adds) and a consumer that
 * stays too slow (4503). Last in the pipeline, it also sends the one close frame for every protocol
 * violation a handler before it reported (1002, 1007, 1009; RFC 6455 7.4.1), and ignores frames
 * that follow one (RFC 6455 7.1.7: fail the connection, process nothing more).
 *
 * <p>It is also the connection's heartbeat (it extends {@link HeartbeatHandler}) and, from the
 * upgrade on, its flush consolidation, which the {@link FlushConsolidationHandler} at the head of
 * the pipeline does for the HTTP phase: an idle WebSocket keeps one handler and one handler context
 * for the three (docs/BENCHMARKS.md, "Idle heap per connection"). The rule is that handler's, with
 * 256 flushes at most held back: a flush of the channel's writes ({@link NettyConnection#send}:
 * they enter the pipeline at its tail, so through this handler) waits for the end of the read in
 * progress, or else for a task queued on the loop, so the writes of one loop turn leave in one
 * flush. Flushes from this handler's context or before it (a close frame, a heartbeat ping, Netty's
 * pongs, the fan-out's batch: {@link NettyConnection#flush}) go through at once.
 *
 * <p>Not thread-safe: one instance per channel, used only on its event loop.
 */
final class WebSocketSessionHandler extends HeartbeatHandler {
  private static final Logger log = LoggerFactory.getLogger(WebSocketSessionHandler.class);

  /**
   * Where Netty's {@link WebSocketServerProtocolHandler} keeps the channel's handshaker: {@code
   * valueOf} of the same class and name returns Netty's own key.
   */
  static final AttributeKey<WebSocketServerHandshaker> NETTY_HANDSHAKER =
      AttributeKey.valueOf(WebSocketServerHandshaker.class, "HANDSHAKER");

  /**
   * What every WebSocket of one listener shares, made once: each handler holds one reference to it
   * instead of one to each part.
   */
  record Shared(
      Node node,
      ChannelGroup connections,
      Duration slowConsumerGrace,
      SharedHeaderValues headerValues,
      HeartbeatWheel.PerLoop heartbeats) {}

  /** The close reason for text that is not UTF-8, the words Netty's validator uses. */
  static final String NOT_UTF8 = "bytes are not UTF-8";

  /** The most flushes held back before one goes through, as the HTTP phase's handler has it. */
  static final int MAX_FLUSHES_HELD = 256;

  private final Shared shared;

  /** The pending slow-consumer check while the channel is not writable. Event loop only. */
  private Future<?> slowCheck;

  /** Set when the handshake completes; null before. Event loop only. */
  private Session session;

  /**
   * What the connection limiter counted for this connection, released when it closes: set at the
   * upgrade (until then the limiter itself releases it), null without a limiter. Event loop only.
   */
  private ConnectionLimiter.Admission admission;

  /**
   * The connection is being failed (a protocol violation, a binary frame, a bad close code): later
   * frames are dropped. Event loop only.
   */
  private boolean failed;

  /** Flushes held back since the last that went through (a short: 256 at most). Loop only. */
  private short flushesHeld;

  /** A read is in progress: held flushes go through at its end. Event loop only. */
  private boolean reading;

  /** A task that flushes is queued on the loop. Event loop only. */
  private boolean flushQueued;

  WebSocketSessionHandler(Shared shared) {
    super(shared.heartbeats());
    this.shared = shared;
  }

  /**
   * Backpressure: while the outbound buffer is over its high-water mark the channel is not
   * writable. A consumer that stays so past the grace is cut off with 4503 instead of growing
   * memory; it reconnects and resumes from the store.
   */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (!ctx.channel().isWritable()) {
      flushHeld(ctx); // what is held back could make room once it is written
    }
    if (session != null) {
      if (!ctx.channel().isWritable() && slowCheck == null) {
        slowCheck =
            ctx.executor()
                .schedule(
                    () -> {
                      slowCheck = null;
                      if (!ctx.channel().isWritable() && ctx.channel().isActive()) {
                        shared.node().metrics().slowConsumerClosed();
                        ctx.channel()
                            .attr(NettyConnection.CLOSE_CODE)
                            .setIfAbsent(CloseCode.SLOW_CONSUMER.code());
                        // The close frame would queue behind what the peer does not read: cut at
                        // once.
                        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                        ctx.close();
                      }
                    },
                    shared.slowConsumerGrace().toNanos(),
                    TimeUnit.NANOSECONDS);
      } else if (ctx.channel().isWritable() && slowCheck != null) {
        slowCheck.cancel(false);
        slowCheck = null;
      }
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete
        && !ctx.channel().isActive()) {
      // The connection ended before the news of its upgrade came (Netty tells it from a listener of
      // the 101's write, which may run after the close): channelInactive has run, and the limiter
      // released the counts, so a session opened now would never be closed. Nothing to watch.
      return;
    }
    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hc) {
      // Upgraded: the heartbeat watches the connection from now on, not the request deadline, and
      // the limiter leaves the pipeline (this handler releases the connection's count at close).
      admission = ConnectionLimiter.upgraded(ctx.channel());
      // The HTTP-only handlers have nothing more to do on this channel: drop them, which saves
      // their contexts (and the body limit's state) on every idle connection (a heap histogram of
      // 10,000 idle connections showed 12 handler contexts each as the largest item).
      // The flush consolidation is this handler's from now on (it flushes what it held as it goes).
      ChannelPipeline p = ctx.pipeline();
      for (String name :
          new String[] {"flush", "http-body-limit", "fallback", "ws-guard", "http-routes"}) {
        if (p.get(name) != null) {
          p.remove(name);
        }
      }
      // Netty keeps the handshaker (with the connection's URL as a string) in a channel attribute
      // for its own close handshake, which this pipeline does not use (handleCloseFrames false):
      // let it go, attribute and all.
      NettyConnection.removeAttr(ctx.channel(), NETTY_HANDSHAKER);
      Node node = shared.node();
      SharedHeaderValues headerValues = shared.headerValues();
      session =
          node.open(
              new NettyConnection(
                  ctx.channel(),
                  node.metrics(),
                  headerValues.of(hc.requestHeaders().get(HttpHeaderNames.ORIGIN)),
                  headerValues.of(hc.requestHeaders().get(HttpHeaderNames.HOST)),
                  admission == null ? null : admission.client()));
      shared.connections().add(ctx.channel());
      node.metrics().connectionOpened("websocket");
      // A hello in the request's query (/ws?hello=1): welcome follows the 101 without waiting for
      // the client's first frame, a round trip fewer.
      session.helloFromRequest();
    } else if (evt == WebSocketServerProtocolHandler.ServerHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
      shared.node().metrics().handshakeRejected("timeout");
    }
    super.userEventTriggered(ctx, evt); // the heartbeat starts at the handshake's completion
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    reading = true;
    read(); // for the heartbeat: any frame at all
    if (!(msg instanceof WebSocketFrame frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (failed) {
        return;
      }
      // Reserved bits were checked by WebSocketFrameGuard, on every frame type.
      if (frame instanceof CloseWebSocketFrame close) {
        closeReceived(ctx, close.statusCode());
        return;
      }
      if (frame instanceof TextWebSocketFrame
          && !ByteBufUtil.isText(frame.content(), StandardCharsets.UTF_8)) {
        failed = true;
        NettyConnection.closeChannel(ctx.channel(), CloseCode.INVALID_PAYLOAD, NOT_UTF8);
        return;
      }
      if (frame instanceof TextWebSocketFrame && session != null) {
        ByteBuf buf = frame.content();
        shared.node().metrics().bytesIn(buf.readableBytes());
        if (buf.hasArray()) {
          session.onFrame(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
        } else {
          byte[] bytes = ByteBufUtil.getBytes(buf);
          session.onFrame(bytes, 0, bytes.length);
        }
      } else if (frame instanceof BinaryWebSocketFrame) {
        failed = true; // closing for it: nothing after it is carried out either
        NettyConnection.closeChannel(
            ctx.channel(), CloseCode.UNSUPPORTED_DATA, CloseCode.UNSUPPORTED_DATA.reason());
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
    boolean valid =
        code == -1
            || (code >= 1000 && code <= 1003)
            || (code >= 1007 && code <= 1014)
            || (code >= 3000 && code <= 4999);
    if (!valid) {
      failed = true;
      NettyConnection.closeChannel(
          ctx.channel(), CloseCode.PROTOCOL_ERROR, "invalid close code " + code);
      return;
    }
    ctx.channel().attr(NettyConnection.CLOSE_CODE).setIfAbsent(code == -1 ? 1005 : code);
    CloseWebSocketFrame reply =
        code == -1 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, "");
    ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (admission != null) {
      admission.release();
    }
    if (session != null) {
      session.onClose();
      Integer sent = ctx.channel().attr(NettyConnection.CLOSE_CODE).get();
      shared.node().metrics().connectionClosed("websocket", sent == null ? 1006 : sent);
    }
    super.channelInactive(ctx);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    reading = false;
    flushHeld(ctx);
    ctx.fireChannelReadComplete();
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (session == null) {
      ctx.flush(); // the HTTP phase: the "flush" handler consolidates
    } else if (++flushesHeld >= MAX_FLUSHES_HELD) {
      flushHeld(ctx);
    } else if (!reading && !flushQueued) {
      flushQueued = true;
      ctx.executor()
          .execute(
              () -> {
                flushQueued = false;
                if (!reading) {
                  flushHeld(ctx);
                }
              });
    }
  }

  /**
   * The heartbeat's visit comes between reads, so a read still "in progress" then lost its end
   * (every handler passes {@code channelReadComplete} on today): whatever it held goes now, so a
   * missed end delays the connection's writes by one ping interval at most, not forever.
   */
  @Override
  void beat(ChannelHandlerContext ctx) {
    if (reading) {
      reading = false;
      flushHeld(ctx);
    }
  }

  /** Lets the held flushes go, as one. */
  private void flushHeld(ChannelHandlerContext ctx) {
    if (flushesHeld > 0) {
      flushesHeld = 0;
      ctx.flush();
    }
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    flushHeld(ctx);
    ctx.close(promise);
  }

  @Override
  public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
    flushHeld(ctx);
    ctx.disconnect(promise);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    reading = false;
    fail(ctx, cause);
    // At once, the close frame included: the handler that reported the failure may close the
    // channel next (Netty's protocol handler does), from before this one, where held flushes stay.
    flushHeld(ctx);
  }

  /** Closes for {@code cause}: with its code when it is a protocol violation. */
  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    CloseCode violation = violation(cause);
    if (violation != null) {
      failed = true;
      // The reporter's words say which rule was broken ("reserved bits 1 on a ping frame").
      NettyConnection.closeChannel(
          ctx.channel(),
          violation,
          cause.getMessage() != null ? reason(cause.getMessage()) : violation.reason());
      return;
    }
    log.debug("connection {} failed", ctx.channel().remoteAddress(), cause);
    if (session != null) {
      NettyConnection.closeChannel(
          ctx.channel(), CloseCode.INTERNAL_ERROR, CloseCode.INTERNAL_ERROR.reason());
    } else {
      ctx.close();
    }
  }

  /**
   * The close code of a protocol violation reported by a handler before this one, or null for any
   * other failure.
   */
  static CloseCode violation(Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException c) {
      // The frame decoder, the UTF-8 validator or WebSocketFrameGuard chose the code (1002, 1007,
      // 1009).
      int code = c.closeStatus() == null ? CloseCode.PROTOCOL_ERROR.code() : c.closeStatus().code();
      return CloseCode.of(code).orElse(CloseCode.PROTOCOL_ERROR);
    }
    if (cause instanceof TooLongFrameException) {
      // From the frame aggregator: the fragments of one message add up to more than allowed.
      return CloseCode.MESSAGE_TOO_BIG;
    }
    if (cause instanceof DecompressionException d) {
      // permessage-deflate: a message that inflates past the message limit (the decoder's
      // allocation
      // cap) is too big; one that does not inflate at all is invalid data (RFC 7692 8.1).
      return d.getMessage() != null
              && d.getMessage().startsWith("Decompression buffer has reached maximum size")
          ? CloseCode.MESSAGE_TOO_BIG
          : CloseCode.INVALID_PAYLOAD;
    }
    return null;
  }

  /** A close reason fits a control frame: at most 123 bytes of UTF-8 (RFC 6455 5.5, 5.5.1). */
  private static String reason(String text) {
    String ascii = text.replaceAll("[^\\x20-\\x7e]", "?");
    return ascii.length() <= 123 ? ascii : ascii.substring(0, 123);
  }
}
