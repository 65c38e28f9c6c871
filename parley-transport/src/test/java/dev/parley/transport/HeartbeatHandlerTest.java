package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat on Netty's embedded clock: pings, the 4408 close, and the pong that prevents it.
 */
class HeartbeatHandlerTest {
  static final long INTERVAL = TimeUnit.SECONDS.toNanos(30);
  static final long TIMEOUT = TimeUnit.SECONDS.toNanos(10);

  EmbeddedChannel ch;

  @BeforeEach
  void open() {
    ch = new EmbeddedChannel(new HeartbeatHandler(new HeartbeatWheel.PerLoop(INTERVAL, TIMEOUT)));
    ch.freezeTime();
    ch.pipeline()
        .fireUserEventTriggered(
            new WebSocketServerProtocolHandler.HandshakeComplete(
                "/ws", new DefaultHttpHeaders(), null));
  }

  void advance(long seconds) {
    ch.advanceTimeBy(seconds, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
  }

  @Test
  void pingsAfterTheIntervalAndNotBefore() {
    advance(29);
    assertThat(ch.<Object>readOutbound()).isNull();
    advance(1);
    PingWebSocketFrame ping = ch.readOutbound();
    assertThat(ping).isNotNull();
    ping.release();
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void silenceAfterAPingClosesWith4408() {
    advance(30);
    ((PingWebSocketFrame) ch.readOutbound()).release();
    advance(9);
    assertThat(ch.isActive()).isTrue();
    advance(1);
    CloseWebSocketFrame close = ch.readOutbound();
    assertThat(close.statusCode()).isEqualTo(4408);
    close.release();
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void aPongKeepsTheConnectionAndTheNextPingFollowsOneIntervalLater() {
    advance(30);
    ((PingWebSocketFrame) ch.readOutbound()).release();
    advance(2);
    ch.writeInbound(new PongWebSocketFrame(Unpooled.EMPTY_BUFFER));
    ((PongWebSocketFrame) ch.readInbound()).release();
    advance(8);
    assertThat(ch.isActive()).isTrue();
    assertThat(ch.<Object>readOutbound()).isNull();
    advance(20);
    PingWebSocketFrame second = ch.readOutbound();
    assertThat(second).isNotNull();
    second.release();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void noPingsBeforeTheHandshakeCompletes() {
    EmbeddedChannel fresh =
        new EmbeddedChannel(new HeartbeatHandler(new HeartbeatWheel.PerLoop(INTERVAL, TIMEOUT)));
    fresh.freezeTime();
    fresh.advanceTimeBy(120, TimeUnit.SECONDS);
    fresh.runScheduledPendingTasks();
    assertThat(fresh.<Object>readOutbound()).isNull();
    assertThat(fresh.finish()).isFalse();
  }
}
