package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ConnectionLimiter} in {@link EmbeddedChannel}s from real client addresses on a frozen
 * clock: the total and per-address limits answer 503, a closed connection frees its place, the
 * HTTP-phase deadline cuts a slow client and each request re-arms it, an upgrade lifts it, and
 * behind a trusted proxy the forwarded client is the one counted.
 */
@Timeout(30)
class ConnectionLimiterTest {
  static final long DEADLINE_SECONDS = 10;
  static final String PROXY = "10.0.0.1";

  final RecordingMetrics metrics = new RecordingMetrics();

  ConnectionLimiter limiter(int total, int perIp) {
    return new ConnectionLimiter(
        total, perIp, TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS), metrics, List.of(PROXY));
  }

  /**
   * A connection from {@code ip} through {@code limiter}; requests it lets through are answered by
   * nothing and released.
   */
  static AddressedChannel connect(ConnectionLimiter limiter, String ip) {
    return AddressedChannel.from(
        ip,
        limiter,
        new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            ctx.channel().attr(PASSED).set(Boolean.TRUE);
          }
        });
  }

  /** Set on a channel when a request went past the limiter. */
  static final AttributeKey<Boolean> PASSED = AttributeKey.valueOf("testPassed");

  static FullHttpRequest get(String xff) {
    FullHttpRequest req =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/healthz");
    if (xff != null) {
      req.headers().set("X-Forwarded-For", xff);
    }
    return req;
  }

  /**
   * Sends a request; returns the status of the limiter's refusal, or 0 when the request was let
   * through.
   */
  static int request(EmbeddedChannel ch, String xff) {
    ch.attr(PASSED).set(null);
    ch.writeInbound(get(xff));
    if (Boolean.TRUE.equals(ch.attr(PASSED).get())) {
      return 0;
    }
    FullHttpResponse res = ch.readOutbound();
    try {
      return res.status().code();
    } finally {
      res.release();
    }
  }

  @Test
  void overTheTotalLimitTheRequestGets503AndTheConnectionCloses() {
    ConnectionLimiter l = limiter(2, 100);
    AddressedChannel a = connect(l, "192.0.2.1");
    AddressedChannel b = connect(l, "192.0.2.2");
    AddressedChannel c = connect(l, "192.0.2.3");
    assertThat(request(a, null)).isZero();
    assertThat(request(b, null)).isZero();
    assertThat(request(c, null)).isEqualTo(503);
    assertThat(c.isActive()).isFalse();
    assertThat(metrics.events).containsExactly("rejected:connection_limit");
    a.close();
    assertThat(request(connect(l, "192.0.2.4"), null))
        .as("a closed connection frees its place")
        .isZero();
  }

  @Test
  void overThePerAddressLimit503WhileOtherAddressesGetIn() {
    ConnectionLimiter l = limiter(100, 2);
    AddressedChannel first = connect(l, "192.0.2.1");
    assertThat(request(first, null)).isZero();
    assertThat(request(connect(l, "192.0.2.1"), null)).isZero();
    assertThat(request(connect(l, "192.0.2.1"), null)).isEqualTo(503);
    assertThat(request(connect(l, "192.0.2.9"), null)).isZero();
    first.close();
    assertThat(request(connect(l, "192.0.2.1"), null)).isZero();
  }

  @Test
  void aConnectionThatDoesNotCompleteItsRequestWithinTheDeadlineIsClosedAndCounted() {
    AddressedChannel slow = connect(limiter(100, 100), "192.0.2.1");
    slow.advanceTimeBy(DEADLINE_SECONDS - 1, TimeUnit.SECONDS);
    slow.runScheduledPendingTasks();
    assertThat(slow.isActive()).isTrue();
    slow.advanceTimeBy(1, TimeUnit.SECONDS);
    slow.runScheduledPendingTasks();
    assertThat(slow.isActive()).isFalse();
    assertThat(metrics.events).containsExactly("rejected:timeout");
  }

  @Test
  void eachRequestGetsItsOwnDeadlineAndLiftingItKeepsTheConnection() {
    AddressedChannel ch = connect(limiter(100, 100), "192.0.2.1");
    ch.advanceTimeBy(DEADLINE_SECONDS - 1, TimeUnit.SECONDS);
    assertThat(request(ch, null))
        .isZero(); // keep-alive: the next request has a deadline of its own
    ch.advanceTimeBy(DEADLINE_SECONDS - 1, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).isTrue();
    ConnectionLimiter.lift(ch); // upgraded: the heartbeat watches it from now on
    ch.advanceTimeBy(10 * DEADLINE_SECONDS, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).isTrue();
    assertThat(metrics.events).isEmpty();
  }

  @Test
  void whileARequestIsAnsweredThereIsNoDeadlineAndTheAnswerArmsTheNextOne() {
    AddressedChannel ch = connect(limiter(100, 100), "192.0.2.1");
    assertThat(request(ch, null)).isZero();
    ch.advanceTimeBy(10 * DEADLINE_SECONDS, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).as("the server is the slow one").isTrue();

    ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    ReferenceCountUtil.release(ch.readOutbound());
    ch.advanceTimeBy(10 * DEADLINE_SECONDS, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).as("writes do not pass the limiter; the answerer says").isTrue();

    ConnectionLimiter.answered(ch); // what every answerer calls after the answer's end
    ch.advanceTimeBy(DEADLINE_SECONDS - 1, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).isTrue();
    ch.advanceTimeBy(1, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).as("no next request within the deadline").isFalse();
    assertThat(metrics.events).containsExactly("rejected:timeout");
  }

  @Test
  void theLimiterIsInboundOnlySoNoWriteOfAnyConnectionPassesThroughIt() {
    assertThat(limiter(100, 100)).isNotInstanceOf(ChannelOutboundHandler.class);
  }

  @Test
  void anAnswerAfterTheDeadlineWasLiftedArmsNothing() {
    AddressedChannel ch = connect(limiter(100, 100), "192.0.2.1");
    assertThat(request(ch, null)).isZero();
    ConnectionLimiter.lift(ch); // upgraded, or an event stream
    ConnectionLimiter.answered(ch);
    ch.advanceTimeBy(10 * DEADLINE_SECONDS, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).isTrue();
    assertThat(metrics.events).isEmpty();
  }

  @Test
  void anAdmittedUploadIsTimedByItsProgressNotByTheRequestDeadline() {
    AddressedChannel ch = connect(limiter(100, 100), "192.0.2.1");
    ConnectionLimiter.bodyStarted(ch);
    for (int i = 0; i < 5; i++) { // 45 s of a slow but steady body
      ch.advanceTimeBy(DEADLINE_SECONDS - 1, TimeUnit.SECONDS);
      ch.runScheduledPendingTasks();
      ConnectionLimiter.bodyProgress(ch);
    }
    assertThat(ch.isActive()).isTrue();
    ch.advanceTimeBy(DEADLINE_SECONDS - 1, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).isTrue();
    ch.advanceTimeBy(1, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).as("no byte for the deadline").isFalse();
    assertThat(metrics.events).containsExactly("rejected:timeout");
  }

  @Test
  void anUploadThatTakesLongerThanTheLongestInAllIsClosedThoughItProgresses() {
    AddressedChannel ch = connect(limiter(100, 100), "192.0.2.1");
    ConnectionLimiter.bodyStarted(ch);
    long steps = TimeUnit.NANOSECONDS.toSeconds(ConnectionLimiter.UPLOAD_LONGEST_NANOS) / 5;
    for (long i = 0; i < steps - 1; i++) {
      ch.advanceTimeBy(5, TimeUnit.SECONDS);
      ch.runScheduledPendingTasks();
      ConnectionLimiter.bodyProgress(ch);
    }
    assertThat(ch.isActive()).isTrue();
    ch.advanceTimeBy(5, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void behindATrustedProxyTheRightMostUntrustedForwardedAddressIsTheOneCounted() throws Exception {
    ConnectionLimiter l = limiter(100, 1);
    AddressedChannel viaProxy = connect(l, PROXY);
    assertThat(request(viaProxy, "198.51.100.7, " + PROXY)).isZero();
    assertThat(ConnectionLimiter.client(viaProxy)).isEqualTo(InetAddress.getByName("198.51.100.7"));
    assertThat(request(connect(l, PROXY), "203.0.113.5, 198.51.100.7"))
        .as("same client, second connection")
        .isEqualTo(503);
    assertThat(request(connect(l, PROXY), "198.51.100.7, 203.0.113.8"))
        .as("another client through the proxy")
        .isZero();
    assertThat(request(connect(l, PROXY), null))
        .as("the proxy itself is never limited per address")
        .isZero();
    assertThat(request(connect(l, PROXY), null)).isZero();
  }

  @Test
  void onAProxysPooledConnectionEachRequestIsItsOwnClients() throws Exception {
    ConnectionLimiter l = limiter(100, 10);
    AddressedChannel pooled = connect(l, PROXY);
    assertThat(request(pooled, "198.51.100.7")).isZero();
    assertThat(ConnectionLimiter.client(pooled)).isEqualTo(InetAddress.getByName("198.51.100.7"));
    assertThat(request(pooled, "203.0.113.8")).isZero();
    assertThat(ConnectionLimiter.client(pooled))
        .as("the next request on the kept-alive connection is another visitor's")
        .isEqualTo(InetAddress.getByName("203.0.113.8"));
    assertThat(l.clientOf(pooled, get("203.0.113.9")))
        .as("a request's head, before the limiter counted it")
        .isEqualTo(InetAddress.getByName("203.0.113.9"));
    assertThat(request(pooled, null)).isZero();
    assertThat(ConnectionLimiter.client(pooled))
        .as("the proxy's own request: no client address to limit")
        .isNull();
    assertThat(l.clientOf(pooled, get(null))).isNull();
  }

  @Test
  void fromAnUntrustedPeerXForwardedForIsIgnored() throws Exception {
    ConnectionLimiter l = limiter(100, 1);
    AddressedChannel a = connect(l, "192.0.2.1");
    assertThat(request(a, "198.51.100.1")).isZero();
    assertThat(ConnectionLimiter.client(a)).isEqualTo(InetAddress.getByName("192.0.2.1"));
    assertThat(request(connect(l, "192.0.2.1"), "198.51.100.2"))
        .as("a forged header does not dodge the limit")
        .isEqualTo(503);
  }

  @Test
  void anEntryThatIsNotAnIpAddressEndsTheWalk() throws Exception {
    ConnectionLimiter l = limiter(100, 100);
    InetAddress proxy = InetAddress.getByName(PROXY);
    assertThat(l.forwardedClient(proxy, "198.51.100.7, example.com")).isEqualTo(proxy);
    assertThat(l.forwardedClient(proxy, PROXY + ", " + PROXY)).isEqualTo(proxy);
    assertThat(l.forwardedClient(proxy, "2001:db8::1"))
        .isEqualTo(InetAddress.getByName("2001:db8::1"));
  }
}
