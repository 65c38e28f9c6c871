package dev.parley.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.Locale;

/**
 * The reserved bits of every frame, control frames included (RFC 6455 5.2), checked right after the
 * frame decoder and before anything consumes a frame: the permessage-deflate decoder, and Netty's
 * protocol handler, which answers pings itself.
 *
 * <p>A frame may carry RSV1 only when it is the first frame of a data message (text or binary) and
 * permessage-deflate was negotiated (RFC 7692 6: "the RSV1 bit is set only on the first frame";
 * control frames never carry it). RSV2 and RSV3 belong to no extension Parley negotiates. Any other
 * reserved bit fails the connection with 1002: the frame is dropped and a {@link
 * CorruptedWebSocketFrameException} travels down the pipeline like the frame decoder's own, so
 * {@link WebSocketSessionHandler} sends the one close frame for every protocol violation.
 *
 * <p>The other rules of 5.2 need the frame header, which Netty's {@code WebSocket13FrameDecoder}
 * holds: it refuses unmasked frames, reserved opcodes, control frames over 125 bytes or fragmented,
 * continuations without a start and data frames inside a fragmented message (1002), frames over
 * {@code maxFrameBytes} (1009), a close payload of one byte or with an invalid code (1002) or a
 * reason that is not UTF-8 (1007). {@link ParleyChannelInitializer#decoderConfig} configures it.
 *
 * <p>It also puts two handlers into a connection's pipeline when the first fragmented data message
 * begins: a {@link Utf8FrameValidator} ({@value #UTF8}: text that is not UTF-8, across fragments
 * too, 1007) right before Netty's protocol handler, and the {@link WebSocketFrameAggregator}
 * ({@value #AGGREGATOR}: joins fragments, 1009 past {@code maxMessageBytes}) right after it. Most
 * connections never send a fragmented message, and an idle connection need not keep these handlers
 * (and their handler contexts) for nothing: the text of a message in one frame is checked by {@link
 * WebSocketSessionHandler}, which needs no state for it. The validator must see every fragment, the
 * first included, to carry a character split between two; it joins before this handler passes the
 * first fragment on. A message in one frame passes both untouched (the session handler checks it
 * again), so the connection behaves as if it had them from the start; once there, they stay.
 *
 * <p>Sharable and stateless: whether deflate was negotiated is read from the pipeline (the
 * extension handler installs its decoder at the upgrade), and only for a frame with reserved bits;
 * whether the validator and the aggregator are there, only for the first frame of a fragmented
 * message.
 */
@ChannelHandler.Sharable
final class WebSocketFrameGuard extends ChannelInboundHandlerAdapter {
  /** The aggregator's name in the pipeline. */
  static final String AGGREGATOR = "ws-aggregator";

  /** The UTF-8 validator's name in the pipeline. */
  static final String UTF8 = "ws-utf8";

  private final int maxMessageBytes;

  /** {@code maxMessageBytes}: the most a fragmented message may add up to (1009 past it). */
  WebSocketFrameGuard(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof WebSocketFrame frame && frame.rsv() != 0 && !allowed(ctx, frame)) {
      String kind =
          frame.getClass().getSimpleName().replace("WebSocketFrame", "").toLowerCase(Locale.ROOT);
      int rsv = frame.rsv();
      ReferenceCountUtil.release(frame);
      ctx.fireExceptionCaught(
          new CorruptedWebSocketFrameException(
              WebSocketCloseStatus.PROTOCOL_ERROR,
              "reserved bits " + Integer.toBinaryString(rsv) + " on a " + kind + " frame"));
      return;
    }
    if (msg instanceof WebSocketFrame frame
        && !frame.isFinalFragment()
        && (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame)) {
      addFragmentHandlers(ctx.pipeline());
    }
    ctx.fireChannelRead(msg);
  }

  /**
   * The UTF-8 validator before Netty's protocol handler and the aggregator after it, unless they
   * are there already. The validator reports, never closes itself (closeOnProtocolViolation false):
   * the session handler closes.
   */
  private void addFragmentHandlers(ChannelPipeline p) {
    ChannelHandlerContext protocol = p.context(WebSocketServerProtocolHandler.class);
    if (protocol != null && p.get(AGGREGATOR) == null) {
      p.addBefore(protocol.name(), UTF8, new Utf8FrameValidator(false));
      p.addAfter(protocol.name(), AGGREGATOR, new WebSocketFrameAggregator(maxMessageBytes));
    }
  }

  /** RSV1 alone, on the first frame of a data message, with permessage-deflate negotiated. */
  private static boolean allowed(ChannelHandlerContext ctx, WebSocketFrame frame) {
    return frame.rsv() == WebSocketExtension.RSV1
        && (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame)
        && ctx.pipeline().get(WebSocketExtensionDecoder.class) != null;
  }
}
