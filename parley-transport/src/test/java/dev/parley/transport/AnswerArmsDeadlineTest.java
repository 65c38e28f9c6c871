package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.HandshakePolicy;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.HttpApi.Listener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The handlers that answer HTTP requests tell {@link ConnectionLimiter} when an answer is written,
 * which arms the next request's deadline on a keep-alive connection (the limiter sees no writes):
 * the routes and the API (also when the API answers later), the fallback sessions' answers, and the
 * WebSocket handshake's refusal by Netty; an upgraded connection has no deadline.
 */
@Timeout(30)
class AnswerArmsDeadlineTest {
  static final long DEADLINE_SECONDS = 10;

  final RecordingMetrics metrics = new RecordingMetrics();
  final HandshakePolicy policy = new HandshakePolicy() {};
  final TestNodes core = new TestNodes(metrics, policy);
  final ConnectionLimiter limiter =
      new ConnectionLimiter(
          100, 100, TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS), metrics, List.of());

  @AfterEach
  void stop() {
    core.close();
  }

  static FullHttpRequest request(HttpMethod method, String uri) {
    FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
    req.headers().set(HttpHeaderNames.HOST, "chat.test");
    return req;
  }

  /** Sends {@code req}, lets the loop run, and drops what was written back. */
  static void send(AddressedChannel ch, FullHttpRequest req) {
    ch.writeInbound(req);
    ch.runPendingTasks();
    drain(ch);
  }

  static void drain(AddressedChannel ch) {
    for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
      ReferenceCountUtil.release(o);
    }
  }

  /** Asserts the connection waits {@code DEADLINE_SECONDS} for its next request, and no longer. */
  void assertNextRequestDeadlineArmed(AddressedChannel ch) {
    ch.advanceTimeBy(DEADLINE_SECONDS - 1, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).as("within the deadline").isTrue();
    ch.advanceTimeBy(1, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).as("no next request within the deadline").isFalse();
    assertThat(metrics.events).containsExactly("rejected:timeout");
  }

  @Test
  void aRoutesKeepAliveAnswerArmsTheNextRequestsDeadline() {
    AddressedChannel ch =
        AddressedChannel.from(
            "192.0.2.1",
            limiter,
            new HttpRequestHandler(
                r -> CompletableFuture.completedFuture(HttpApi.Response.json(200, "{}")),
                Listener.PUBLIC));
    send(ch, request(HttpMethod.GET, "/healthz"));
    assertNextRequestDeadlineArmed(ch);
  }

  @Test
  void whileTheApiIsAnsweringThereIsNoDeadlineAndItsAnswerArmsTheNext() {
    CompletableFuture<HttpApi.Response> later = new CompletableFuture<>();
    AddressedChannel ch =
        AddressedChannel.from(
            "192.0.2.1", limiter, new HttpRequestHandler(r -> later, Listener.PUBLIC));
    send(ch, request(HttpMethod.GET, "/api/queue"));
    ch.advanceTimeBy(10 * DEADLINE_SECONDS, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).as("the server is the slow one").isTrue();

    later.complete(HttpApi.Response.json(200, "{}"));
    ch.runPendingTasks();
    drain(ch);
    assertNextRequestDeadlineArmed(ch);
  }

  @Test
  void aFallbackSessionsKeepAliveAnswerArmsTheNextRequestsDeadline() {
    TransportConfig config = TransportConfig.newBuilder().build();
    AddressedChannel ch =
        AddressedChannel.from(
            "192.0.2.1",
            limiter,
            new HttpSessionHandler(
                core.node, config, new HandshakeGuard(metrics, policy, core.tokens)));
    send(ch, request(HttpMethod.POST, "/rt/open?transport=longpoll"));
    assertThat(metrics.events).containsExactly("opened:longpoll");
    metrics.events.clear();
    assertNextRequestDeadlineArmed(ch);
  }

  /** The handshake's handlers behind the limiter; the upgrade lifts the deadline, as it does. */
  AddressedChannel handshaking() {
    return AddressedChannel.from(
        "192.0.2.1",
        new HttpServerCodec(),
        limiter,
        new HandshakeGuard(metrics, policy, core.tokens),
        new WebSocketServerProtocolHandler("/ws", HandshakeGuard.SUBPROTOCOL, true),
        new ChannelInboundHandlerAdapter() {
          @Override
          public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
              ConnectionLimiter.lift(ctx.channel());
            }
          }
        });
  }

  static FullHttpRequest upgrade(String version) {
    FullHttpRequest req = request(HttpMethod.GET, "/ws");
    req.headers()
        .set(HttpHeaderNames.UPGRADE, "websocket")
        .set(HttpHeaderNames.CONNECTION, "Upgrade")
        .set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, version)
        .set(HttpHeaderNames.SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ==");
    return req;
  }

  @Test
  void nettysRefusalOfAnotherWebSocketVersionArmsTheNextRequestsDeadline() {
    AddressedChannel ch = handshaking();
    send(ch, upgrade("99"));
    metrics.events.clear(); // bad_version
    assertNextRequestDeadlineArmed(ch);
  }

  @Test
  void anUpgradedConnectionHasNoRequestDeadline() {
    AddressedChannel ch = handshaking();
    send(ch, upgrade("13"));
    ch.advanceTimeBy(10 * DEADLINE_SECONDS, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).isTrue();
    assertThat(metrics.events).isEmpty();
    ch.finishAndReleaseAll();
  }
}
