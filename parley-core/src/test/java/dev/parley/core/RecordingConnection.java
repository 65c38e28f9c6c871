package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Connection} that records every frame the core writes, decoded, for a test to pop in
 * order with {@link #next}; {@link #assertNothingMoreBefore} proves that nothing else came (a ping
 * fence, not a wait). Its executor is one real thread, like an event loop.
 *
 * <p>Thread-safe: frames go into a blocking queue; the close code is volatile.
 */
public final class RecordingConnection implements Connection, AutoCloseable {
  private final ExecutorService loop;
  private final BlockingQueue<Push> frames = new LinkedBlockingQueue<>();

  /** The outbound calls in order: "send", "write" (held back) and "flush". */
  private final ConcurrentLinkedQueue<String> calls = new ConcurrentLinkedQueue<>();

  private final Codec codec;
  private final Map<String, String> params;
  private final String origin;
  private final String clientAddress;
  private final String host;
  private volatile CloseCode closedWith;

  /** Where the outbound calls also go, each as "name:call", for an order across connections. */
  private record CallLog(Queue<String> calls, String name) {}

  private volatile CallLog callLog;

  /** Whether {@link #flush} throws (after recording the call), as a broken connection might. */
  private volatile boolean failFlushes;

  private volatile Principal handshakePrincipal;

  /** A connection whose frames are decoded with the core's codec. */
  public RecordingConnection() {
    this(new Codec(), Map.of(), null);
  }

  /** A connection on {@code loop}, shared with others as connections share an event loop. */
  public RecordingConnection(ExecutorService loop) {
    this(loop, new Codec(), Map.of(), null, "192.0.2.1", null);
  }

  /**
   * @param codec decodes what the node writes (an extension's events need its codec)
   * @param params the handshake's query parameters
   * @param origin the handshake's Origin, or null
   */
  public RecordingConnection(Codec codec, Map<String, String> params, String origin) {
    this(codec, params, origin, "192.0.2.1", null);
  }

  /**
   * @param clientAddress the client's IP address, for per-address limits
   * @param host the handshake's Host header, or null
   */
  public RecordingConnection(
      Codec codec, Map<String, String> params, String origin, String clientAddress, String host) {
    this(Executors.newSingleThreadExecutor(), codec, params, origin, clientAddress, host);
  }

  private RecordingConnection(
      ExecutorService loop,
      Codec codec,
      Map<String, String> params,
      String origin,
      String clientAddress,
      String host) {
    this.loop = loop;
    this.codec = codec;
    this.params = Map.copyOf(params);
    this.origin = origin;
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
  public ExecutorService executor() {
    return loop;
  }

  /**
   * Also logs each outbound call to {@code log} as "{@code name}:call", so that a test can see the
   * order of calls across the connections of one loop.
   */
  public RecordingConnection logCallsTo(Queue<String> log, String name) {
    this.callLog = new CallLog(log, name);
    return this;
  }

  private void call(String what) {
    calls.add(what);
    CallLog shared = callLog;
    if (shared != null) {
      shared.calls().add(shared.name() + ":" + what);
    }
  }

  @Override
  public void send(byte[] frame) {
    call("send");
    frames.add(codec.decodePush(frame, 0, frame.length));
  }

  @Override
  public void write(byte[] frame) {
    call("write");
    frames.add(codec.decodePush(frame, 0, frame.length));
  }

  /** From now on {@link #flush} throws, after recording the call. */
  public void failFlushes() {
    failFlushes = true;
  }

  @Override
  public void flush() {
    call("flush");
    if (failFlushes) {
      throw new IllegalStateException("flush failed (RecordingConnection.failFlushes)");
    }
  }

  /** The outbound calls since the last time this was asked, in order, and forgets them. */
  public List<String> takeCalls() {
    List<String> out = new ArrayList<>();
    for (String c = calls.poll(); c != null; c = calls.poll()) {
      out.add(c);
    }
    return out;
  }

  @Override
  public void send(byte[] frame, Runnable afterWrite) {
    send(frame);
    loop.execute(afterWrite);
  }

  @Override
  public void close(CloseCode code, String reason) {
    closedWith = code;
  }

  @Override
  public String remoteAddress() {
    return "test";
  }

  @Override
  public String transport() {
    return "test";
  }

  @Override
  public Map<String, String> handshakeParams() {
    return params;
  }

  @Override
  public Principal handshakePrincipal() {
    return handshakePrincipal;
  }

  /** This connection's handshake presented a token the transport checked as {@code p}. */
  public RecordingConnection presentedAtHandshake(Principal p) {
    this.handshakePrincipal = p;
    return this;
  }

  @Override
  public String origin() {
    return origin;
  }

  /** The close code the core asked for, or null. */
  public CloseCode closedWith() {
    return closedWith;
  }

  /** The next frame, waiting up to 5 s. */
  public Push next() throws InterruptedException {
    Push p = frames.poll(5, TimeUnit.SECONDS);
    assertThat(p).as("a frame within 5 s").isNotNull();
    return p;
  }

  /** The next frame, which must be a {@code type}. */
  @SuppressWarnings("unchecked")
  public <T extends Push> T next(Class<T> type) throws InterruptedException {
    Push p = next();
    assertThat(p).isInstanceOf(type);
    return (T) p;
  }

  /** Skips frames until one of {@code type} comes (within 5 s each) and returns it. */
  @SuppressWarnings("unchecked")
  public <T extends Push> T nextOf(Class<T> type) throws InterruptedException {
    while (true) {
      Push p = next();
      if (type.isInstance(p)) {
        return (T) p;
      }
    }
  }

  /** Asserts that nothing else arrives: a ping fence must be the next frame. */
  public void assertNothingMoreBefore(Session s) throws InterruptedException {
    command(s, "{\"type\":\"ping\",\"ref\":\"fence\"}");
    assertThat(next()).isEqualTo(new Push.Pong("fence"));
  }

  /** Feeds {@code json} to {@code s} on the connection's loop, as the transport would. */
  public void command(Session s, String json) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    onLoop(() -> s.onFrame(b, 0, b.length));
  }

  /** Runs {@code r} on the connection's loop, as the transport would. */
  public void onLoop(Runnable r) {
    loop.execute(r);
  }

  /** Waits until every task queued on the loop so far has run. */
  public void drainLoop() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    loop.execute(done::countDown);
    assertThat(done.await(5, TimeUnit.SECONDS)).as("the loop ran its tasks").isTrue();
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}
