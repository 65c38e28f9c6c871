package dev.parley.transport;

import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.HttpApi.Listener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plain HTTP requests that are not a WebSocket upgrade. On the public listener: {@code /healthz},
 * the {@link HttpApi} (the REST API under {@code /api/}, {@code /readyz}, and {@code /metrics},
 * which the API refuses there) and the static assets packed in the jar under {@code parley-web/},
 * with their security headers ({@link SecurityHeaders}). On the admin listener: {@code /healthz},
 * and {@code /metrics} and {@code /readyz} from the API; nothing else (404). Each API request says
 * which listener it came on.
 *
 * <p>Sharable and thread-safe: the asset cache is a concurrent map of immutable byte arrays, read
 * from the class path once (small files; the first read of each happens on an event loop, the jar
 * is local).
 */
@ChannelHandler.Sharable
final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final String ASSET_ROOT = "parley-web/";
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "mjs", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "json", "application/json",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon",
          "md", "text/markdown; charset=utf-8");

  private final Map<String, byte[]> assets = new ConcurrentHashMap<>();
  private final HttpApi api;
  private final Listener listener;

  HttpRequestHandler() {
    this(HttpApi.NONE, Listener.PUBLIC);
  }

  HttpRequestHandler(HttpApi api, Listener listener) {
    this.api = api;
    this.listener = listener;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (!req.decoderResult().isSuccess()) {
      respond(
          ctx,
          req,
          HttpResponseStatus.BAD_REQUEST,
          "text/plain; charset=utf-8",
          bytes("bad request\n"));
      return;
    }
    QueryStringDecoder uri = new QueryStringDecoder(req.uri());
    String path = uri.path();
    boolean ops = path.equals("/metrics") || path.equals("/readyz");
    if (ops || (listener == Listener.PUBLIC && path.startsWith("/api/"))) {
      api(ctx, req, uri);
      return;
    }
    if (listener == Listener.ADMIN && !path.equals("/healthz")) {
      respond(
          ctx,
          req,
          HttpResponseStatus.NOT_FOUND,
          "text/plain; charset=utf-8",
          bytes("the admin listener serves /metrics, /readyz and /healthz only\n"));
      return;
    }
    if (!HttpMethod.GET.equals(req.method()) && !HttpMethod.HEAD.equals(req.method())) {
      respond(
          ctx,
          req,
          HttpResponseStatus.METHOD_NOT_ALLOWED,
          "text/plain; charset=utf-8",
          bytes("method not allowed\n"));
      return;
    }
    if (path.equals("/healthz")) {
      respond(ctx, req, HttpResponseStatus.OK, "application/json", bytes("{\"status\":\"up\"}\n"));
      return;
    }
    String name = path.endsWith("/") ? path.substring(1) + "index.html" : path.substring(1);
    boolean folder = !name.substring(name.lastIndexOf('/') + 1).contains(".");
    byte[] body = folder ? null : asset(name); // a jar's folder entry reads as an empty resource
    if (folder && asset(name + "/index.html") != null) {
      // /console → /console/, so the page's relative links resolve
      FullHttpResponse moved =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.MOVED_PERMANENTLY);
      moved.headers().set(HttpHeaderNames.LOCATION, path + "/");
      moved.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
      SecurityHeaders.common(ctx.channel(), moved.headers());
      ctx.writeAndFlush(moved);
      ConnectionLimiter.answered(ctx.channel());
      return;
    }
    if (body == null) {
      respond(
          ctx,
          req,
          HttpResponseStatus.NOT_FOUND,
          "text/plain; charset=utf-8",
          bytes("not found\n"));
      return;
    }
    String ext = name.substring(name.lastIndexOf('.') + 1);
    String type = TYPES.getOrDefault(ext, "application/octet-stream");
    FullHttpResponse res = response(ctx, req, HttpResponseStatus.OK, type, body);
    SecurityHeaders.asset(path, type, res.headers());
    send(ctx, req, res);
  }

  /** Hands the request to the API; the answer is written on this channel's event loop. */
  private void api(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    HttpMethod method = req.method();
    CompletableFuture<HttpApi.Response> f;
    try {
      f = api.handle(request(ctx, req, uri, ByteBufUtil.getBytes(req.content()), listener));
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete(
        (res, err) ->
            ctx.executor()
                .execute(
                    () -> {
                      HttpApi.Response r =
                          err != null
                              ? HttpApi.Response.json(500, "{\"error\":\"internal\"}")
                              : res;
                      byte[] b = HttpMethod.HEAD.equals(method) ? new byte[0] : r.body();
                      FullHttpResponse out =
                          new DefaultFullHttpResponse(
                              HttpVersion.HTTP_1_1,
                              HttpResponseStatus.valueOf(r.status()),
                              Unpooled.wrappedBuffer(b));
                      out.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
                      out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, b.length);
                      out.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
                      SecurityHeaders.common(ctx.channel(), out.headers());
                      r.headers().forEach((k, v) -> out.headers().set(k, v));
                      if (keepAlive) {
                        out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                        ctx.writeAndFlush(out);
                      } else {
                        ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
                      }
                      ConnectionLimiter.answered(ctx.channel());
                    }));
  }

  /** {@code req} as the API sees it, with {@code body}. */
  static HttpApi.Request request(
      ChannelHandlerContext ctx,
      HttpRequest req,
      QueryStringDecoder uri,
      byte[] body,
      Listener listener) {
    return request(ctx, req, uri, body, listener, ConnectionLimiter.client(ctx.channel()));
  }

  /**
   * {@code req} as the API sees it, with {@code body}, from {@code client} (the client's address as
   * the chat layer sees a session's: after trusted proxies, no port; null: the peer's).
   */
  static HttpApi.Request request(
      ChannelHandlerContext ctx,
      HttpRequest req,
      QueryStringDecoder uri,
      byte[] body,
      Listener listener,
      InetAddress client) {
    Map<String, String> headers = new HashMap<>();
    req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
    String remote =
        client != null
            ? client.getHostAddress()
            : ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress()
                : "?";
    return new HttpApi.Request(
        req.method().name(), uri.path(), uri.parameters(), headers, body, remote, listener);
  }

  private byte[] asset(String name) {
    if (name.isEmpty()
        || name.contains("..")
        || name.contains("//")
        || name.contains("\\")
        || name.endsWith("/")) {
      return null;
    }
    byte[] cached = assets.get(name);
    if (cached != null) {
      return cached;
    }
    try (InputStream in =
        HttpRequestHandler.class.getClassLoader().getResourceAsStream(ASSET_ROOT + name)) {
      if (in == null) {
        return null;
      }
      byte[] b = in.readAllBytes();
      assets.put(name, b);
      return b;
    } catch (IOException e) {
      return null;
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void respond(
      ChannelHandlerContext ctx,
      FullHttpRequest req,
      HttpResponseStatus status,
      String type,
      byte[] body) {
    send(ctx, req, response(ctx, req, status, type, body));
  }

  private static FullHttpResponse response(
      ChannelHandlerContext ctx,
      FullHttpRequest req,
      HttpResponseStatus status,
      String type,
      byte[] body) {
    boolean head = HttpMethod.HEAD.equals(req.method());
    ByteBuf content = head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body);
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    SecurityHeaders.common(ctx.channel(), res.headers());
    return res;
  }

  private static void send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse res) {
    boolean keepAlive = HttpUtil.isKeepAlive(req) && res.status().code() < 400;
    if (keepAlive) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(res);
    } else {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
    ConnectionLimiter.answered(ctx.channel());
  }
}
