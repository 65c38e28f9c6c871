package dev.parley.transport;

import dev.parley.core.Authenticator;
import dev.parley.core.Node;
import dev.parley.core.Principal;
import dev.parley.core.Session;
import dev.parley.protocol.CloseCode;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The fallback transports' HTTP endpoints under {@code /rt/} (see {@code
 * docs/PROTOCOL.md#fallback-transports}):
 *
 * <ul>
 *   <li>{@code POST /rt/open?transport=sse|longpoll[&site=…][&key=…][&hello=1]}: the same admission
 *       as a WebSocket handshake (origin 403, token 401, connection limit 503), then {@code {"sid":
 *       …}}: 128 random bits of the server's, after the client's {@code key} and a dot when it
 *       named one ({@code <key>.<random>}), so a load balancer can hash every request of the
 *       session on the key while nobody can choose or guess a session id;
 *   <li>{@code GET /rt/<sid>/events}: the event stream ({@code Last-Event-ID} resumes it);
 *   <li>{@code GET /rt/<sid>/poll?after=<id>}: frames after {@code id}, held up to 25 s;
 *   <li>{@code POST /rt/<sid>/send?ack=<id>}: commands, one per line; 204;
 *   <li>{@code POST /rt/<sid>/close}: ends the session; 204.
 * </ul>
 *
 * An unknown {@code sid} gets 404 (the client opens a new session and resumes); a request from
 * another origin than the opener's gets 403 ({@link Origins#mayContinue}). Sharable: sessions live
 * in a concurrent map; each session's state lives on its own event loop.
 */
@ChannelHandler.Sharable
final class HttpSessionHandler extends ChannelInboundHandlerAdapter {
  static final String PREFIX = "/rt/";

  /**
   * A client may give a routing key ({@code ?key=}, 22-64 characters of base64url; the JS SDK makes
   * 128 random bits) so that a load balancer can route every request of the session, the first
   * included, to one node by it. It is only a hint: the session id adds the server's randomness.
   */
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{22,64}");

  /** A closed session is remembered this long, so a late request learns its close code. */
  private static final long TOMBSTONE_SECONDS = 30;

  private final Node node;
  private final TransportConfig config;
  private final ConcurrentHashMap<String, HttpSessionConnection> sessions =
      new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  /** Sessions opened and not yet closed (the map also holds closed ones for a while). */
  private final AtomicInteger open = new AtomicInteger();

  /**
   * Open sessions per client address (the forwarded one behind a trusted proxy): a fallback
   * client's requests are short TCP connections, so the per-address connection limit alone would
   * let one address hold any number of sessions. Capped at the same {@code maxConnectionsPerIp}.
   */
  private final AddressCounts openPerAddress = new AddressCounts();

  /** Admission (origin, token) is the WebSocket handshake's own. */
  private final HandshakeGuard guard;

  HttpSessionHandler(Node node, TransportConfig config, HandshakeGuard guard) {
    this.node = node;
    this.config = config;
    this.guard = guard;
  }

  /** Open (not closed) fallback sessions. */
  int openCount() {
    return open.get();
  }

  /** Closes every session with {@code code} (shutdown). */
  void closeAll(CloseCode code) {
    for (HttpSessionConnection c : sessions.values()) {
      c.close(code, code.reason());
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest req) || !req.uri().startsWith(PREFIX)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      route(ctx, req);
    } finally {
      ReferenceCountUtil.release(req);
    }
  }

  private void route(ChannelHandlerContext ctx, FullHttpRequest req) {
    QueryStringDecoder q = new QueryStringDecoder(req.uri());
    String[] parts = q.path().substring(PREFIX.length()).split("/");
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    Reply reply = new Reply(ctx, keepAlive, req.headers().get(HttpHeaderNames.ORIGIN));
    if (parts.length == 1 && parts[0].equals("open")) {
      if (!HttpMethod.POST.equals(req.method())) {
        respond(reply, HttpResponseStatus.METHOD_NOT_ALLOWED, "POST /rt/open\n");
        return;
      }
      open(ctx, req, q, reply);
      return;
    }
    if (parts.length != 2) {
      respond(reply, HttpResponseStatus.NOT_FOUND, "no such endpoint\n");
      return;
    }
    HttpSessionConnection c = sessions.get(parts[0]);
    if (c == null) {
      respondJson(
          reply,
          HttpResponseStatus.NOT_FOUND,
          "{\"error\":\"no_session\",\"message\":\"no such session; open a new one and resume\"}");
      return;
    }
    if (!Origins.mayContinue(
        c.origin(),
        req.headers().get(HttpHeaderNames.ORIGIN),
        req.headers().get("Sec-Fetch-Site"),
        req.headers().get(HttpHeaderNames.HOST))) {
      node.metrics().handshakeRejected("origin");
      respond(
          reply.unreadable(),
          HttpResponseStatus.FORBIDDEN,
          c.origin() == null
              ? "this session was opened by a non-browser client; no page may use it\n"
              : "this session belongs to the origin that opened it; send its Origin\n");
      return;
    }
    switch (req.method().name() + " " + parts[1]) {
      case "GET events" -> {
        long last = number(req.headers().get("Last-Event-ID"), number(param(q, "lastEventId"), 0));
        ConnectionLimiter.lift(ctx.channel()); // no request deadline on a stream
        c.executor().execute(() -> c.attachStream(ctx.channel(), last));
      }
      case "GET poll" -> {
        long after = number(param(q, "after"), 0);
        ConnectionLimiter.lift(ctx.channel()); // the poll is held up to 25 s
        c.executor().execute(() -> c.poll(ctx.channel(), keepAlive, after));
      }
      case "POST send" -> {
        long ack = number(param(q, "ack"), 0);
        byte[] body = ByteBufUtil.getBytes(req.content());
        if (longestLine(body) > config.maxMessageBytes()) {
          respond(
              reply,
              HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
              "a command is longer than " + config.maxMessageBytes() + " bytes\n");
          return;
        }
        c.executor()
            .execute(
                () -> {
                  c.acknowledge(ack);
                  c.commands(body);
                });
        respond(reply, HttpResponseStatus.NO_CONTENT, null);
      }
      case "POST close" ->
          c.executor()
              .execute(
                  () -> {
                    // On the session's loop: close() frees its places (open count, per-address
                    // count) before
                    // the 204 is written, so a client that has the 204 may open again at once.
                    c.close(CloseCode.NORMAL, CloseCode.NORMAL.reason());
                    respond(reply, HttpResponseStatus.NO_CONTENT, null);
                  });
      default -> respond(reply, HttpResponseStatus.NOT_FOUND, "no such endpoint\n");
    }
  }

  private void open(
      ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder q, Reply reply) {
    String transport = param(q, "transport");
    if (!"sse".equals(transport) && !"longpoll".equals(transport)) {
      respond(reply, HttpResponseStatus.BAD_REQUEST, "transport must be sse or longpoll\n");
      return;
    }
    String key = param(q, "key");
    if (key != null && !KEY.matcher(key).matches()) {
      respond(
          reply,
          HttpResponseStatus.BAD_REQUEST,
          "key must be 22-64 characters of A-Z a-z 0-9 _ -\n");
      return;
    }
    String origin = req.headers().get(HttpHeaderNames.ORIGIN);
    String token = HandshakeGuard.token(req, q);
    if (!guard.admissible(ctx, req, q, token)) {
      return; // refused like a WebSocket handshake: 403 for the origin, 401 for a missing token
    }
    if (open.get() >= config.maxConnections()) {
      node.metrics().handshakeRejected("connection_limit");
      respond(
          reply.closing(),
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          "too many connections; try again later\n");
      return;
    }
    CompletableFuture<Principal> who =
        token == null ? CompletableFuture.completedFuture(null) : guard.check(token);
    String remote = remote(ctx);
    String host = req.headers().get(HttpHeaderNames.HOST);
    InetAddress client = ConnectionLimiter.client(ctx.channel());
    who.whenComplete(
        (principal, err) ->
            ctx.executor()
                .execute(
                    () -> {
                      if (err != null) {
                        guard.refuseUnauthorized(ctx, Authenticator.reason(err));
                        return;
                      }
                      if (!claimAddress(client)) {
                        node.metrics().handshakeRejected("connection_limit");
                        respond(
                            reply.closing(),
                            HttpResponseStatus.SERVICE_UNAVAILABLE,
                            "too many connections from your address; try again later\n");
                        return;
                      }
                      long ping = config.pingInterval().toNanos();
                      HttpSessionConnection[] made = new HttpSessionConnection[1];
                      String sid;
                      Map<String, String> params = HandshakeGuard.params(q);
                      do { // 128 random bits: a repeat is not expected in the life of the universe,
                        // but costs nothing to rule out
                        sid = key != null ? key + "." + randomSid() : randomSid();
                        sessions.computeIfAbsent(
                            sid,
                            k ->
                                made[0] =
                                    new HttpSessionConnection(
                                        k,
                                        transport,
                                        ctx.channel().eventLoop(),
                                        node.metrics(),
                                        origin,
                                        remote,
                                        principal,
                                        params,
                                        ping,
                                        ping + config.pongTimeout().toNanos(),
                                        () -> {
                                          open.decrementAndGet();
                                          releaseAddress(client);
                                          ctx.channel()
                                              .eventLoop()
                                              .schedule(
                                                  () -> sessions.remove(k),
                                                  TOMBSTONE_SECONDS,
                                                  TimeUnit.SECONDS);
                                        }));
                      } while (made[0] == null);
                      HttpSessionConnection c = made[0];
                      c.opener(client == null ? null : client.getHostAddress(), host);
                      open.incrementAndGet();
                      Session session = node.open(c);
                      c.attach(session);
                      node.metrics().connectionOpened(transport);
                      session.helloFromRequest(); // welcome: event 1 of the stream or poll
                      respondJson(
                          reply,
                          HttpResponseStatus.OK,
                          "{\"sid\":\""
                              + sid
                              + "\",\"transport\":\""
                              + transport
                              + "\",\"pollMs\":"
                              + HttpSessionConnection.POLL_HOLD_MILLIS
                              + "}");
                    }));
  }

  /**
   * Counts a session for {@code client} unless it already has {@code maxConnectionsPerIp}; null:
   * not counted.
   */
  private boolean claimAddress(InetAddress client) {
    if (client == null || openPerAddress.add(client) <= config.maxConnectionsPerIp()) {
      return true;
    }
    openPerAddress.remove(client);
    return false;
  }

  private void releaseAddress(InetAddress client) {
    if (client != null) {
      openPerAddress.remove(client);
    }
  }

  private String randomSid() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String remote(ChannelHandlerContext ctx) {
    InetAddress client = ConnectionLimiter.client(ctx.channel());
    if (client != null) {
      return client.getHostAddress();
    }
    return ctx.channel().remoteAddress() instanceof InetSocketAddress a
        ? a.getHostString() + ":" + a.getPort()
        : "?";
  }

  private static int longestLine(byte[] body) {
    int longest = 0;
    int start = 0;
    for (int i = 0; i <= body.length; i++) {
      if (i == body.length || body[i] == '\n') {
        longest = Math.max(longest, i - start);
        start = i + 1;
      }
    }
    return longest;
  }

  private static String param(QueryStringDecoder q, String name) {
    List<String> v = q.parameters().get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  private static long number(String s, long otherwise) {
    if (s == null) {
      return otherwise;
    }
    try {
      return Math.max(0, Long.parseLong(s.trim()));
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  /**
   * How a request is answered: on {@code ctx}, keeping the connection or not, readable by the page
   * of origin {@code cors} (CORS; null: by none but the server's own). Every answer after the
   * origin checks (and a 404 for an unknown session, which tells nothing) is readable by the page
   * that asked: the widget on a site's page reaches these endpoints with {@code fetch} from another
   * origin than the server's.
   */
  private record Reply(ChannelHandlerContext ctx, boolean keepAlive, String cors) {
    /** The same answer, closing the connection after it. */
    Reply closing() {
      return new Reply(ctx, false, cors);
    }

    /** The same answer, readable by no other origin (a refusal for the origin). */
    Reply unreadable() {
      return new Reply(ctx, keepAlive, null);
    }
  }

  private static void respondJson(Reply reply, HttpResponseStatus status, String json) {
    write(reply, status, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(Reply reply, HttpResponseStatus status, String text) {
    write(
        reply,
        status,
        "text/plain; charset=utf-8",
        text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8));
  }

  private static void write(Reply reply, HttpResponseStatus status, String type, byte[] body) {
    ChannelHandlerContext ctx = reply.ctx();
    boolean keepAlive = reply.keepAlive();
    FullHttpResponse res =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    if (body.length > 0) {
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    }
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    SecurityHeaders.common(ctx.channel(), res.headers());
    SecurityHeaders.readableBy(res.headers(), reply.cors());
    if (keepAlive && status.code() < 400) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(res);
    } else {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
    ConnectionLimiter.answered(ctx.channel()); // the next request's deadline (keep-alive)
  }
}
