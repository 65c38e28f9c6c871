package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.CoreMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fan-out's batch on a WebSocket channel: {@link NettyConnection#write} holds frames back until
 * {@link NettyConnection#flush}, which reaches the socket at once (not deferred by the flush
 * consolidation), and the frames are Netty's own encoding of a text frame, encoded once per loop.
 */
@Timeout(10)
class NettyConnectionBatchTest {
  static final CoreMetrics METRICS = new CoreMetrics() {};

  /** Counts the flushes that reach the socket end of the pipeline. */
  static final class FlushCounter extends ChannelOutboundHandlerAdapter {
    final AtomicInteger flushes = new AtomicInteger();

    @Override
    public void flush(ChannelHandlerContext ctx) {
      flushes.incrementAndGet();
      ctx.flush();
    }
  }

  /** Parley's pipeline as far as writes go: flush consolidation, then the session's end. */
  static EmbeddedChannel channel(FlushCounter counter) {
    return new EmbeddedChannel(counter, new FlushConsolidationHandler(256, true));
  }

  static byte[] json(String text) {
    return ("{\"type\":\"message\",\"text\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  /** What Netty's server-side encoder writes for a text frame: the reference bytes. */
  static byte[] nettyEncoding(byte[] payload) {
    EmbeddedChannel enc = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
    enc.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(payload)));
    ByteBuf all = Unpooled.buffer();
    for (Object o = enc.readOutbound(); o != null; o = enc.readOutbound()) {
      ByteBuf b = (ByteBuf) o;
      all.writeBytes(b);
      b.release();
    }
    enc.finishAndReleaseAll();
    return ByteBufUtil.getBytes(all);
  }

  @Test
  void writesWaitForOneFlushThatReachesTheSocketAtOnceInOrder() {
    FlushCounter counter = new FlushCounter();
    EmbeddedChannel ch = channel(counter);
    NettyConnection conn = new NettyConnection(ch, METRICS, null, null);
    List<byte[]> frames = List.of(json("one"), json("two"), json("three"));
    for (byte[] f : frames) {
      conn.write(f);
    }
    assertThat(ch.outboundMessages()).as("nothing leaves before the flush").isEmpty();

    conn.flush();

    assertThat(counter.flushes).as("one flush, not deferred to another task").hasValue(1);
    for (byte[] f : frames) {
      ByteBuf wire = ch.readOutbound();
      assertThat(ByteBufUtil.getBytes(wire)).isEqualTo(nettyEncoding(f));
      wire.release();
    }
    assertThat(ch.outboundMessages()).isEmpty();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void connectionsOnOneLoopWriteTheSameEncodedBytes() {
    EmbeddedChannel a = channel(new FlushCounter());
    EmbeddedChannel b = channel(new FlushCounter());
    NettyConnection ca = new NettyConnection(a, METRICS, null, null);
    NettyConnection cb = new NettyConnection(b, METRICS, null, null);
    byte[] big = json("x".repeat(300)); // a 16-bit length field
    ca.write(big);
    cb.write(big);
    ca.flush();
    cb.flush();

    ByteBuf wa = a.readOutbound();
    ByteBuf wb = b.readOutbound();
    assertThat(ByteBufUtil.getBytes(wa)).isEqualTo(nettyEncoding(big));
    assertThat(ByteBufUtil.getBytes(wb)).isEqualTo(nettyEncoding(big));
    // One encoding, two views of it: a byte changed through one shows through the other.
    int last = wa.writerIndex() - 1;
    wa.setByte(last, 'Z');
    assertThat(wb.getByte(last))
        .as("one encoding shared, duplicates written")
        .isEqualTo((byte) 'Z');
    wa.release();
    wb.release();
    assertThat(a.finishAndReleaseAll()).isFalse();
    assertThat(b.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aConnectionWithAnExtensionWritesFramesForItsEncoder() {
    WebSocketExtensionEncoder deflate =
        new WebSocketExtensionEncoder() {
          @Override
          protected void encode(ChannelHandlerContext ctx, WebSocketFrame msg, List<Object> out) {
            out.add(msg.retain());
          }
        };
    EmbeddedChannel ch = new EmbeddedChannel(new FlushConsolidationHandler(256, true), deflate);
    NettyConnection conn = new NettyConnection(ch, METRICS, null, null);
    conn.write(json("one"));
    conn.flush();

    Object out = ch.readOutbound();
    assertThat(out).isInstanceOf(TextWebSocketFrame.class);
    ((TextWebSocketFrame) out).release();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }
}
