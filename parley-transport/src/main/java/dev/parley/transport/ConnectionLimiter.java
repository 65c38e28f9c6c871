package dev.parley.transport;

import dev.parley.core.CoreMetrics;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 *       deadline} of opening, and of each previous request: a slowloris client dribbling headers is
 *       closed instead of holding a socket (counted as {@code timeout}). The WebSocket heartbeat
 *       takes over after the upgrade.
 * </ul>
 *
 * <p>Sharable: counts are concurrent; per-channel state lives in channel attributes, touched only
 * on the channel's event loop.
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
  /** The client's address (the forwarded one behind a trusted proxy), once known. */
  static final AttributeKey<InetAddress> CLIENT = AttributeKey.valueOf("parleyClientAddress");

  private static final AttributeKey<Boolean> COUNTED = AttributeKey.valueOf("parleyCounted");
  private static final AttributeKey<InetAddress> COUNTED_IP = AttributeKey.valueOf("parleyCountedIp");
  private static final AttributeKey<Boolean> OVER = AttributeKey.valueOf("parleyOverLimit");
  private static final AttributeKey<ScheduledFuture<?>> DEADLINE = AttributeKey.valueOf("parleyDeadline");

  private final int maxTotal;
  private final int maxPerIp;
  private final long deadlineNanos;
  private final CoreMetrics metrics;
  private final Set<InetAddress> trustedProxies = new HashSet<>();
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, AtomicInteger> perIp = new ConcurrentHashMap<>();

  ConnectionLimiter(int maxTotal, int maxPerIp, long deadlineNanos, CoreMetrics metrics, Collection<String> trustedProxies) {
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

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    InetAddress ip = peer(ctx);
    int t = total.incrementAndGet();
    ctx.channel().attr(COUNTED).set(true);
    if (t > maxTotal) {
      ctx.channel().attr(OVER).set(true);
    }
    if (ip != null && !trustedProxies.contains(ip)) {
      countClient(ctx, ip);
    }
    arm(ctx);
    super.channelActive(ctx);
  }

  private void countClient(ChannelHandlerContext ctx, InetAddress ip) {
    ctx.channel().attr(CLIENT).set(ip);
    ctx.channel().attr(COUNTED_IP).set(ip);
    if (perIp.computeIfAbsent(ip, k -> new AtomicInteger()).incrementAndGet() > maxPerIp) {
      ctx.channel().attr(OVER).set(true);
    }
  }

  /**
   * The client behind trusted proxies: walking {@code X-Forwarded-For} from the right, the first
   * address that is not a trusted proxy; the peer when the header is missing or names only proxies.
   * Entries that are not IP literals end the walk (never a DNS lookup).
   */
  InetAddress forwardedClient(InetAddress peer, String xff) {
    if (xff == null) {
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

  private void arm(ChannelHandlerContext ctx) {
    ScheduledFuture<?> old = ctx.channel().attr(DEADLINE).getAndSet(ctx.executor().schedule(() -> {
      metrics.handshakeRejected("timeout");
      ctx.close();
    }, deadlineNanos, TimeUnit.NANOSECONDS));
    if (old != null) {
      old.cancel(false);
    }
  }

  private static void disarm(ChannelHandlerContext ctx) {
    lift(ctx.channel());
  }

  /**
   * Lifts the request deadline of {@code ch}: it upgraded to a WebSocket, or answers with an event
   * stream or a held poll, and heartbeats take over. Called by the handlers after this one (their
   * user events travel forward, never back to this handler). Call on the channel's event loop.
   */
  static void lift(io.netty.channel.Channel ch) {
    ScheduledFuture<?> f = ch.attr(DEADLINE).getAndSet(null);
    if (f != null) {
      f.cancel(false);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof FullHttpRequest req) {
      if (ctx.channel().attr(COUNTED_IP).get() == null) {
        InetAddress peer = peer(ctx);
        if (peer != null) {
          countClient(ctx, forwardedClient(peer, req.headers().get("X-Forwarded-For")));
        }
      }
      if (Boolean.TRUE.equals(ctx.channel().attr(OVER).get())) {
        metrics.handshakeRejected("connection_limit");
        ReferenceCountUtil.release(msg);
        HandshakeGuard.refuse(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "too many connections; try again later\n");
        return;
      }
      arm(ctx); // the next request (keep-alive) gets its own deadline; an upgrade disarms it below
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    disarm(ctx);
    if (Boolean.TRUE.equals(ctx.channel().attr(COUNTED).getAndSet(false))) {
      total.decrementAndGet();
      InetAddress ip = ctx.channel().attr(COUNTED_IP).getAndSet(null);
      if (ip != null) {
        perIp.computeIfPresent(ip, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
      }
    }
    super.channelInactive(ctx);
  }
}
