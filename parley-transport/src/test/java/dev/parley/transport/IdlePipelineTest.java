package dev.parley.transport;

import static dev.parley.transport.EmbeddedWebSocket.CONTINUATION;
import static dev.parley.transport.EmbeddedWebSocket.PING;
import static dev.parley.transport.EmbeddedWebSocket.PONG;
import static dev.parley.transport.EmbeddedWebSocket.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.HandshakePolicy;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.UploadGate;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an idle WebSocket keeps after its upgrade and its {@code hello} (docs/BENCHMARKS.md, "Idle
 * heap per connection"), through the server's real pipeline in an {@link
 * io.netty.channel.embedded.EmbeddedChannel} on a real core: the handlers and attributes it no
 * longer holds, or not yet, and the rules those enforced, which still hold (the heartbeat's too).
 */
@Timeout(30)
class IdlePipelineTest {
  static final int MAX_MESSAGE_BYTES = 4096;

  TestNodes core;
  final RecordingMetrics metrics = new RecordingMetrics();
  final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  @BeforeEach
  void start() {
    core = new TestNodes(metrics, HandshakePolicy.ALLOW_ALL);
  }

  @AfterEach
  void stop() {
    core.close();
  }

  ParleyChannelInitializer pipeline(int maxConnections) {
    return new ParleyChannelInitializer(
        TransportConfig.newBuilder()
            .maxFrameBytes(1024)
            .maxMessageBytes(MAX_MESSAGE_BYTES)
            .maxConnections(maxConnections)
            .build(),
        core.node,
        connections,
        HttpApi.NONE,
        UploadGate.NONE);
  }

  static EmbeddedWebSocket open(ParleyChannelInitializer pipeline, Map<String, String> headers) {
    EmbeddedWebSocket ws = new EmbeddedWebSocket(pipeline);
    assertThat(ws.upgrade(headers)).isEqualTo(101);
    return ws;
  }

  @Test
  void afterTheUpgradeTheLimiterAndNettysHandshakerAreGoneAndNoFragmentHandlerIsThereYet() {
    EmbeddedWebSocket ws = new EmbeddedWebSocket(pipeline(100));
    List<Boolean> handshakerKept = new ArrayList<>();
    ws.ch
        .pipeline()
        .addBefore(
            "session",
            "probe",
            new ChannelInboundHandlerAdapter() {
              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                  handshakerKept.add(
                      ctx.channel().hasAttr(WebSocketSessionHandler.NETTY_HANDSHAKER));
                }
                ctx.fireUserEventTriggered(evt);
              }
            });
    try (ws) {
      assertThat(ws.upgrade(Map.of())).isEqualTo(101);
      assertThat(handshakerKept)
          .as("Netty kept its handshaker under this very key until the session handler")
          .containsExactly(true);
      assertThat(ws.ch.hasAttr(WebSocketSessionHandler.NETTY_HANDSHAKER))
          .as("the attribute itself is gone, not only its value")
          .isFalse();
      assertThat(ws.ch.hasAttr(ConnectionLimiter.ADMISSION))
          .as("the session handler holds the limiter's admission")
          .isFalse();
      ws.ch.pipeline().remove("probe");
      assertThat(ws.ch.pipeline().names())
          .doesNotContain(
              "flush",
              "limits",
              WebSocketFrameGuard.UTF8,
              WebSocketFrameGuard.AGGREGATOR,
              "http-body-limit",
              "fallback",
              "ws-guard",
              "http-routes")
          .as("the heartbeat and the flush consolidation are the session handler's")
          .containsSubsequence("ws-frames", "ws", "session");
      ws.sendText("{\"type\":\"ping\",\"ref\":\"r\"}");
      assertThat(ws.nextText()).isEqualTo("{\"type\":\"pong\",\"ref\":\"r\"}");
    }
  }

  @Test
  void theSessionHandlerPingsAnIdleWebSocketAndClosesASilentOneWith4408() {
    try (EmbeddedWebSocket ws = open(pipeline(100), Map.of())) {
      ws.ch.advanceTimeBy(30, TimeUnit.SECONDS);
      ws.ch.runScheduledPendingTasks();
      assertThat(ws.next().opcode()).as("a ping after the default 30 s").isEqualTo(PING);
      ws.send(true, 0, PONG, new byte[0], true);
      ws.ch.advanceTimeBy(10, TimeUnit.SECONDS);
      ws.ch.runScheduledPendingTasks();
      assertThat(ws.next()).as("answered: no close").isNull();
      ws.ch.advanceTimeBy(20, TimeUnit.SECONDS);
      ws.ch.runScheduledPendingTasks();
      assertThat(ws.next().opcode()).isEqualTo(PING);
      ws.ch.advanceTimeBy(10, TimeUnit.SECONDS);
      ws.ch.runScheduledPendingTasks();
      assertThat(ws.closeCode()).isEqualTo(4408);
    }
  }

  @Test
  void anUpgradedConnectionOutOfTheLimitersPipelineHoldsItsPlaceUntilItCloses() {
    ParleyChannelInitializer pipeline = pipeline(1);
    EmbeddedWebSocket first = open(pipeline, Map.of());
    assertThat(first.ch.pipeline().get(ConnectionLimiter.class)).isNull();
    try (EmbeddedWebSocket second = new EmbeddedWebSocket(pipeline)) {
      assertThat(second.upgrade(Map.of())).as("over the total limit of 1").isEqualTo(503);
    }
    assertThat(metrics.events).contains("rejected:connection_limit");
    first.close();
    try (EmbeddedWebSocket third = new EmbeddedWebSocket(pipeline)) {
      assertThat(third.upgrade(Map.of()))
          .as("the upgraded connection released its place when it closed")
          .isEqualTo(101);
    }
  }

  @Test
  void theFirstFragmentedMessageBringsTheValidatorAndTheAggregatorWhichStillLimitsTheNext() {
    try (EmbeddedWebSocket ws = open(pipeline(100), Map.of())) {
      ws.sendText("{\"type\":\"ping\",\"ref\":\"whole\"}");
      assertThat(ws.nextText()).isEqualTo("{\"type\":\"pong\",\"ref\":\"whole\"}");
      assertThat(ws.ch.pipeline().names())
          .as("a message in one frame needs no aggregator")
          .doesNotContain(WebSocketFrameGuard.AGGREGATOR);
      ws.send(false, 0, TEXT, "{\"type\":\"ping\",".getBytes(StandardCharsets.UTF_8), true);
      List<String> names = ws.ch.pipeline().names();
      assertThat(names.indexOf(WebSocketFrameGuard.AGGREGATOR))
          .as("right after Netty's protocol handler, where it always stood")
          .isEqualTo(names.indexOf("ws") + 1);
      assertThat(names.indexOf(WebSocketFrameGuard.UTF8))
          .as("the UTF-8 validator right before it, where it always stood")
          .isEqualTo(names.indexOf("ws") - 1);
      ws.send(true, 0, CONTINUATION, "\"ref\":\"two\"}".getBytes(StandardCharsets.UTF_8), true);
      assertThat(ws.nextText()).isEqualTo("{\"type\":\"pong\",\"ref\":\"two\"}");
      byte[] kb = new byte[1000];
      Arrays.fill(kb, (byte) ' ');
      ws.sendTogether(
          EmbeddedWebSocket.frame(false, 0, TEXT, kb, true),
          EmbeddedWebSocket.frame(false, 0, CONTINUATION, kb, true),
          EmbeddedWebSocket.frame(false, 0, CONTINUATION, kb, true),
          EmbeddedWebSocket.frame(false, 0, CONTINUATION, kb, true),
          EmbeddedWebSocket.frame(true, 0, CONTINUATION, kb, true));
      assertThat(ws.closeCode())
          .as("5,000 bytes in fragments of a 4,096-byte message")
          .isEqualTo(1009);
    }
  }

  @Test
  void afterHelloTheHandshakesPrincipalIsLetGoAndNoEmptyAttributeIsAdded() {
    try (EmbeddedWebSocket ws = open(pipeline(100), Map.of())) {
      ws.sendText("{\"type\":\"hello\",\"ref\":\"h\"}");
      assertThat(ws.nextText()).contains("\"type\":\"welcome\"");
      assertThat(ws.ch.hasAttr(HandshakeGuard.PRINCIPAL)).isFalse();
      assertThat(ws.ch.hasAttr(HandshakeGuard.PARAMS)).isFalse();
    }
    String token = core.visitorToken();
    String user = core.tokens.principal(token).user();
    try (EmbeddedWebSocket ws = open(pipeline(100), Map.of("Authorization", "Bearer " + token))) {
      assertThat(ws.ch.attr(HandshakeGuard.PRINCIPAL).get()).isNotNull();
      ws.sendText("{\"type\":\"hello\",\"ref\":\"h\"}");
      assertThat(ws.nextText())
          .as("the hello is the handshake token's user")
          .contains("\"type\":\"welcome\"")
          .contains("\"user\":\"" + user + "\"");
      assertThat(ws.ch.attr(HandshakeGuard.PRINCIPAL).get()).isNull();
      ws.sendText("{\"type\":\"ping\",\"ref\":\"r\"}");
      assertThat(ws.nextText()).isEqualTo("{\"type\":\"pong\",\"ref\":\"r\"}");
    }
  }
}
