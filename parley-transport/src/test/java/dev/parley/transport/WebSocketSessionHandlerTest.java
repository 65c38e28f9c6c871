package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.HandshakePolicy;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link WebSocketSessionHandler} alone in an {@link EmbeddedChannel} on a frozen clock, with a
 * real core: text frames reach the session and its answers come back, text that is not UTF-8 closes
 * with 1007, binary frames with 1003, close frames are echoed (or 1002 for a code not allowed on
 * the wire), the violations the handlers before it report close with their code and stop everything
 * after them, a consumer that stays unwritable for the grace is cut with 4503, and the handler is
 * the connection's heartbeat (4408), which also ends a read whose end never came. An upgrade told
 * after the connection ended opens no session.
 */
@Timeout(30)
class WebSocketSessionHandlerTest {
  static final Duration GRACE = Duration.ofSeconds(10);
  static final long PING_INTERVAL = TimeUnit.SECONDS.toNanos(30);
  static final long PONG_TIMEOUT = TimeUnit.SECONDS.toNanos(10);

  TestNodes core;
  RecordingMetrics metrics = new RecordingMetrics();
  final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  EmbeddedChannel ch;

  @BeforeEach
  void open() {
    core = new TestNodes(metrics, HandshakePolicy.ALLOW_ALL);
    ch = new EmbeddedChannel(handler());
    ch.freezeTime();
    ch.pipeline()
        .fireUserEventTriggered(
            new WebSocketServerProtocolHandler.HandshakeComplete(
                "/ws", new DefaultHttpHeaders(), null));
  }

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
    core.close();
  }

  /** The handler as the initializer makes it, with the default heartbeat (30 s, then 10 s). */
  WebSocketSessionHandler handler() {
    return new WebSocketSessionHandler(
        new WebSocketSessionHandler.Shared(
            core.node,
            connections,
            GRACE,
            new SharedHeaderValues(),
            new HeartbeatWheel.PerLoop(PING_INTERVAL, PONG_TIMEOUT)));
  }

  String command(String json) {
    ch.writeInbound(new TextWebSocketFrame(json));
    ch.runPendingTasks();
    TextWebSocketFrame answer = ch.readOutbound();
    try {
      return answer.text();
    } finally {
      answer.release();
    }
  }

  int closeCodeSent() {
    ch.runPendingTasks();
    CloseWebSocketFrame close = ch.readOutbound();
    assertThat(close).as("a close frame").isNotNull();
    try {
      return close.statusCode();
    } finally {
      close.release();
    }
  }

  @Test
  void theUpgradeOpensASessionAndTextFramesReachIt() {
    assertThat(core.node.sessionCount()).isEqualTo(1);
    assertThat(connections.contains(ch)).isTrue();
    assertThat(metrics.events).contains("opened:websocket");
    assertThat(command("{\"type\":\"ping\",\"ref\":\"one\"}"))
        .isEqualTo("{\"type\":\"pong\",\"ref\":\"one\"}");
    assertThat(command("{\"type\":\"hello\"}")).contains("\"type\":\"welcome\"");
  }

  @Test
  void anUpgradeThatIsToldAfterTheConnectionEndedOpensNoSession() {
    EmbeddedChannel late = new EmbeddedChannel(handler());
    // Closed, and told so, with the handler still in place (a plain close() would also take the
    // pipeline down, and no event would reach it).
    late.unsafe().closeForcibly();
    late.pipeline().fireChannelInactive();
    assertThat(late.isActive()).isFalse();
    late.pipeline()
        .fireUserEventTriggered(
            new WebSocketServerProtocolHandler.HandshakeComplete(
                "/ws", new DefaultHttpHeaders(), null));
    assertThat(core.node.sessionCount()).as("only the open channel's session").isEqualTo(1);
    assertThat(connections.contains(late)).isFalse();
    assertThat(metrics.events).containsOnlyOnce("opened:websocket");
    late.finishAndReleaseAll();
  }

  @Test
  void textThatIsNotUtf8IsClosedWith1007AndNothingAfterItIsCarriedOut() {
    // As in the server: flushes wait for the end of the read, so the frame that follows in the same
    // read arrives while the connection is still open.
    EmbeddedChannel c = new EmbeddedChannel(new FlushConsolidationHandler(256, true), handler());
    c.pipeline()
        .fireUserEventTriggered(
            new WebSocketServerProtocolHandler.HandshakeComplete(
                "/ws", new DefaultHttpHeaders(), null));
    c.writeInbound(new TextWebSocketFrame("{\"type\":\"ping\",\"ref\":\"€\"}"));
    c.runPendingTasks();
    TextWebSocketFrame pong = c.readOutbound();
    assertThat(pong.text()).as("UTF-8 beyond ASCII").isEqualTo("{\"type\":\"pong\",\"ref\":\"€\"}");
    pong.release();
    byte[] surrogate = {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'}; // U+D800, RFC 3629 3
    c.writeInbound(
        new TextWebSocketFrame(Unpooled.wrappedBuffer(surrogate)),
        new TextWebSocketFrame("{\"type\":\"juggle\"}"));
    c.runPendingTasks();
    CloseWebSocketFrame close = c.readOutbound();
    assertThat(close.statusCode()).isEqualTo(1007);
    assertThat(close.reasonText()).isEqualTo("bytes are not UTF-8");
    close.release();
    assertThat(c.<Object>readOutbound()).as("nothing after the close frame").isNull();
    assertThat(metrics.events)
        .as("neither the text nor the command after it reached the session")
        .noneMatch(e -> e.startsWith("command-rejected"));
    assertThat(c.isActive()).isFalse();
    assertThat(metrics.events).contains("closed:websocket:1007");
    c.finishAndReleaseAll();
  }

  @Test
  void silenceAfterAPingClosesWith4408AndEndsTheSessionWhileAnyFrameAnswersIt() {
    ch.advanceTimeBy(30, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    PingWebSocketFrame ping = ch.readOutbound();
    assertThat(ping).as("a ping one interval after the upgrade").isNotNull();
    ping.release();
    ch.advanceTimeBy(5, TimeUnit.SECONDS);
    assertThat(command("{\"type\":\"ping\",\"ref\":\"r\"}")).contains("pong");
    ch.advanceTimeBy(5, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).as("a text frame answered the ping").isTrue();
    assertThat(ch.<Object>readOutbound()).isNull();

    ch.advanceTimeBy(20, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    PingWebSocketFrame second = ch.readOutbound();
    assertThat(second).as("the next ping, one interval after the first").isNotNull();
    second.release();
    ch.advanceTimeBy(10, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(closeCodeSent()).isEqualTo(4408);
    ch.runPendingTasks();
    assertThat(ch.isActive()).isFalse();
    assertThat(core.node.sessionCount()).isZero();
    assertThat(metrics.events).contains("closed:websocket:4408");
  }

  @Test
  void aReadWhoseEndNeverCameHoldsItsAnswersOnlyUntilTheNextHeartbeat() {
    // A read without channelReadComplete (no handler drops one today; this bounds it if one did).
    ch.pipeline().fireChannelRead(new TextWebSocketFrame("{\"type\":\"ping\",\"ref\":\"r\"}"));
    ch.runPendingTasks();
    assertThat(ch.<Object>readOutbound()).as("held for the end of the read").isNull();

    ch.advanceTimeBy(30, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    TextWebSocketFrame pong = ch.readOutbound();
    assertThat(pong).as("let go at the heartbeat's visit").isNotNull();
    assertThat(pong.text()).isEqualTo("{\"type\":\"pong\",\"ref\":\"r\"}");
    pong.release();
    PingWebSocketFrame ping = ch.readOutbound();
    assertThat(ping).as("then the heartbeat's own ping").isNotNull();
    ping.release();

    // The ping's flush would have let the held write go anyway; what the visit must also end is the
    // read: a write after it is flushed by the next loop turn, not held for another interval.
    ch.writeAndFlush(new TextWebSocketFrame("after"));
    ch.runPendingTasks();
    TextWebSocketFrame after = ch.readOutbound();
    assertThat(after).as("no read in progress any more").isNotNull();
    after.release();
  }

  @Test
  void aBinaryFrameIsClosedWith1003() {
    ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
    assertThat(closeCodeSent()).isEqualTo(1003);
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void aPongIsSwallowed() {
    ch.writeInbound(new PongWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1})));
    ch.runPendingTasks();
    assertThat(ch.<Object>readOutbound()).isNull();
    assertThat(ch.<Object>readInbound()).isNull();
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void aValidCloseIsEchoedAndTheSessionEndsCountedWithItsCode() {
    ch.writeInbound(new CloseWebSocketFrame(4000, "done"));
    assertThat(closeCodeSent()).isEqualTo(4000);
    ch.runPendingTasks();
    assertThat(ch.isActive()).isFalse();
    assertThat(core.node.sessionCount()).isZero();
    assertThat(metrics.events).contains("closed:websocket:4000");
  }

  @Test
  void aCloseWithoutACodeIsAnsweredWithoutOne() {
    ch.writeInbound(new CloseWebSocketFrame(true, 0, Unpooled.EMPTY_BUFFER));
    assertThat(closeCodeSent()).isEqualTo(-1);
    ch.runPendingTasks();
    assertThat(metrics.events).contains("closed:websocket:1005");
  }

  @Test
  void closeCodesTheRfcDoesNotAllowOnTheWireAre1002() {
    for (int code : new int[] {5000, 1015, 1005}) {
      EmbeddedChannel c = new EmbeddedChannel(handler());
      c.pipeline()
          .fireUserEventTriggered(
              new WebSocketServerProtocolHandler.HandshakeComplete(
                  "/ws", new DefaultHttpHeaders(), null));
      // Netty's frame decoder refuses most such codes before this handler; 5000 and up it lets
      // through.
      c.writeInbound(
          new CloseWebSocketFrame(
              false, 0, Unpooled.wrappedBuffer(new byte[] {(byte) (code >> 8), (byte) code})));
      c.runPendingTasks();
      CloseWebSocketFrame sent = c.readOutbound();
      assertThat(sent.statusCode()).as("code %d", code).isEqualTo(1002);
      sent.release();
      c.finishAndReleaseAll();
    }
  }

  @Test
  void violationsReportedBeforeThisHandlerCloseWithTheirCodeAndNothingAfterThemIsCarriedOut() {
    // As in the server: flushes wait for the end of the read, so the frame that follows the
    // violation in the same read arrives while the connection is still open.
    EmbeddedChannel c =
        new EmbeddedChannel(
            new FlushConsolidationHandler(256, true),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Throwable t) {
                  ctx.fireExceptionCaught(t); // what the frame decoder or the UTF-8 validator does
                } else {
                  ctx.fireChannelRead(msg);
                }
              }
            },
            handler());
    c.pipeline()
        .fireUserEventTriggered(
            new WebSocketServerProtocolHandler.HandshakeComplete(
                "/ws", new DefaultHttpHeaders(), null));
    c.writeInbound(
        new CorruptedWebSocketFrameException(
            WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "bytes not UTF-8"),
        new TextWebSocketFrame("{\"type\":\"juggle\"}"));
    c.runPendingTasks();
    CloseWebSocketFrame close = c.readOutbound();
    assertThat(close.statusCode()).isEqualTo(1007);
    close.release();
    assertThat(c.<Object>readOutbound()).as("nothing after the close frame").isNull();
    assertThat(metrics.events)
        .as("the command after the violation never reached the session")
        .noneMatch(e -> e.startsWith("command-rejected"));
    assertThat(c.isActive()).isFalse();
    c.finishAndReleaseAll();

    for (Object[] v :
        new Object[][] {
          {
            new CorruptedWebSocketFrameException(
                WebSocketCloseStatus.PROTOCOL_ERROR, "reserved bits"),
            1002
          },
          {
            new CorruptedWebSocketFrameException(
                WebSocketCloseStatus.MESSAGE_TOO_BIG, "frame too big"),
            1009
          },
          {new TooLongFrameException("message too big"), 1009}
        }) {
      EmbeddedChannel other = new EmbeddedChannel(handler());
      other.pipeline().fireExceptionCaught((Throwable) v[0]);
      other.runPendingTasks();
      CloseWebSocketFrame sent = other.readOutbound();
      assertThat(sent.statusCode()).as("%s", v[0]).isEqualTo(v[1]);
      sent.release();
      other.finishAndReleaseAll();
    }
  }

  @Test
  void aConsumerUnwritableForTheWholeGraceIsCutWith4503AndOneThatRecoversIsNot() {
    ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
    ch.write(new TextWebSocketFrame("more than sixteen bytes, queued and not flushed"));
    ch.runPendingTasks();
    assertThat(ch.isWritable()).isFalse();
    ch.advanceTimeBy(GRACE.toSeconds() - 1, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).as("within the grace").isTrue();
    ch.flush(); // the peer read: writable again, the check is called off
    ch.runPendingTasks();
    assertThat(ch.isWritable()).isTrue();
    ch.advanceTimeBy(GRACE.toSeconds(), TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).isTrue();
    releaseOutbound();

    ch.write(new TextWebSocketFrame("more than sixteen bytes, queued and not flushed"));
    ch.runPendingTasks();
    ch.advanceTimeBy(GRACE.toSeconds(), TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    ch.runPendingTasks();
    assertThat(ch.isActive()).as("unwritable for the whole grace").isFalse();
    assertThat(ch.attr(NettyConnection.CLOSE_CODE).get()).isEqualTo(4503);
    assertThat(metrics.events).contains("slow-consumer", "closed:websocket:4503");
  }

  void releaseOutbound() {
    for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
      ReferenceCountUtil.release(o);
    }
  }
}
