package dev.parley.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Bounds HTTP request bodies by path, before they are aggregated: a knowledge upload ({@code POST
 * /api/admin/sites/<site>/knowledge}) or a conversation's file ({@code POST
 * /api/conversations/<id>/files}), with a bearer token, may carry up to {@link #UPLOAD_BYTES},
 * every other request {@link #SMALL_BYTES}. A declared {@code Content-Length} over the bound, or a
 * body that grows past it, is answered {@code 413} and the connection closed; nothing of it goes
 * further.
 *
 * <p>The token is checked by the API only after the body is aggregated, so a large body is bounded
 * node-wide too: at most {@link #LARGE_BODIES} requests at once may be buffering more than {@link
 * #SMALL_BYTES} ({@link Slots}, shared by the node's channels); one more is answered {@code 503}
 * and the connection closed. A slot is held from the request's head to its last content (or the
 * channel's end).
 *
 * <p>One per channel (it counts the request in flight); runs on the channel's event loop.
 */
final class RequestBodyLimit extends ChannelInboundHandlerAdapter {
  /** The largest ordinary request body. */
  static final int SMALL_BYTES = 64 * 1024;

  /**
   * The largest upload the transport lets through (the APIs' own limits — a knowledge document's, a
   * site's files', default 10 MiB — are at most this).
   */
  static final int UPLOAD_BYTES = 16 * 1024 * 1024;

  /** Requests that may be buffering a body larger than {@link #SMALL_BYTES} at once, per node. */
  static final int LARGE_BODIES = 4;

  /** The node's large-body slots: one per upload being received. Thread-safe. */
  static final class Slots {
    private final AtomicInteger used = new AtomicInteger();
    private final int max;

    Slots(int max) {
      this.max = max;
    }

    boolean take() {
      while (true) {
        int n = used.get();
        if (n >= max) {
          return false;
        }
        if (used.compareAndSet(n, n + 1)) {
          return true;
        }
      }
    }

    void give() {
      used.decrementAndGet();
    }

    int used() {
      return used.get();
    }
  }

  private final Slots slots;

  /** Whether this channel's request in flight holds one of the node's slots. */
  private boolean holding;

  RequestBodyLimit(Slots slots) {
    this.slots = slots;
  }

  private static final Pattern UPLOAD =
      Pattern.compile("^/api/(admin/sites/[^/?]+/knowledge|conversations/[^/?]+/files)(\\?.*)?$");

  private long limit = SMALL_BYTES;
  private long received;
  private boolean discarding;

  /**
   * The bound of a request: the upload bound only for a {@code POST} to the upload path that
   * carries a bearer token (the API checks it; a request without one never needs a large body).
   */
  static long limitOf(HttpRequest req) {
    String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
    return req.method().name().equals("POST")
            && auth != null
            && auth.regionMatches(true, 0, "Bearer ", 0, 7)
            && UPLOAD.matcher(req.uri()).matches()
        ? UPLOAD_BYTES
        : SMALL_BYTES;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest req) {
      release();
      limit = limitOf(req);
      received = 0;
      discarding = false;
      if (HttpUtil.getContentLength(req, -1L) > limit) {
        ReferenceCountUtil.release(msg);
        reject(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
        return;
      }
      if (limit > SMALL_BYTES) {
        if (!slots.take()) {
          ReferenceCountUtil.release(msg);
          reject(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE);
          return;
        }
        holding = true;
      }
    }
    if (msg instanceof HttpContent c) {
      if (discarding) {
        ReferenceCountUtil.release(msg);
        return;
      }
      received += c.content().readableBytes();
      if (received > limit) {
        ReferenceCountUtil.release(msg);
        reject(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
        return;
      }
      if (c instanceof LastHttpContent) {
        received = 0;
        release();
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    release();
    super.channelInactive(ctx);
  }

  private void release() {
    if (holding) {
      holding = false;
      slots.give();
    }
  }

  private void reject(ChannelHandlerContext ctx, HttpResponseStatus status) {
    discarding = true;
    release();
    String json =
        status.equals(HttpResponseStatus.SERVICE_UNAVAILABLE)
            ? "{\"error\":\"busy\",\"message\":\"too many uploads at once; try again\"}"
            : "{\"error\":\"too_large\",\"message\":\"the request body is larger than "
                + limit
                + " bytes\"}";
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse res =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    res.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
  }

  /** Not sharable: it counts one channel's request. */
  @Override
  public boolean isSharable() {
    return false;
  }

  static ChannelHandler create(Slots slots) {
    return new RequestBodyLimit(slots);
  }
}
