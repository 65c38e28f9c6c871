package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.CoreMetrics;
import dev.parley.core.HandshakePolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Writes on an upgraded WebSocket channel, with the real {@link WebSocketSessionHandler} at its
 * end: the fan-out's batch ({@link NettyConnection#write} holds frames back until {@link
 * NettyConnection#flush}, which reaches the socket at once, not deferred by the flush
 * consolidation; the frames are Netty's own encoding of a text frame, encoded once per loop), and
 * the session handler's flush consolidation of {@link NettyConnection#send}: the writes of a read,
 * or of one loop turn, leave in one flush.
 */
@Timeout(10)
class NettyConnectionBatchTest {
  static final CoreMetrics METRICS = new CoreMetrics() {};

  final TestNodes core = new TestNodes(new RecordingMetrics(), HandshakePolicy.ALLOW_ALL);
  final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  @AfterEach
  void stop() {
    core.close();
  }

  /** Counts the flushes that reach the socket end of the pipeline. */
  static final class FlushCounter extends ChannelOutboundHandlerAdapter {
    final AtomicInteger flushes = new AtomicInteger();

    @Override
    public void flush(ChannelHandlerContext ctx) {
      flushes.incrementAndGet();
      ctx.flush();
    }
  }

  /** Parley's WebSocket pipeline as far as writes go: the upgraded session handler at its end. */
  EmbeddedChannel channel(FlushCounter counter) {
    EmbeddedChannel ch =
        new EmbeddedChannel(
            counter,
            new WebSocketSessionHandler(
                new WebSocketSessionHandler.Shared(
                    core.node,
                    connections,
                    Duration.ofSeconds(10),
                    new SharedHeaderValues(),
                    new HeartbeatWheel.PerLoop(
                        TimeUnit.SECONDS.toNanos(30), TimeUnit.SECONDS.toNanos(10)))));
    ch.pipeline()
        .fireUserEventTriggered(
            new WebSocketServerProtocolHandler.HandshakeComplete(
                "/ws", new DefaultHttpHeaders(), null));
    return ch;
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
    NettyConnection conn = new NettyConnection(ch, METRICS, null, null, null);
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
    NettyConnection ca = new NettyConnection(a, METRICS, null, null, null);
    NettyConnection cb = new NettyConnection(b, METRICS, null, null, null);
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
  void sendsDuringAReadLeaveInOneFlushAtItsEndAndACloseLetsHeldFlushesGo() {
    FlushCounter counter = new FlushCounter();
    EmbeddedChannel ch = channel(counter);
    NettyConnection conn = new NettyConnection(ch, METRICS, null, null, null);
    conn.send(json("one"));
    // Outside a read the flush waits for a task queued on the loop, which an EmbeddedChannel runs
    // at the end of writeAndFlush.
    assertThat(counter.flushes).as("flushed by the loop's task").hasValue(1);
    releaseOutbound(ch);

    ch.writeInbound(
        new TextWebSocketFrame("{\"type\":\"ping\",\"ref\":\"a\"}"),
        new TextWebSocketFrame("{\"type\":\"ping\",\"ref\":\"b\"}"));
    assertThat(counter.flushes).as("the answers to one read: one flush, at its end").hasValue(2);
    assertThat(ch.outboundMessages()).hasSize(2);
    releaseOutbound(ch);

    ch.pipeline().fireChannelRead("a read in progress");
    for (int i = 0; i < WebSocketSessionHandler.MAX_FLUSHES_HELD; i++) {
      conn.send(json("n" + i));
    }
    assertThat(counter.flushes).as("256 flushes held: one goes through").hasValue(3);
    conn.send(json("last"));
    ch.close();
    assertThat(counter.flushes).as("a close lets what is held go first").hasValue(4);
    assertThat(ch.outboundMessages()).hasSize(WebSocketSessionHandler.MAX_FLUSHES_HELD + 1);
    releaseOutbound(ch);
    assertThat(ch.<String>readInbound()).as("passed on").isEqualTo("a read in progress");
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void theClientAddressIsTheOneTheLimiterCountedAndThePeerShowsWhenItDiffers()
      throws UnknownHostException {
    AddressedChannel proxy = AddressedChannel.from("192.0.2.1");
    NettyConnection forwarded =
        new NettyConnection(proxy, METRICS, null, null, InetAddress.getByName("198.51.100.7"));
    assertThat(forwarded.clientAddress()).isEqualTo("198.51.100.7");
    assertThat(forwarded.remoteAddress()).isEqualTo("198.51.100.7 (via 192.0.2.1:40000)");
    NettyConnection direct = new NettyConnection(proxy, METRICS, null, null, null);
    assertThat(direct.clientAddress())
        .as("unknown to the limiter: the peer")
        .isEqualTo("192.0.2.1");
    assertThat(direct.remoteAddress()).isEqualTo("192.0.2.1:40000");
    assertThat(proxy.finishAndReleaseAll()).isFalse();
  }

  static void releaseOutbound(EmbeddedChannel ch) {
    for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
      ReferenceCountUtil.release(o);
    }
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
    EmbeddedChannel ch = new EmbeddedChannel(deflate);
    NettyConnection conn = new NettyConnection(ch, METRICS, null, null, null);
    conn.write(json("one"));
    conn.flush();

    Object out = ch.readOutbound();
    assertThat(out).isInstanceOf(TextWebSocketFrame.class);
    ((TextWebSocketFrame) out).release();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }
}
