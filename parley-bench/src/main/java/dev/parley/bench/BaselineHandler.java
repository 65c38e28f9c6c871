package dev.parley.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * The baseline's frame handler, one per connection: after the upgrade a {@code /pub} connection
 * publishes, any other subscribes and echoes. Called on the connection's event loop only.
 *
 * <p>Echo: written as it is read, flushed once at the end of the read burst ({@code
 * channelReadComplete}), so a burst of frames costs one system call. Publish: each frame is encoded
 * once into WebSocket wire bytes ({@link BaselineFanout#encode}); the frames of one read burst go
 * to {@link BaselineFanout#publish} together, as one batch.
 */
final class BaselineHandler extends ChannelInboundHandlerAdapter {
  private final BaselineFanout fanout;

  /**
   * Whether this connection upgraded at {@code /pub}. Only touched on this channel's event loop.
   */
  private boolean publisher;

  /**
   * Echo: whether a frame was written since the last flush. Only touched on this channel's event
   * loop.
   */
  private boolean unflushed;

  /**
   * Publisher: the encoded frames of the current read burst. Only touched on this channel's event
   * loop.
   */
  private List<ByteBuf> batch = new ArrayList<>();

  BaselineHandler(BaselineFanout fanout) {
    this.fanout = fanout;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hc) {
      publisher = hc.requestUri().startsWith("/pub");
      if (!publisher) {
        fanout.subscribe(ctx.channel());
      }
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof TextWebSocketFrame frame)) {
      ReferenceCountUtil.release(msg); // binary/continuation: not part of the benchmark
      return;
    }
    if (publisher) {
      try {
        batch.add(BaselineFanout.encode(ctx.alloc(), frame.content()));
      } finally {
        frame.release();
      }
    } else {
      ctx.write(frame);
      unflushed = true;
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (publisher && !batch.isEmpty()) {
      List<ByteBuf> frames = batch;
      batch = new ArrayList<>();
      fanout.publish(frames);
    }
    if (unflushed) {
      unflushed = false;
      ctx.flush();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    for (ByteBuf b : batch) {
      b.release();
    }
    batch.clear();
    super.channelInactive(ctx);
  }
}
