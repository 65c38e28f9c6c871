package dev.parley.transport;

import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.UploadGate;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
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
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Bounds HTTP request bodies by path, before they are aggregated: every request's body is at most
 * {@link #SMALL_BYTES}, except an upload's — a {@code POST} with a bearer token to a knowledge
 * document ({@code /api/admin/sites/<site>/knowledge}) or a conversation's file ({@code
 * /api/conversations/<id>/files}) — which may carry up to {@link #UPLOAD_BYTES} once admitted. A
 * declared {@code Content-Length} over the bound, or a body that grows past it, is answered {@code
 * 413} and the connection closed; nothing of it goes further.
 *
 * <p>An upload whose body may be larger than {@link #SMALL_BYTES} (declared so, or chunked) is
 * admitted in two steps before a byte of its body is buffered, the connection reading nothing
 * meanwhile:
 *
 * <ol>
 *   <li>the {@link UploadGate} checks the head (the token, and that its holder may upload there); a
 *       refusal is answered at once (its status: 401, 403) and the connection closed;
 *   <li>a slot: at most {@link #LARGE_BODIES} bodies larger than {@link #SMALL_BYTES} are received
 *       at once on the node, and {@link #LARGE_BODIES_PER_CLIENT} from one client address ({@link
 *       Slots}, shared by the node's channels); one more is answered {@code 503 busy}.
 * </ol>
 *
 * A slot is held from the admission to the body's last content (or the channel's end); meanwhile
 * {@link ConnectionLimiter} times the body by its progress instead of the request deadline.
 *
 * <p>One per channel (it counts the request in flight); runs on the channel's event loop, and the
 * gate's answer is handled there.
 */
final class RequestBodyLimit extends ChannelInboundHandlerAdapter {
  /** The largest ordinary request body. */
  static final int SMALL_BYTES = 64 * 1024;

  /**
   * The largest upload the transport lets through (the APIs' own limits — a knowledge document's, a
   * site's files', default 10 MiB — are at most this).
   */
  static final int UPLOAD_BYTES = 16 * 1024 * 1024;

  /** Requests that may be receiving a body larger than {@link #SMALL_BYTES} at once, per node. */
  static final int LARGE_BODIES = 4;

  /** … and from one client address. */
  static final int LARGE_BODIES_PER_CLIENT = 2;

  /** The node's large-body slots: one per upload being received. Thread-safe. */
  static final class Slots {
    private final AtomicInteger used = new AtomicInteger();
    private final AddressCounts perClient = new AddressCounts();
    private final int max;
    private final int maxPerClient;

    Slots(int max, int maxPerClient) {
      this.max = max;
      this.maxPerClient = maxPerClient;
    }

    /** Takes a slot for {@code client} (null when unknown: only the node's bound applies). */
    boolean take(InetAddress client) {
      if (client != null && perClient.add(client) > maxPerClient) {
        perClient.remove(client);
        return false;
      }
      while (true) {
        int n = used.get();
        if (n >= max) {
          if (client != null) {
            perClient.remove(client);
          }
          return false;
        }
        if (used.compareAndSet(n, n + 1)) {
          return true;
        }
      }
    }

    void give(InetAddress client) {
      used.decrementAndGet();
      if (client != null) {
        perClient.remove(client);
      }
    }

    int used() {
      return used.get();
    }
  }

  private static final Pattern UPLOAD =
      Pattern.compile("^/api/(admin/sites/[^/?]+/knowledge|conversations/[^/?]+/files)(\\?.*)?$");

  private final Slots slots;
  private final UploadGate gate;
  private final ConnectionLimiter limiter;

  /** Whether this channel's request in flight holds a slot, and for which client. */
  private boolean holding;

  private InetAddress holder;

  private long limit = SMALL_BYTES;
  private long received;
  private boolean discarding;

  /** Messages read while the gate decides (at most what one read decoded), in order; else null. */
  private ArrayDeque<Object> waiting;

  RequestBodyLimit(Slots slots, UploadGate gate, ConnectionLimiter limiter) {
    this.slots = slots;
    this.gate = gate;
    this.limiter = limiter;
  }

  /** Whether {@code req} is an upload: a {@code POST} to an upload path with a bearer token. */
  static boolean isUpload(HttpRequest req) {
    String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
    return req.method().name().equals("POST")
        && auth != null
        && auth.regionMatches(true, 0, "Bearer ", 0, 7)
        && UPLOAD.matcher(req.uri()).matches();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (waiting != null) {
      waiting.add(msg);
      return;
    }
    if (msg instanceof HttpRequest req) {
      release();
      limit = SMALL_BYTES;
      received = 0;
      discarding = false;
      long declared = HttpUtil.getContentLength(req, -1L);
      boolean large = isUpload(req) && (declared < 0 || declared > SMALL_BYTES);
      if (declared > (large ? UPLOAD_BYTES : SMALL_BYTES)) {
        limit = large ? UPLOAD_BYTES : SMALL_BYTES;
        ReferenceCountUtil.release(msg);
        tooLarge(ctx);
        return;
      }
      if (large) {
        ask(ctx, req);
        return;
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
        tooLarge(ctx);
        return;
      }
      if (holding) {
        ConnectionLimiter.bodyProgress(ctx.channel());
      }
      if (c instanceof LastHttpContent) {
        received = 0;
        release();
      }
    }
    ctx.fireChannelRead(msg);
  }

  /** Stops reading and asks the gate about {@code head}; {@link #answered} goes on. */
  private void ask(ChannelHandlerContext ctx, HttpRequest head) {
    waiting = new ArrayDeque<>();
    ctx.channel().config().setAutoRead(false);
    CompletableFuture<Optional<HttpApi.Response>> verdict;
    try {
      verdict =
          gate.check(
              HttpRequestHandler.request(
                  ctx,
                  head,
                  new QueryStringDecoder(head.uri()),
                  new byte[0],
                  HttpApi.Listener.PUBLIC,
                  // this request's client: the limiter has not seen it yet (a pooled connection's
                  // last request may have been another client's)
                  limiter == null ? null : limiter.clientOf(ctx.channel(), head)));
    } catch (RuntimeException e) {
      verdict = CompletableFuture.failedFuture(e);
    }
    verdict.whenComplete(
        (refusal, err) -> ctx.executor().execute(() -> answered(ctx, head, refusal, err)));
  }

  private void answered(
      ChannelHandlerContext ctx,
      HttpRequest head,
      Optional<HttpApi.Response> refusal,
      Throwable err) {
    ArrayDeque<Object> read = waiting;
    waiting = null;
    if (read == null || !ctx.channel().isActive()) {
      drop(head, read);
      return;
    }
    if (err != null || refusal.isPresent()) {
      drop(head, read);
      reject(
          ctx,
          err != null
              ? HttpApi.Response.json(
                  503,
                  "{\"error\":\"unavailable\",\"message\":\"the upload cannot be checked now; try"
                      + " again\"}")
              : refusal.get());
      return;
    }
    InetAddress client = limiter == null ? null : limiter.clientOf(ctx.channel(), head);
    if (!slots.take(client)) {
      drop(head, read);
      reject(
          ctx,
          HttpApi.Response.json(
              503, "{\"error\":\"busy\",\"message\":\"too many uploads at once; try again\"}"));
      return;
    }
    holding = true;
    holder = client;
    limit = UPLOAD_BYTES;
    ConnectionLimiter.bodyStarted(ctx.channel());
    ctx.fireChannelRead(head);
    for (Object m = read.poll(); m != null; m = read.poll()) {
      channelRead(ctx, m);
      if (waiting != null) { // a pipelined upload behind this one asks the gate in turn
        waiting.addAll(read);
        return;
      }
    }
    ctx.channel().config().setAutoRead(true);
  }

  private static void drop(HttpRequest head, ArrayDeque<Object> read) {
    ReferenceCountUtil.release(head);
    if (read != null) {
      read.forEach(ReferenceCountUtil::release);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    release();
    if (waiting != null) {
      waiting.forEach(ReferenceCountUtil::release);
      waiting.clear();
    }
    super.channelInactive(ctx);
  }

  /**
   * Removed at a WebSocket upgrade (an upgrade request has no body, so nothing is held; whatever
   * is, is given back).
   */
  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    release();
    if (waiting != null) {
      waiting.forEach(ReferenceCountUtil::release);
      waiting.clear();
    }
  }

  private void release() {
    if (holding) {
      holding = false;
      slots.give(holder);
      holder = null;
    }
  }

  private void tooLarge(ChannelHandlerContext ctx) {
    reject(
        ctx,
        HttpApi.Response.json(
            413,
            "{\"error\":\"too_large\",\"message\":\"the request body is larger than "
                + limit
                + " bytes\"}"));
  }

  /** Answers {@code r} and closes the connection; the rest of the body is dropped. */
  private void reject(ChannelHandlerContext ctx, HttpApi.Response r) {
    discarding = true;
    release();
    FullHttpResponse res =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(r.status()),
            Unpooled.wrappedBuffer(r.body()));
    res.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, r.contentType())
        .setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    SecurityHeaders.common(ctx.channel(), res.headers()); // a refusal too (SECURITY.md)
    r.headers().forEach((k, v) -> res.headers().set(k, v));
    ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
  }

  /** Not sharable: it counts one channel's request. */
  @Override
  public boolean isSharable() {
    return false;
  }
}
