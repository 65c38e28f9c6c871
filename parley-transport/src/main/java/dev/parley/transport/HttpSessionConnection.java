package dev.parley.transport;

import dev.parley.core.Connection;
import dev.parley.core.CoreMetrics;
import dev.parley.core.Principal;
import dev.parley.core.Session;
import dev.parley.protocol.CloseCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A session over the fallback transports: Server-Sent Events or HTTP long-polling for
 * server→client, HTTP POST for client→server. Unlike a WebSocket it outlives its HTTP requests:
 * frames wait in a buffer, numbered from 1, until the client acknowledges them (SSE's {@code
 * Last-Event-ID}, {@code ?ack=} on a POST, {@code ?after=} on a poll), so a broken stream or poll
 * loses nothing: the next one picks up after the last id the client holds.
 *
 * <p>Limits: a buffer of more than {@link #MAX_BUFFERED_FRAMES} frames or {@link
 * #MAX_BUFFERED_BYTES} bytes closes the session with 4503 (slow consumer); no stream or poll for
 * the heartbeat window (ping interval + pong timeout) closes it with 4408. The client then opens a
 * new session and resumes from its positions, as after a WebSocket close.
 *
 * <p>All state is confined to {@link #executor()}, the event loop chosen when the session opened;
 * requests arriving on other event loops hop there. Writing to their channels is thread-safe.
 */
final class HttpSessionConnection implements Connection {
  static final int MAX_BUFFERED_FRAMES = 10_000;
  static final long MAX_BUFFERED_BYTES = 8L * 1024 * 1024;

  /** A poll is answered (with nothing) after this long, well within proxies' idle time-outs. */
  static final long POLL_HOLD_MILLIS = 25_000;

  private record Frame(long id, byte[] json) {}

  private final String sid;
  private final String transport;
  private final EventLoop loop;
  private final CoreMetrics metrics;
  private final String origin;
  private final String remote;
  private final Principal principal;
  private final Map<String, String> params;

  /**
   * The client's IP address (for per-address limits), and the opening request's Host; either may be
   * null.
   */
  private volatile String clientAddress;

  private volatile String host;
  private final long idleLimitNanos;
  private final Runnable onGone;

  private Session session;
  private final ArrayDeque<Frame> buffer = new ArrayDeque<>();
  private long bufferedBytes;
  private long nextId = 1;
  private boolean closed;
  private CloseCode closeCode;
  private long lastActivity = System.nanoTime();

  /** The attached event stream, or null. */
  private Channel stream;

  /** The waiting poll: its channel, its keep-alive, and its time-out. */
  private Channel poll;

  private boolean pollKeepAlive;
  private long pollAfter;
  private ScheduledFuture<?> pollTimeout;
  private final ScheduledFuture<?> heartbeat;

  HttpSessionConnection(
      String sid,
      String transport,
      EventLoop loop,
      CoreMetrics metrics,
      String origin,
      String remote,
      Principal principal,
      Map<String, String> params,
      long pingIntervalNanos,
      long idleLimitNanos,
      Runnable onGone) {
    this.sid = sid;
    this.transport = transport;
    this.loop = loop;
    this.metrics = metrics;
    this.origin = origin;
    this.remote = remote;
    this.principal = principal;
    this.params = Map.copyOf(params);
    this.idleLimitNanos = idleLimitNanos;
    this.onGone = onGone;
    this.heartbeat =
        loop.scheduleAtFixedRate(
            this::heartbeat, pingIntervalNanos, pingIntervalNanos, TimeUnit.NANOSECONDS);
  }

  void attach(Session s) {
    this.session = s;
  }

  Session session() {
    return session;
  }

  String sid() {
    return sid;
  }

  @Override
  public Executor executor() {
    return loop;
  }

  @Override
  public String transport() {
    return transport;
  }

  @Override
  public String origin() {
    return origin;
  }

  @Override
  public Map<String, String> handshakeParams() {
    return params;
  }

  /** Sets what the opening request said of the client; call before the session starts. */
  void opener(String clientAddress, String host) {
    this.clientAddress = clientAddress;
    this.host = host;
  }

  @Override
  public String clientAddress() {
    return clientAddress;
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public Principal handshakePrincipal() {
    return principal;
  }

  @Override
  public String remoteAddress() {
    return remote;
  }

  @Override
  public void send(byte[] frame) {
    send(frame, null);
  }

  @Override
  public void send(byte[] frame, Runnable afterWrite) {
    if (loop.inEventLoop()) {
      enqueue(frame, afterWrite);
    } else {
      loop.execute(() -> enqueue(frame, afterWrite));
    }
  }

  private void enqueue(byte[] json, Runnable afterWrite) {
    if (closed) {
      return;
    }
    metrics.bytesOut(json.length);
    Frame f = new Frame(nextId++, json);
    buffer.add(f);
    bufferedBytes += json.length;
    if (buffer.size() > MAX_BUFFERED_FRAMES || bufferedBytes > MAX_BUFFERED_BYTES) {
      metrics.slowConsumerClosed();
      close(CloseCode.SLOW_CONSUMER, CloseCode.SLOW_CONSUMER.reason());
      return;
    }
    if (stream != null) {
      Channel s = stream;
      s.writeAndFlush(new DefaultHttpContent(event(f)))
          .addListener(
              done -> {
                if (afterWrite != null) {
                  loop.execute(afterWrite);
                }
              });
      return;
    }
    if (poll != null) {
      answerPoll(null);
    }
    if (afterWrite != null) {
      afterWrite.run();
    }
  }

  private static ByteBuf event(Frame f) {
    byte[] head = ("id: " + f.id + "\ndata: ").getBytes(StandardCharsets.US_ASCII);
    return Unpooled.wrappedBuffer(head, f.json, new byte[] {'\n', '\n'});
  }

  /** The client holds every frame up to {@code id}: forget them. */
  void acknowledge(long id) {
    while (!buffer.isEmpty() && buffer.peekFirst().id <= id) {
      bufferedBytes -= buffer.pollFirst().json.length;
    }
    lastActivity = System.nanoTime();
  }

  /** Commands from a POST body, one per line. */
  void commands(byte[] body) {
    lastActivity = System.nanoTime();
    if (session == null || closed) {
      return;
    }
    int start = 0;
    for (int i = 0; i <= body.length; i++) {
      if (i == body.length || body[i] == '\n') {
        int end = i;
        if (end > start && body[end - 1] == '\r') {
          end--;
        }
        if (end > start) {
          metrics.bytesIn(end - start);
          session.onFrame(body, start, end - start);
        }
        start = i + 1;
      }
    }
  }

  /** Attaches an event stream: answers headers, then every frame after {@code lastEventId}. */
  void attachStream(Channel ch, long lastEventId) {
    acknowledge(lastEventId);
    if (stream != null && stream != ch) {
      stream
          .writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
          .addListener(ChannelFutureListener.CLOSE);
    }
    stream = ch;
    DefaultHttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    res.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    res.headers().set("X-Accel-Buffering", "no");
    SecurityHeaders.common(ch, res.headers());
    SecurityHeaders.readableBy(res.headers(), origin); // the opener's page (CORS)
    ch.write(res);
    ch.write(
        new DefaultHttpContent(
            Unpooled.copiedBuffer("retry: 1000\n\n", StandardCharsets.US_ASCII)));
    for (Frame f : buffer) {
      ch.write(new DefaultHttpContent(event(f)));
    }
    if (closed) {
      endStream(ch);
    } else {
      ch.flush();
    }
    ch.closeFuture()
        .addListener(
            x ->
                loop.execute(
                    () -> {
                      if (stream == ch) {
                        stream = null;
                        lastActivity = System.nanoTime();
                      }
                    }));
  }

  private void endStream(Channel ch) {
    String json = "{\"code\":" + closeCode.code() + ",\"reason\":\"" + closeCode.reason() + "\"}";
    ch.write(
        new DefaultHttpContent(
            Unpooled.copiedBuffer("event: close\ndata: " + json + "\n\n", StandardCharsets.UTF_8)));
    ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * A poll: answered now when frames after {@code after} wait (or the session closed), else held.
   */
  void poll(Channel ch, boolean keepAlive, long after) {
    acknowledge(after);
    if (poll != null) {
      answerPoll(null); // a newer poll replaces a waiting one
    }
    poll = ch;
    pollKeepAlive = keepAlive;
    pollAfter = after;
    if (!buffer.isEmpty() || closed) {
      answerPoll(null);
      return;
    }
    pollTimeout =
        loop.schedule(
            () -> {
              pollTimeout = null;
              if (poll == ch) {
                answerPoll(null);
              }
            },
            POLL_HOLD_MILLIS,
            TimeUnit.MILLISECONDS);
    ch.closeFuture()
        .addListener(
            x ->
                loop.execute(
                    () -> {
                      if (poll == ch) {
                        poll = null;
                        lastActivity = System.nanoTime();
                      }
                    }));
  }

  private void answerPoll(Void unused) {
    Channel ch = poll;
    poll = null;
    if (pollTimeout != null) {
      pollTimeout.cancel(false);
      pollTimeout = null;
    }
    lastActivity = System.nanoTime();
    StringBuilder head = new StringBuilder("{\"frames\":[");
    ByteBuf body = Unpooled.buffer();
    boolean first = true;
    for (Frame f : buffer) {
      if (f.id <= pollAfter) {
        continue;
      }
      head.append(first ? "" : ",").append("{\"id\":").append(f.id).append(",\"data\":");
      body.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
      body.writeBytes(f.json);
      body.writeByte('}');
      head.setLength(0);
      first = false;
    }
    head.append(']');
    if (closed) {
      head.append(",\"close\":{\"code\":")
          .append(closeCode.code())
          .append(",\"reason\":\"")
          .append(closeCode.reason())
          .append("\"}");
    }
    head.append("}");
    body.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
    FullHttpResponse res =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    SecurityHeaders.common(ch, res.headers());
    SecurityHeaders.readableBy(res.headers(), origin); // the opener's page (CORS)
    if (pollKeepAlive) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ch.writeAndFlush(res);
    } else {
      ch.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void heartbeat() {
    if (closed) {
      return;
    }
    if (stream != null) {
      stream.writeAndFlush(
          new DefaultHttpContent(
              Unpooled.copiedBuffer("event: ping\ndata: {}\n\n", StandardCharsets.US_ASCII)));
      return;
    }
    if (poll == null && System.nanoTime() - lastActivity > idleLimitNanos) {
      close(CloseCode.HEARTBEAT_TIMEOUT, CloseCode.HEARTBEAT_TIMEOUT.reason());
    }
  }

  @Override
  public void close(CloseCode code, String reason) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> close(code, reason));
      return;
    }
    if (closed) {
      return;
    }
    closed = true;
    closeCode = code;
    heartbeat.cancel(false);
    if (stream != null) {
      endStream(stream);
      stream = null;
    }
    if (poll != null) {
      answerPoll(null);
    }
    if (session != null) {
      session.onClose();
    }
    metrics.connectionClosed(transport, code.code());
    onGone.run();
  }
}
