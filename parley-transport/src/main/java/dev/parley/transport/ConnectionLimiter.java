package dev.parley.transport;

import dev.parley.core.CoreMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connection limits and the HTTP-phase deadline, first in every pipeline:
 *
 * <ul>
 *   <li>at most {@code maxTotal} connections, and {@code maxPerIp} from one client address: the
 *       request of a connection over either gets 503 and is closed (counted as {@code
 *       connection_limit}). Behind a trusted reverse proxy the client address is the right-most
 *       {@code X-Forwarded-For} entry that is not a trusted proxy, counted at the first request
 *       (the proxy's own address is never limited per IP);
 *   <li>a connection must complete its HTTP request (or its WebSocket upgrade) within {@code
 *       deadline} of opening, and of the answer to its previous request: a slowloris client
 *       dribbling headers is closed instead of holding a socket (counted as {@code timeout}). While
 *       the server answers a request there is no deadline (the server is the slow one): the
 *       handlers that answer say when they wrote the answer's end ({@link #answered}), and that
 *       arms the next request's deadline; the WebSocket heartbeat takes over after the upgrade
 *       ({@link #lift});
 *   <li>an upload's large body, once {@link RequestBodyLimit} admits it, is timed by its progress
 *       instead: closed when no byte arrived for {@code deadline}, or when it has taken longer than
 *       {@link #UPLOAD_LONGEST_NANOS} (5 minutes) in all ({@link #bodyStarted}, {@link
 *       #bodyProgress}).
 * </ul>
 *
 * <p>Inbound only: no outbound write passes through it, so an upgraded WebSocket's frames (and an
 * event stream's chunks) cost it nothing; its inbound cost after the upgrade is one type check per
 * frame.
 *
 * <p>Sharable: counts are concurrent; per-channel state lives in channel attributes, touched only
 * on the channel's event loop.
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
  /**
   * The longest an admitted upload's body may take to arrive (16 MiB at about 56 KB/s); past it the
   * connection is closed (counted as {@code timeout}).
   */
  static final long UPLOAD_LONGEST_NANOS = TimeUnit.MINUTES.toNanos(5);

  /**
   * A connection's admission state while it speaks HTTP: one attribute (one small object) per
   * connection, not one per field. A WebSocket's handler holds it instead from the upgrade on
   * ({@link #upgraded}): the attribute would cost every idle WebSocket 40 B more.
   */
  static final AttributeKey<Admission> ADMISSION = AttributeKey.valueOf("parleyAdmission");

  /**
   * Per-connection state, touched only on the channel's event loop: what an upgraded WebSocket
   * keeps until it closes (24 B), and its HTTP phase's state apart.
   */
  static final class Admission {
    /** The limiter that counts the connection. */
    private final ConnectionLimiter limiter;

    /** Counted in {@link #total} (and not yet released). */
    private boolean counted;

    /**
     * The address counted in {@link #perIp}: the client's (the forwarded one behind a trusted
     * proxy), once known.
     */
    private InetAddress client;

    /**
     * The client of the connection's latest request (the forwarded one behind a trusted proxy,
     * which pools its connections: each request may be another client's); null for the proxy's own.
     */
    private InetAddress requestClient;

    /** Whether a request was seen: {@link #requestClient} then speaks for the connection. */
    private boolean requestSeen;

    /** Over a limit: its request gets 503. */
    private boolean over;

    /** The HTTP phase's state; null once the connection upgraded and the limiter left it. */
    private HttpPhase http;

    Admission(ConnectionLimiter limiter, ChannelHandlerContext ctx) {
      this.limiter = limiter;
      this.http = new HttpPhase(ctx);
    }

    /**
     * The client's address of the latest request (the forwarded one behind a trusted proxy), or
     * null when unknown.
     */
    InetAddress client() {
      return requestSeen ? requestClient : client;
    }

    /** Releases the connection's counts: once, however often it is called. On the loop. */
    void release() {
      if (counted) {
        counted = false;
        limiter.total.decrementAndGet();
        if (client != null) {
          limiter.perIp.remove(client);
        }
      }
    }
  }

  /** A connection's state while it speaks HTTP: its requests' deadlines. */
  private static final class HttpPhase {
    /** The limiter's place in the connection's pipeline (its deadline closes from there). */
    final ChannelHandlerContext ctx;

    /** The request deadline, until the connection upgrades or closes. */
    ScheduledFuture<?> deadline;

    /** A request went on and its answer is not written yet: no deadline meanwhile. */
    boolean answering;

    /** An admitted upload's body is arriving. */
    boolean inBody;

    /** When it began ({@link #ticker} nanos). */
    long bodyStart;

    /** When its last bytes arrived. */
    long bodyLast;

    HttpPhase(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }
  }

  private final int maxTotal;
  private final int maxPerIp;
  private final long deadlineNanos;
  private final CoreMetrics metrics;
  private final Set<InetAddress> trustedProxies = new HashSet<>();
  private final AtomicInteger total = new AtomicInteger();
  private final AddressCounts perIp = new AddressCounts();

  ConnectionLimiter(
      int maxTotal,
      int maxPerIp,
      long deadlineNanos,
      CoreMetrics metrics,
      Collection<String> trustedProxies) {
    this.maxTotal = maxTotal;
    this.maxPerIp = maxPerIp;
    this.deadlineNanos = deadlineNanos;
    this.metrics = metrics;
    for (String p : trustedProxies) {
      this.trustedProxies.add(NetUtil.createInetAddressFromIpAddressString(p));
    }
  }

  private static InetAddress peer(ChannelHandlerContext ctx) {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
  }

  /**
   * The admission of {@code ch} while it speaks HTTP, else null. Read with {@code hasAttr} first:
   * {@code attr()} alone would add an empty attribute to an upgraded WebSocket for good.
   */
  private static Admission admission(Channel ch) {
    return ch.hasAttr(ADMISSION) ? ch.attr(ADMISSION).get() : null;
  }

  /**
   * The client's address (the forwarded one behind a trusted proxy) of the request {@code ch} is
   * answering while it speaks HTTP, once known; else null (an upgraded WebSocket's is its {@link
   * Admission#client}).
   */
  static InetAddress client(Channel ch) {
    Admission a = admission(ch);
    return a == null ? null : a.client();
  }

  /** The HTTP phase's state of {@code ch}, or null once it upgraded (or without an admission). */
  private static HttpPhase httpPhase(Channel ch) {
    Admission a = admission(ch);
    return a == null ? null : a.http;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    Admission a = new Admission(this, ctx);
    ctx.channel().attr(ADMISSION).set(a);
    InetAddress ip = peer(ctx);
    a.counted = true;
    if (total.incrementAndGet() > maxTotal) {
      a.over = true;
    }
    if (ip != null && !trustedProxies.contains(ip)) {
      countClient(a, ip);
    }
    arm(a.http, deadlineNanos);
    super.channelActive(ctx);
  }

  private void countClient(Admission a, InetAddress ip) {
    a.client = ip;
    if (perIp.add(ip) > maxPerIp) {
      a.over = true;
    }
  }

  /**
   * The client behind trusted proxies: walking {@code X-Forwarded-For} from the right, the first
   * address that is not a trusted proxy; the peer when the header is missing or names only proxies,
   * and whatever the header says when the peer is not a trusted proxy (anyone can write it).
   * Entries that are not IP literals end the walk (never a DNS lookup).
   */
  InetAddress forwardedClient(InetAddress peer, String xff) {
    if (xff == null || !trustedProxies.contains(peer)) {
      return peer;
    }
    String[] hops = xff.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      InetAddress hop = NetUtil.createInetAddressFromIpAddressString(hops[i].trim());
      if (hop == null) {
        return peer;
      }
      if (!trustedProxies.contains(hop)) {
        return hop;
      }
    }
    return peer;
  }

  private void arm(HttpPhase h, long delayNanos) {
    ScheduledFuture<?> old = h.deadline;
    h.deadline = h.ctx.executor().schedule(() -> due(h), delayNanos, TimeUnit.NANOSECONDS);
    if (old != null) {
      old.cancel(false);
    }
  }

  /** The deadline came: closes the connection, unless an upload's body is still arriving. */
  private void due(HttpPhase h) {
    h.deadline = null;
    if (h.inBody) {
      long now = ticker(h.ctx.channel());
      long quiet = now - h.bodyLast;
      if (quiet < deadlineNanos && now - h.bodyStart < UPLOAD_LONGEST_NANOS) {
        arm(h, Math.min(deadlineNanos - quiet, UPLOAD_LONGEST_NANOS - (now - h.bodyStart)));
        return;
      }
    }
    metrics.handshakeRejected("timeout");
    h.ctx.close();
  }

  private static long ticker(Channel ch) {
    return ch.eventLoop().ticker().nanoTime();
  }

  /**
   * An upload's large body was admitted on {@code ch} ({@link RequestBodyLimit}): from now until
   * the request is whole, the deadline watches its progress. Call on the channel's event loop.
   */
  static void bodyStarted(Channel ch) {
    HttpPhase h = httpPhase(ch);
    if (h != null) {
      h.inBody = true;
      h.bodyStart = ticker(ch);
      h.bodyLast = h.bodyStart;
    }
  }

  /** More of the admitted body arrived on {@code ch}. Call on the channel's event loop. */
  static void bodyProgress(Channel ch) {
    HttpPhase h = httpPhase(ch);
    if (h != null && h.inBody) {
      h.bodyLast = ticker(ch);
    }
  }

  /**
   * The client of the request on {@code ch} whose head is {@code head}: the peer, or the forwarded
   * client behind a trusted proxy (taken from this request: a proxy's pooled connection carries
   * many clients' requests); the one known already when the peer is not an IP address.
   */
  InetAddress clientOf(Channel ch, HttpRequest head) {
    InetAddress peer = ch.remoteAddress() instanceof InetSocketAddress s ? s.getAddress() : null;
    if (peer == null) {
      return client(ch);
    }
    InetAddress client = forwardedClient(peer, head.headers().get("X-Forwarded-For"));
    return trustedProxies.contains(client) ? null : client; // the proxy's own: not limited
  }

  /**
   * The answer to the request on {@code ch} is written, its last content included: arms the
   * deadline of the connection's next request (keep-alive). Every handler after this one that
   * answers an HTTP request calls it right after writing the answer's end; a no-op when no request
   * is being answered (the deadline was lifted, or the limiter refused it). From any thread: off
   * the channel's event loop it runs there next, after the write.
   */
  static void answered(Channel ch) {
    if (ch.eventLoop().inEventLoop()) {
      answeredOnLoop(ch);
    } else {
      ch.eventLoop().execute(() -> answeredOnLoop(ch));
    }
  }

  private static void answeredOnLoop(Channel ch) {
    Admission a = admission(ch);
    HttpPhase h = a == null ? null : a.http;
    if (h != null && h.answering && ch.isActive()) {
      h.answering = false;
      a.limiter.arm(h, a.limiter.deadlineNanos);
    }
  }

  /**
   * Lifts the request deadline of {@code ch}: it upgraded to a WebSocket, or answers with an event
   * stream or a held poll, and heartbeats take over. Called by the handlers after this one (their
   * user events travel forward, never back to this handler). Call on the channel's event loop.
   */
  static void lift(Channel ch) {
    HttpPhase h = httpPhase(ch);
    if (h != null) {
      h.answering = false;
      h.inBody = false;
      if (h.deadline != null) {
        h.deadline.cancel(false);
        h.deadline = null;
      }
    }
  }

  /**
   * {@code ch} upgraded to a WebSocket: lifts its request deadline for good, takes the limiter out
   * of its pipeline, which no HTTP request passes any more, and its admission out of the channel's
   * attributes. Returns the admission (null when there was none), which the WebSocket's own handler
   * keeps and {@linkplain Admission#release releases} when the connection ends. Call on the
   * channel's event loop.
   */
  static Admission upgraded(Channel ch) {
    lift(ch);
    Admission a = NettyConnection.removeAttr(ch, ADMISSION);
    if (a != null && a.http != null) {
      ChannelHandlerContext ctx = a.http.ctx;
      a.http = null; // the WebSocket keeps only what release needs
      if (!ctx.isRemoved()) {
        ch.pipeline().remove(ctx.handler());
      }
    }
    return a;
  }

  /**
   * Releases the counts of {@code ch}, which ended while it spoke HTTP: once, however often it is
   * called. Call on the channel's event loop.
   */
  static void release(Channel ch) {
    Admission a = admission(ch);
    if (a != null) {
      a.release();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    Admission a = admission(ctx.channel());
    if (msg instanceof FullHttpRequest req && a != null) {
      InetAddress peer = peer(ctx);
      InetAddress client =
          peer == null ? null : forwardedClient(peer, req.headers().get("X-Forwarded-For"));
      if (client != null) { // what this request's handlers charge, limit and log
        a.requestClient = trustedProxies.contains(client) ? null : client;
        a.requestSeen = true;
      }
      if (a.client == null
          && client != null
          && !trustedProxies.contains(client)) { // a proxy's own requests are not limited per IP
        countClient(a, client); // the connection counts against its first client
      }
      if (a.over) {
        metrics.handshakeRejected("connection_limit");
        ReferenceCountUtil.release(msg);
        HandshakeGuard.refuse(
            ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "too many connections; try again later\n");
        return;
      }
      // Whole: no deadline while it is answered; the answer arms the next request's (keep-alive).
      HttpPhase h = a.http;
      if (h != null) {
        h.inBody = false;
        h.answering = true;
        if (h.deadline != null) {
          h.deadline.cancel(false);
          h.deadline = null;
        }
      }
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    lift(ctx.channel());
    release(ctx.channel());
    super.channelInactive(ctx);
  }
}
