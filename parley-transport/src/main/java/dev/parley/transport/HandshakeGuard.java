package dev.parley.transport;

import dev.parley.core.Authenticator;
import dev.parley.core.CoreMetrics;
import dev.parley.core.HandshakePolicy;
import dev.parley.core.Principal;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Stands before the RFC 6455 handshake at {@code /ws} (and {@code /ws/…}, which Netty upgrades
 * too): a request that is not an upgrade gets 400 with a message saying so; a foreign origin 403; a
 * missing (where required), expired or invalid token 401. The token is taken from, in this order,
 * an {@code Authorization: Bearer} header, the {@code token} query parameter, a {@code
 * Sec-WebSocket-Protocol} entry {@code bearer.<token>} (next to {@code parley.v1}, which the server
 * selects), or the {@code parley_token} cookie; its principal is kept on the channel for the
 * session's {@code hello}. Every refused handshake is counted by reason ({@code not_upgrade},
 * {@code origin}, {@code unauthorized}, {@code bad_version}, {@code bad_handshake}) before Netty
 * answers the others (426 for a version other than 13, 400 for a missing key).
 *
 * <p>Sharable; per-channel state lives in a channel attribute. A token check that is not immediate
 * (a JWKS URL, a password-free but off-loop verification) pauses reading on the channel and resumes
 * on its event loop.
 */
@ChannelHandler.Sharable
final class HandshakeGuard extends ChannelInboundHandlerAdapter {
  /** The principal of the token checked at the handshake. */
  static final AttributeKey<Principal> PRINCIPAL = AttributeKey.valueOf("parleyHandshakePrincipal");

  /**
   * The query parameters of the handshake's URL, for the session's extension (first value of each).
   */
  static final AttributeKey<Map<String, String>> PARAMS =
      AttributeKey.valueOf("parleyHandshakeParams");

  /**
   * The subprotocol a client offers, next to {@code bearer.<token>}, when it passes its token that
   * way.
   */
  static final String SUBPROTOCOL = "parley.v1";

  private static final String BEARER_PROTOCOL = "bearer.";

  private final CoreMetrics metrics;
  private final HandshakePolicy policy;
  private final Authenticator authenticator;

  HandshakeGuard(CoreMetrics metrics, HandshakePolicy policy, Authenticator authenticator) {
    this.metrics = metrics;
    this.policy = policy;
    this.authenticator = authenticator;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    QueryStringDecoder q =
        msg instanceof FullHttpRequest r ? new QueryStringDecoder(r.uri()) : null;
    if (msg instanceof FullHttpRequest req && isHandshakePath(q.path())) {
      String upgrade = req.headers().get(HttpHeaderNames.UPGRADE);
      if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
        metrics.handshakeRejected("not_upgrade");
        ReferenceCountUtil.release(msg);
        refuse(
            ctx,
            HttpResponseStatus.BAD_REQUEST,
            "/ws expects a WebSocket upgrade (Upgrade: websocket)\n");
        return;
      }
      String token = token(req, q);
      if (!admissible(ctx, req, q, token)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (!"13".equals(req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
        metrics.handshakeRejected("bad_version");
      } else if (req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY) == null) {
        metrics.handshakeRejected("bad_handshake");
      }
      Map<String, String> params = params(q);
      if (!params.isEmpty()) {
        ctx.channel().attr(PARAMS).set(params);
      }
      if (token != null) {
        authenticate(ctx, req, token);
        return;
      }
      handshake(ctx, req);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  /**
   * Whether Netty's handshake takes {@code path}: {@code /ws} and, as its path rule is a prefix
   * ({@code checkStartsWith}, which lets {@code /ws?…} through), any {@code /ws/…} too. Every one
   * of them passes this guard's checks first.
   */
  static boolean isHandshakePath(String path) {
    return path.equals("/ws") || path.startsWith("/ws/");
  }

  /**
   * The admission checks before any token is verified, shared by the WebSocket handshake and {@code
   * POST /rt/open}: the origin policy (403) and the token requirement (401). Refuses and returns
   * false when the request may not go on; never releases {@code req}.
   */
  boolean admissible(
      ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder q, String token) {
    String origin = req.headers().get(HttpHeaderNames.ORIGIN);
    String site = first(q, "site");
    HandshakePolicy.Request opening =
        new HandshakePolicy.Request(origin, req.headers().get(HttpHeaderNames.HOST), params(q));
    if (!policy.originAllowed(opening)) {
      metrics.handshakeRejected("origin");
      refuse(
          ctx,
          HttpResponseStatus.FORBIDDEN,
          (origin == null
                  ? "this server requires an Origin header"
                  : "origin "
                      + origin
                      + " may not open a connection"
                      + (site == null ? "" : " for site " + site))
              + "\n");
      return false;
    }
    if (token == null && policy.tokenRequired(opening)) {
      refuseUnauthorized(
          ctx,
          "this server"
              + (site == null ? "" : " (site " + site + ")")
              + " needs a token: send Authorization: Bearer, ?token=, Sec-WebSocket-Protocol bearer.<token> "
              + "or the parley_token cookie");
      return false;
    }
    return true;
  }

  /**
   * Checks a token off the caller's path; the future fails with what {@link
   * dev.parley.core.Authenticator#reason} explains.
   */
  CompletableFuture<Principal> check(String token) {
    try {
      return authenticator.authenticateToken(token);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The first value of each query parameter, without the token (which is a credential, not a
   * setting).
   */
  static Map<String, String> params(QueryStringDecoder q) {
    Map<String, String> out = new HashMap<>();
    q.parameters()
        .forEach(
            (name, values) -> {
              if (!name.equals("token") && !values.isEmpty() && !values.get(0).isEmpty()) {
                out.put(name, values.get(0));
              }
            });
    return out;
  }

  static String first(QueryStringDecoder q, String name) {
    List<String> v = q.parameters().get(name);
    return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
  }

  private void authenticate(ChannelHandlerContext ctx, FullHttpRequest req, String token) {
    CompletableFuture<Principal> check = check(token);
    if (!check.isDone()) {
      ctx.channel().config().setAutoRead(false);
    }
    check.whenComplete(
        (principal, err) -> {
          if (ctx.executor().inEventLoop()) {
            authenticated(ctx, req, principal, err);
          } else {
            ctx.executor().execute(() -> authenticated(ctx, req, principal, err));
          }
        });
  }

  private void authenticated(
      ChannelHandlerContext ctx, FullHttpRequest req, Principal principal, Throwable err) {
    ctx.channel().config().setAutoRead(true);
    if (!ctx.channel().isActive()) {
      ReferenceCountUtil.release(req);
      return;
    }
    if (err != null) {
      unauthorized(ctx, req, Authenticator.reason(err));
      return;
    }
    ctx.channel().attr(PRINCIPAL).set(principal);
    handshake(ctx, req);
  }

  /**
   * Hands a handshake request to Netty's handshake, which answers it at once (101, or 426 for
   * another version, 400 for a missing key): like any answer, that arms the connection's next
   * request deadline ({@link ConnectionLimiter#answered}), which the upgrade lifts again.
   */
  private static void handshake(ChannelHandlerContext ctx, FullHttpRequest req) {
    ctx.fireChannelRead(req);
    ConnectionLimiter.answered(ctx.channel());
  }

  private void unauthorized(ChannelHandlerContext ctx, FullHttpRequest req, String why) {
    ReferenceCountUtil.release(req);
    refuseUnauthorized(ctx, why);
  }

  /** 401 with {@code WWW-Authenticate} saying why, counted; does not release the request. */
  void refuseUnauthorized(ChannelHandlerContext ctx, String why) {
    metrics.handshakeRejected("unauthorized");
    refuse(
        ctx,
        HttpResponseStatus.UNAUTHORIZED,
        why + "\n",
        "Bearer error=\"invalid_token\", error_description=\"" + why.replace('"', '\'') + "\"");
  }

  /**
   * The token of a handshake request ({@code q}: its parsed URI), or null. The {@code parley_token}
   * cookie counts only on a request from the server's own origin; elsewhere it is ignored.
   */
  static String token(FullHttpRequest req, QueryStringDecoder q) {
    String authorization = req.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String t = authorization.substring(7).trim();
      if (!t.isEmpty()) {
        return t;
      }
    }
    String query = first(q, "token");
    if (query != null) {
      return query;
    }
    String protocols = req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
    if (protocols != null) {
      for (String p : protocols.split(",")) {
        String t = p.trim();
        if (t.startsWith(BEARER_PROTOCOL) && t.length() > BEARER_PROTOCOL.length()) {
          return t.substring(BEARER_PROTOCOL.length());
        }
      }
    }
    String cookies = req.headers().get(HttpHeaderNames.COOKIE);
    if (cookies != null
        && Origins.isServersOwn(
            req.headers().get(HttpHeaderNames.ORIGIN), req.headers().get(HttpHeaderNames.HOST))) {
      for (Cookie c : ServerCookieDecoder.LAX.decode(cookies)) {
        if (c.name().equals("parley_token") && !c.value().isEmpty()) {
          return c.value();
        }
      }
    }
    return null;
  }

  static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String text) {
    refuse(ctx, status, text, null);
  }

  static void refuse(
      ChannelHandlerContext ctx, HttpResponseStatus status, String text, String wwwAuthenticate) {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    DefaultFullHttpResponse res =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    SecurityHeaders.common(ctx.channel(), res.headers());
    if (wwwAuthenticate != null) {
      res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, wwwAuthenticate);
    }
    ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    ConnectionLimiter.answered(ctx.channel());
  }
}
