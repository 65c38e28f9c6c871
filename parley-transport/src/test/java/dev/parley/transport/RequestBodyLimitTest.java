package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestBodyLimitTest {
  final RequestBodyLimit.Slots slots = new RequestBodyLimit.Slots(2);

  EmbeddedChannel channel() {
    return new EmbeddedChannel(
        new RequestBodyLimit(slots), new HttpObjectAggregator(RequestBodyLimit.UPLOAD_BYTES));
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

  static void assertRejected(EmbeddedChannel ch) {
    FullHttpResponse res = ch.readOutbound();
    assertThat(res.status()).isEqualTo(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
    assertThat(res.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
    res.release();
    assertThat(ch.isOpen()).isFalse();
    assertThat(ch.<Object>readInbound()).as("nothing goes further").isNull();
  }

  @Test
  void anUploadWithATokenMayBeLargerThanAnOrdinaryRequest() {
    EmbeddedChannel ch = channel();
    int size = RequestBodyLimit.SMALL_BYTES * 3;
    ch.writeInbound(post("/api/admin/sites/acme/knowledge?filename=a.pdf", size, true));
    ch.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[size])));
    FullHttpRequest req = ch.readInbound();
    assertThat(req.content().readableBytes()).isEqualTo(size);
    req.release();
    assertThat(ch.<Object>readOutbound()).isNull();
  }

  @Test
  void aConversationsFileWithATokenMayBeLargerThanAnOrdinaryRequestButNotThanAnUpload() {
    EmbeddedChannel ch = channel();
    int size = RequestBodyLimit.SMALL_BYTES * 3;
    ch.writeInbound(post("/api/conversations/chat_1/files?name=a.png", size, true));
    ch.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[size])));
    FullHttpRequest req = ch.readInbound();
    assertThat(req.content().readableBytes()).isEqualTo(size);
    req.release();

    EmbeddedChannel big = channel();
    big.writeInbound(
        post("/api/conversations/chat_1/files", RequestBodyLimit.UPLOAD_BYTES + 1L, true));
    assertRejected(big);
  }

  @Test
  void anOrdinaryRequestOverItsBoundIsRefusedByItsDeclaredLength() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(post("/api/admin/sites/acme", RequestBodyLimit.SMALL_BYTES + 1, true));
    assertRejected(ch);
  }

  @Test
  void anUploadWithoutATokenHasTheOrdinaryBound() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(
        post("/api/admin/sites/acme/knowledge", RequestBodyLimit.SMALL_BYTES + 1, false));
    assertRejected(ch);
  }

  @Test
  void aChunkedBodyThatGrowsPastTheBoundIsCutOff() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(post("/api/admin/audit", -1, true));
    ch.writeInbound(
        new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[RequestBodyLimit.SMALL_BYTES])));
    assertThat(ch.<Object>readOutbound()).isNull();
    ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[1])));
    assertRejected(ch);
  }

  @Test
  void anUploadOverTheTransportsCeilingIsRefused() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(
        post("/api/admin/sites/acme/knowledge", RequestBodyLimit.UPLOAD_BYTES + 1L, true));
    assertRejected(ch);
  }

  @Test
  void onlySoManyLargeBodiesAreReceivedAtOnceOnANodeTheNextIsBusyAndASlotFreesAtTheEnd() {
    String upload = "/api/admin/sites/acme/knowledge?filename=a.pdf";
    int size = RequestBodyLimit.SMALL_BYTES * 2;
    EmbeddedChannel one = channel();
    EmbeddedChannel two = channel();
    one.writeInbound(post(upload, size, true));
    two.writeInbound(post(upload, size, true));
    assertThat(slots.used()).isEqualTo(2);

    EmbeddedChannel three = channel();
    three.writeInbound(post(upload, size, true));
    FullHttpResponse busy = three.readOutbound();
    assertThat(busy.status()).isEqualTo(HttpResponseStatus.SERVICE_UNAVAILABLE);
    busy.release();
    assertThat(three.isOpen()).isFalse();
    assertThat(three.<Object>readInbound()).as("nothing goes further").isNull();

    one.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[size])));
    FullHttpRequest done = one.readInbound();
    done.release();
    assertThat(slots.used()).as("the whole body arrived: its slot is free").isEqualTo(1);
    two.pipeline().remove(HttpObjectAggregator.class); // it would report the cut-off body
    two.close();
    assertThat(slots.used()).as("a channel that ends frees its slot").isZero();

    EmbeddedChannel small = channel();
    small.writeInbound(post("/api/admin/sites/acme", 10, true));
    assertThat(slots.used()).as("an ordinary request takes no slot").isZero();
    small.pipeline().remove(HttpObjectAggregator.class);
    for (EmbeddedChannel ch : List.of(one, two, three, small)) {
      ch.finishAndReleaseAll();
    }
  }
}
