package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.UploadGate;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link RequestBodyLimit} in {@link EmbeddedChannel}s with the real aggregator behind it and a
 * gate the test answers by hand: ordinary bodies are bounded, an upload's large body waits for the
 * gate (the connection reading nothing meanwhile) and then for a slot, per node and per client
 * address, and a refusal is answered before any of the body is buffered.
 */
class RequestBodyLimitTest {
  static final String UPLOAD = "/api/admin/sites/acme/knowledge?filename=a.pdf";

  final RequestBodyLimit.Slots slots = new RequestBodyLimit.Slots(3, 2);

  /** The gate's questions, in order; each answered by completing its future. */
  final List<CompletableFuture<Optional<HttpApi.Response>>> asked = new ArrayList<>();

  final List<String> askedPaths = new ArrayList<>();

  final UploadGate gate =
      head -> {
        askedPaths.add(head.path());
        CompletableFuture<Optional<HttpApi.Response>> f = new CompletableFuture<>();
        asked.add(f);
        return f;
      };

  final UploadGate admitAll = head -> CompletableFuture.completedFuture(Optional.empty());

  final ConnectionLimiter limiter =
      new ConnectionLimiter(
          100, 100, TimeUnit.SECONDS.toNanos(10), new RecordingMetrics(), List.of());

  EmbeddedChannel channel(UploadGate g) {
    return new EmbeddedChannel(
        new RequestBodyLimit(slots, g, null),
        new HttpObjectAggregator(RequestBodyLimit.UPLOAD_BYTES));
  }

  EmbeddedChannel from(String ip) {
    return AddressedChannel.from(
        ip,
        limiter,
        new RequestBodyLimit(slots, admitAll, limiter),
        new HttpObjectAggregator(RequestBodyLimit.UPLOAD_BYTES));
  }

  static HttpRequest post(String uri, long length, boolean bearer) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri);
    if (length >= 0) {
      r.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
    }
    if (bearer) {
      r.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer t");
    }
    return r;
  }

  static void assertRefused(EmbeddedChannel ch, HttpResponseStatus status) {
    ch.runPendingTasks();
    FullHttpResponse res = ch.readOutbound();
    assertThat(res.status()).isEqualTo(status);
    assertThat(res.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
    assertThat(res.headers().get("X-Content-Type-Options"))
        .as("a refusal carries the headers every answer does")
        .isEqualTo("nosniff");
    res.release();
    assertThat(ch.isOpen()).isFalse();
    assertThat(ch.<Object>readInbound()).as("nothing goes further").isNull();
  }

  static void assertWhole(EmbeddedChannel ch, int size) {
    FullHttpRequest req = ch.readInbound();
    assertThat(req.content().readableBytes()).isEqualTo(size);
    req.release();
  }

  @Test
  void behindATrustedProxyTheGateIsAskedWithThisRequestsForwardedClient() {
    ConnectionLimiter proxied =
        new ConnectionLimiter(
            100, 100, TimeUnit.SECONDS.toNanos(10), new RecordingMetrics(), List.of("10.0.0.1"));
    List<String> askedFrom = new ArrayList<>();
    UploadGate recording =
        head -> {
          askedFrom.add(head.remoteAddress());
          return CompletableFuture.completedFuture(Optional.empty());
        };
    EmbeddedChannel ch =
        AddressedChannel.from(
            "10.0.0.1",
            proxied,
            new RequestBodyLimit(slots, recording, proxied),
            new HttpObjectAggregator(RequestBodyLimit.UPLOAD_BYTES));
    HttpRequest upload = post(UPLOAD, RequestBodyLimit.SMALL_BYTES * 2, true);
    upload.headers().set("X-Forwarded-For", "198.51.100.7");
    ch.writeInbound(upload);
    ch.runPendingTasks();
    assertThat(askedFrom)
        .as("the visitor behind the proxy, not the proxy (nor an earlier request's client)")
        .containsExactly("198.51.100.7");
    ch.close();
  }

  @Test
  void anAdmittedUploadMayBeLargerThanAnOrdinaryRequest() {
    EmbeddedChannel ch = channel(admitAll);
    int size = RequestBodyLimit.SMALL_BYTES * 3;
    ch.writeInbound(post(UPLOAD, size, true));
    ch.runPendingTasks();
    ch.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[size])));
    assertWhole(ch, size);
    assertThat(ch.<Object>readOutbound()).isNull();
    assertThat(slots.used()).as("the whole body arrived: its slot is free").isZero();
  }

  @Test
  void whileTheGateDecidesTheConnectionReadsNothingAndWhatArrivedWaitsInOrder() {
    EmbeddedChannel ch = channel(gate);
    int size = RequestBodyLimit.SMALL_BYTES * 2;
    ch.writeInbound(post("/api/conversations/chat_1/files?name=a.png", size, true));
    ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[size / 2])));
    assertThat(askedPaths).containsExactly("/api/conversations/chat_1/files");
    assertThat(ch.config().isAutoRead()).as("paused while the gate decides").isFalse();
    assertThat(slots.used()).as("no slot before the gate admits").isZero();
    assertThat(ch.<Object>readInbound()).isNull();

    asked.get(0).complete(Optional.empty());
    ch.runPendingTasks();
    assertThat(ch.config().isAutoRead()).isTrue();
    assertThat(slots.used()).isEqualTo(1);
    ch.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[size / 2])));
    assertWhole(ch, size);
    assertThat(slots.used()).isZero();
  }

  @Test
  void theGatesRefusalIsAnsweredAtOnceAndNothingOfTheBodyIsKept() {
    EmbeddedChannel ch = channel(gate);
    ch.writeInbound(post(UPLOAD, RequestBodyLimit.SMALL_BYTES * 4L, true));
    ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[100])));
    asked
        .get(0)
        .complete(
            Optional.of(
                HttpApi.Response.json(401, "{\"error\":\"unauthorized\",\"message\":\"\"}")));
    ch.runPendingTasks();
    FullHttpResponse res = ch.readOutbound();
    assertThat(res.status()).isEqualTo(HttpResponseStatus.UNAUTHORIZED);
    assertThat(res.content().toString(StandardCharsets.UTF_8)).contains("unauthorized");
    res.release();
    assertThat(ch.isOpen()).isFalse();
    assertThat(ch.<Object>readInbound()).isNull();
    assertThat(slots.used()).isZero();
  }

  @Test
  void aGateThatFailsIsAnsweredUnavailable() {
    EmbeddedChannel ch = channel(gate);
    ch.writeInbound(post(UPLOAD, -1, true));
    asked.get(0).completeExceptionally(new IllegalStateException("store down"));
    assertRefused(ch, HttpResponseStatus.SERVICE_UNAVAILABLE);
  }

  @Test
  void aSmallUploadDoesNotAskTheGate() {
    EmbeddedChannel ch = channel(gate);
    ch.writeInbound(post(UPLOAD, 10, true));
    ch.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[10])));
    assertWhole(ch, 10);
    assertThat(asked).isEmpty();
    assertThat(slots.used()).isZero();
  }

  @Test
  void anUploadOverTheTransportsCeilingIsRefusedBeforeTheGate() {
    EmbeddedChannel ch = channel(gate);
    ch.writeInbound(
        post("/api/conversations/chat_1/files", RequestBodyLimit.UPLOAD_BYTES + 1L, true));
    assertRefused(ch, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
    assertThat(asked).isEmpty();
  }

  @Test
  void anOrdinaryRequestOverItsBoundIsRefusedByItsDeclaredLength() {
    EmbeddedChannel ch = channel(gate);
    ch.writeInbound(post("/api/admin/sites/acme", RequestBodyLimit.SMALL_BYTES + 1, true));
    assertRefused(ch, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
  }

  @Test
  void anUploadWithoutATokenHasTheOrdinaryBound() {
    EmbeddedChannel ch = channel(gate);
    ch.writeInbound(
        post("/api/admin/sites/acme/knowledge", RequestBodyLimit.SMALL_BYTES + 1, false));
    assertRefused(ch, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
    assertThat(asked).isEmpty();
  }

  @Test
  void aChunkedBodyThatGrowsPastTheBoundIsCutOff() {
    EmbeddedChannel ch = channel(gate);
    ch.writeInbound(post("/api/admin/audit", -1, true));
    ch.writeInbound(
        new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[RequestBodyLimit.SMALL_BYTES])));
    assertThat(ch.<Object>readOutbound()).isNull();
    ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[1])));
    assertRefused(ch, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
  }

  @Test
  void onlySoManyLargeBodiesPerClientAndPerNodeTheNextIsBusyAndASlotFreesAtTheEnd() {
    int size = RequestBodyLimit.SMALL_BYTES * 2;
    EmbeddedChannel one = from("192.0.2.1");
    EmbeddedChannel two = from("192.0.2.1");
    one.writeInbound(post(UPLOAD, size, true));
    two.writeInbound(post(UPLOAD, size, true));
    one.runPendingTasks();
    two.runPendingTasks();
    assertThat(slots.used()).isEqualTo(2);

    EmbeddedChannel third = from("192.0.2.1");
    third.writeInbound(post(UPLOAD, size, true));
    assertRefused(third, HttpResponseStatus.SERVICE_UNAVAILABLE);

    EmbeddedChannel other = from("192.0.2.7");
    other.writeInbound(post(UPLOAD, size, true));
    other.runPendingTasks();
    assertThat(slots.used()).as("another client gets the node's last slot").isEqualTo(3);
    EmbeddedChannel fourth = from("192.0.2.8");
    fourth.writeInbound(post(UPLOAD, size, true));
    assertRefused(fourth, HttpResponseStatus.SERVICE_UNAVAILABLE);

    one.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[size])));
    assertWhole(one, size);
    assertThat(slots.used()).as("the whole body arrived: its slot is free").isEqualTo(2);
    two.pipeline().remove(HttpObjectAggregator.class); // it would report the cut-off body
    two.close();
    other.pipeline().remove(HttpObjectAggregator.class);
    other.close();
    assertThat(slots.used()).as("a channel that ends frees its slot").isZero();
    for (EmbeddedChannel ch : List.of(one, two, third, other, fourth)) {
      ch.finishAndReleaseAll();
    }
  }
}
