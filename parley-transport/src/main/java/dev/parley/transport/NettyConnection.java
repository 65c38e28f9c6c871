package dev.parley.transport;

import dev.parley.core.Connection;
import dev.parley.core.CoreMetrics;
import dev.parley.core.Principal;
import dev.parley.protocol.CloseCode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket channel seen as the core's {@link Connection}.
 *
 * <p>Thread-safe: Netty channels accept writes from any thread and run them on their event loop;
 * {@link #write} and {@link #flush}, the fan-out's batch, run on that loop only. {@code send}
 * frames wrap the core's byte arrays without copying. A batch's frames are encoded into WebSocket
 * wire bytes once per loop ({@link SharedTextFrames}) and every connection on the loop writes a
 * duplicate of them — unless the connection negotiated permessage-deflate, whose encoder must see
 * each frame; then the batch writes {@code TextWebSocketFrame}s. The batch's flush goes straight
 * past the flush consolidation of {@link WebSocketSessionHandler} (which would defer it to one more
 * task per connection): the batch is the consolidation.
 */
final class NettyConnection implements Connection {
  /** A peer that does not answer our close frame is cut off after this long. */
  private static final long CLOSE_GRACE_MILLIS = 2000;

  /** The close code the server sent on this channel, for the connections-closed metric. */
  static final AttributeKey<Integer> CLOSE_CODE = AttributeKey.valueOf("parleyCloseCode");

  private final Channel channel;
  private final CoreMetrics metrics;
  private final String origin;

  /** The Host header of the upgrade request, for same-origin checks. */
  private final String host;

  /**
   * Where a batch's flush enters the pipeline: the session handler's context, which consolidates
   * flushes (its flush goes to the handlers before it, not through it), or null without one (the
   * channel's flush).
   */
  private final ChannelHandlerContext flushPast;

  /** Whether batch writes may be pre-encoded wire bytes: no WebSocket extension is in use. */
  private final boolean sharedFrames;

  /**
   * The client's address as the connection limiter counted it (the forwarded one behind a trusted
   * proxy), or null when unknown (then the peer's).
   */
  private final InetAddress client;

  /**
   * Call once the upgrade is complete, so that the negotiated extensions are in the pipeline;
   * {@code client} is the limiter's ({@link ConnectionLimiter.Admission#client}), or null.
   */
  NettyConnection(
      Channel channel, CoreMetrics metrics, String origin, String host, InetAddress client) {
    this.channel = channel;
    this.metrics = metrics;
    this.origin = origin;
    this.host = host;
    this.client = client;
    this.flushPast = channel.pipeline().context(WebSocketSessionHandler.class);
    this.sharedFrames = channel.pipeline().get(WebSocketExtensionEncoder.class) == null;
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public String clientAddress() {
    if (client != null) {
      return client.getHostAddress();
    }
    return channel.remoteAddress() instanceof InetSocketAddress a
        ? a.getAddress().getHostAddress()
        : null;
  }

  @Override
  public String origin() {
    return origin;
  }

  // The handshake's attributes are read with hasAttr first: attr() alone would add an empty one to
  // the channel for good.
  @Override
  public Principal handshakePrincipal() {
    return channel.hasAttr(HandshakeGuard.PRINCIPAL)
        ? channel.attr(HandshakeGuard.PRINCIPAL).get()
        : null;
  }

  @Override
  public Map<String, String> handshakeParams() {
    Map<String, String> p =
        channel.hasAttr(HandshakeGuard.PARAMS) ? channel.attr(HandshakeGuard.PARAMS).get() : null;
    return p == null ? Map.of() : p;
  }

  /** Lets the handshake's principal and parameters go: {@code hello} has used them. */
  @Override
  public void forgetHandshake() {
    removeAttr(channel, HandshakeGuard.PRINCIPAL);
    removeAttr(channel, HandshakeGuard.PARAMS);
  }

  /**
   * Removes the attribute {@code key} from the channel, if it has one, and returns its value (null
   * without one): not only its value, which {@code set(null)} would clear while the attribute (24
   * B) and its slot stayed for good. Netty deprecates removal because another thread might still
   * hold the attribute; these attributes are set, read and removed only on the channel's event
   * loop, and nothing holds one.
   */
  @SuppressWarnings("deprecation") // Attribute.getAndRemove: see above
  static <T> T removeAttr(Channel channel, AttributeKey<T> key) {
    return channel.hasAttr(key) ? channel.attr(key).getAndRemove() : null;
  }

  @Override
  public Executor executor() {
    return channel.eventLoop();
  }

  @Override
  public void send(byte[] frame) {
    metrics.bytesOut(frame.length);
    channel.writeAndFlush(
        new TextWebSocketFrame(Unpooled.wrappedBuffer(frame)), channel.voidPromise());
  }

  @Override
  public void send(byte[] frame, Runnable afterWrite) {
    metrics.bytesOut(frame.length);
    channel
        .writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame)))
        .addListener(f -> afterWrite.run());
  }

  @Override
  public void write(byte[] frame) {
    metrics.bytesOut(frame.length);
    channel.write(
        sharedFrames
            ? SharedTextFrames.retainedWire(channel.alloc(), frame)
            : new TextWebSocketFrame(Unpooled.wrappedBuffer(frame)),
        channel.voidPromise());
  }

  @Override
  public void flush() {
    if (flushPast != null && !flushPast.isRemoved()) {
      flushPast.flush();
    } else {
      channel.flush();
    }
  }

  @Override
  public void close(CloseCode code, String reason) {
    closeChannel(channel, code, reason);
  }

  /** Sends a close frame, closes once it is written, and cuts off a peer that stalls the write. */
  static void closeChannel(Channel channel, CloseCode code, String reason) {
    if (!channel.isActive()) {
      return;
    }
    channel.attr(CLOSE_CODE).setIfAbsent(code.code());
    channel
        .writeAndFlush(new CloseWebSocketFrame(code.code(), reason))
        .addListener(ChannelFutureListener.CLOSE);
    channel
        .eventLoop()
        .schedule(
            () -> {
              channel.close();
            },
            CLOSE_GRACE_MILLIS,
            TimeUnit.MILLISECONDS);
  }

  @Override
  public String remoteAddress() {
    if (client != null
        && channel.remoteAddress() instanceof InetSocketAddress a
        && !client.equals(a.getAddress())) {
      return client.getHostAddress() + " (via " + a.getHostString() + ":" + a.getPort() + ")";
    }
    return channel.remoteAddress() instanceof InetSocketAddress a
        ? a.getHostString() + ":" + a.getPort()
        : "?";
  }

  @Override
  public String transport() {
    return "websocket";
  }
}
