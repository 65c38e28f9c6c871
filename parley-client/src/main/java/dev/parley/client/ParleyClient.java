package dev.parley.client;

import dev.parley.protocol.Codec;
import dev.parley.protocol.Command;
import dev.parley.protocol.chat.ChatCommand;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Push;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Parley connection that keeps the client half of the delivery contract
 * ({@code docs/CLIENTS.md}):
 *
 * <ul>
 *   <li>every {@link #send} gets a {@code cid} and stays in the outbox until acknowledged; it is
 *       sent again after a reconnect or when no ack came in time, in order;
 *   <li>a lost connection is retried with exponential backoff and full jitter ({@link Backoff});
 *   <li>on reconnect the client presents its token (same user, so cids stay de-duplicated) and,
 *       per conversation, the highest contiguous seq it holds; the server replays the rest;
 *   <li>messages reach the listener in seq order, each exactly once; duplicates are dropped and a
 *       gap makes the client ask the server to replay from its position.
 * </ul>
 *
 * <p>Thread-safe: public methods hop onto the client's own single thread, where all state lives;
 * listener callbacks run on that thread too.
 */
public final class ParleyClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ParleyClient.class);
  private static final Set<Integer> FATAL_CLOSE_CODES = Set.of(1002, 1003, 1007, 1008, 1009);

  /** Connection states; see {@code docs/CLIENTS.md#states}. */
  public enum State {
    /** Not yet started. */
    IDLE,
    /** Opening a WebSocket and waiting for {@code welcome}. */
    CONNECTING,
    /** {@code welcome} received: sending and receiving. */
    CONNECTED,
    /** Lost the connection; waiting for the backoff before the next attempt. */
    RECONNECTING,
    /** Closed by {@link #close()}, a fatal close code, or too many attempts. Final. */
    CLOSED
  }

  private final URI uri;
  private final ParleyListener listener;
  private final Backoff backoff;
  private final int maxAttempts;
  private final Duration ackTimeout;
  private final String site;
  private final String loginUser;
  private final String loginPassword;
  /** The server's default limit on a message's text, in Unicode code points. */
  public static final int MAX_TEXT_CODE_POINTS = 4000;

  private final Codec codec = ChatProtocol.codec();
  private final HttpClient http;
  private final ScheduledExecutorService loop;
  private final java.util.function.Supplier<String> tokenProvider;
  private final AtomicLong duplicatesDropped = new AtomicLong();

  // All fields below are confined to the loop thread.
  private State state = State.IDLE;
  private String token;
  private String user;
  /** When the credentials expire (epoch ms), or 0 for never; {@link #tick} refreshes them ahead. */
  private long expiresAt;
  private boolean refreshing;
  private WebSocket socket;
  private long generation;
  private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);
  private int attempt;
  private long heartbeatMillis = 30_000;
  private long lastHeardNanos;
  private final CompletableFuture<Void> firstWelcome = new CompletableFuture<>();
  private final Map<String, Position> positions = new LinkedHashMap<>();
  private final LinkedHashMap<String, Pending> outbox = new LinkedHashMap<>();

  /** Per conversation: the highest contiguous seq held, or -1 until the server tells us. */
  private static final class Position {
    long seq;
    boolean resyncing;
    final TreeMap<Long, Push.Message> ahead = new TreeMap<>();

    Position(long seq) {
      this.seq = seq;
    }
  }

  private record Pending(String cid, String conv, String text, CompletableFuture<Push.Ack> future, long[] sentAt) {}

  private ParleyClient(Builder b) {
    this.uri = b.uri;
    this.listener = b.listener;
    this.backoff = b.backoff;
    this.maxAttempts = b.maxAttempts;
    this.ackTimeout = b.ackTimeout;
    this.token = b.token;
    this.site = b.site;
    this.loginUser = b.loginUser;
    this.loginPassword = b.loginPassword;
    this.tokenProvider = b.tokenProvider;
    this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "parley-client");
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).executor(loop).build();
    loop.scheduleWithFixedDelay(this::tick, 250, 250, TimeUnit.MILLISECONDS);
  }

  public static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /** Starts connecting; the future completes at the first {@code welcome}. */
  public CompletableFuture<Void> connect() {
    loop.execute(() -> {
      if (state == State.IDLE) {
        open();
      }
    });
    return firstWelcome;
  }

  /** Joins a conversation live from now; remembered across reconnects. */
  public void join(String conv) {
    join(conv, -1);
  }

  /**
   * Joins a conversation and replays every message after {@code afterSeq} (0 for all). Joining a
   * conversation the client already holds changes nothing: it keeps its position (no replay, no
   * duplicates).
   */
  public void join(String conv, long afterSeq) {
    loop.execute(() -> {
      Position held = positions.get(conv);
      if (held != null && held.seq >= 0) {
        return;
      }
      Position p = new Position(afterSeq);
      positions.put(conv, p);
      if (state == State.CONNECTED) {
        write(new Command.Join(null, conv, afterSeq < 0 ? null : afterSeq));
      }
    });
  }

  /** Sends a text message with a new cid. Completes with the server's ack once durable. */
  public CompletableFuture<Push.Ack> send(String conv, String text) {
    return send(conv, UUID.randomUUID().toString(), text);
  }

  /** Sends a text message with the given cid (resending a cid is safe: it is stored once). */
  public CompletableFuture<Push.Ack> send(String conv, String cid, String text) {
    CompletableFuture<Push.Ack> f = new CompletableFuture<>();
    if (text.codePointCount(0, text.length()) > MAX_TEXT_CODE_POINTS) {
      // The server counts Unicode code points (docs/PROTOCOL.md#limits); refuse here rather than
      // send what it would refuse.
      f.completeExceptionally(new ParleyException("too_long",
          "text is longer than " + MAX_TEXT_CODE_POINTS + " characters (Unicode code points)"));
      return f;
    }
    loop.execute(() -> {
      if (state == State.CLOSED) {
        f.completeExceptionally(new ParleyException("closed", "the client is closed"));
        return;
      }
      Pending p = new Pending(cid, conv, text, f, new long[] {0});
      outbox.put(cid, p);
      if (state == State.CONNECTED) {
        transmit(p);
      }
    });
    return f;
  }

  /** Sends a typing indicator (ephemeral; dropped when not connected). */
  public void typing(String conv, boolean on) {
    loop.execute(() -> {
      if (state == State.CONNECTED) {
        write(new Command.Typing(null, conv, on));
      }
    });
  }

  /** Visitor: asks for a human agent. */
  public void handoff(String conv) {
    command(new ChatCommand.Handoff(null, conv));
  }

  /** Agent: takes a queued conversation. */
  public void accept(String conv) {
    command(new ChatCommand.Accept(null, conv));
  }

  /** Agent: hands an assigned conversation to another agent. */
  public void transfer(String conv, String toAgent) {
    command(new ChatCommand.Transfer(null, conv, toAgent));
  }

  /** Visitor: leaves the queue; agent: hands the conversation back to the bot. */
  public void backToBot(String conv) {
    command(new ChatCommand.BackToBot(null, conv));
  }

  /** Agent: resolves a conversation. */
  public void resolve(String conv) {
    command(new ChatCommand.Resolve(null, conv));
  }

  /** Sends a command as is when connected (dropped otherwise: these are not outbox messages). */
  public void command(Command c) {
    loop.execute(() -> {
      if (state == State.CONNECTED) {
        write(c);
      }
    });
  }

  /** Stops a bot answer while it streams. */
  public void stop(String conv, String answerId) {
    loop.execute(() -> {
      if (state == State.CONNECTED) {
        write(new ChatCommand.Stop(null, conv, answerId));
      }
    });
  }

  /** Sends a cumulative receipt ({@code delivered} or {@code read}) up to {@code seq}. */
  public void receipt(String conv, String kind, long seq) {
    loop.execute(() -> {
      if (state == State.CONNECTED) {
        write(new Command.Receipt(null, conv, kind, seq));
      }
    });
  }

  /** The highest contiguous seq held for {@code conv}, or -1. */
  public long position(String conv) {
    return call(() -> {
      Position p = positions.get(conv);
      return p == null ? -1L : p.seq;
    });
  }

  /** The current state. */
  public State state() {
    return call(() -> state);
  }

  /** The user id the server gave this client, or null before the first welcome. */
  public String user() {
    return call(() -> user);
  }

  /** The token to continue as the same user (e.g. after a page reload), or null before welcome. */
  public String token() {
    return call(() -> token);
  }

  /** Sends not yet acknowledged. */
  public int pendingSends() {
    return call(outbox::size);
  }

  /** Duplicate messages received and dropped so far. */
  public long duplicatesDropped() {
    return duplicatesDropped.get();
  }

  /**
   * Cuts the connection abruptly, without a close frame, as a failing network would; the client
   * then reconnects as usual. For tests and drills.
   */
  public void dropConnection() {
    loop.execute(() -> {
      if (socket != null) {
        socket.abort();
        lost("dropped by the application");
      }
    });
  }

  /** Closes for good: the socket with 1000, and fails sends still pending. Idempotent. */
  @Override
  public void close() {
    if (loop.isShutdown()) {
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.execute(() -> {
      if (socket != null) {
        WebSocket s = socket;
        socket = null;
        sendChain.whenComplete((x, e) -> s.sendClose(WebSocket.NORMAL_CLOSURE, "bye"));
      }
      setState(State.CLOSED);
      failAll("the client is closed");
      done.complete(null);
    });
    done.orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    // Abort, do not await: a connect in flight (to a server that is gone) would never finish once
    // the client's thread stops, and HttpClient.close() would wait for it forever.
    http.shutdownNow();
    loop.shutdown();
  }

  // ---- loop-thread internals ----

  private <T> T call(java.util.concurrent.Callable<T> c) {
    if (loop.isShutdown()) {
      // Closed: nothing changes any more; read the last values on the caller's thread.
      try {
        loop.awaitTermination(5, TimeUnit.SECONDS);
        return c.call();
      } catch (Exception e) {
        throw new IllegalStateException("the client is closed", e);
      }
    }
    try {
      return loop.submit(c).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the client thread did not answer", e);
    }
  }

  private void open() {
    setState(State.CONNECTING);
    long gen = ++generation;
    http.newWebSocketBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .buildAsync(uri, new SocketListener(gen))
        .whenCompleteAsync((ws, err) -> {
          if (gen != generation || state == State.CLOSED) {
            if (ws != null) {
              ws.abort();
            }
            return;
          }
          if (err != null) {
            log.debug("connect to {} failed: {}", uri, err.toString());
            lost("connect failed");
            return;
          }
          socket = ws;
          sendChain = CompletableFuture.completedFuture(null);
          lastHeardNanos = System.nanoTime();
          Map<String, Long> resume = new LinkedHashMap<>();
          positions.forEach((conv, p) -> {
            p.resyncing = false;
            p.ahead.clear();
            if (p.seq >= 0) {
              resume.put(conv, p.seq);
            }
          });
          boolean login = token == null && loginUser != null;
          write(new Command.Hello(null, 1, token, resume.isEmpty() ? null : resume, login ? loginUser : null,
              login ? loginPassword : null, site == null ? null : new LinkedHashMap<>(Map.of(ChatProtocol.SITE, site))));
        }, loop);
  }

  private void lost(String why) {
    if (state == State.CLOSED) {
      return;
    }
    generation++;
    socket = null;
    if (attempt >= maxAttempts) {
      setState(State.CLOSED);
      failAll("gave up after " + attempt + " attempts");
      firstWelcome.completeExceptionally(new ParleyException("closed", "could not connect to " + uri));
      return;
    }
    long delay = backoff.delayMillis(attempt++);
    log.debug("connection lost ({}); retry {} in {} ms", why, attempt, delay);
    setState(State.RECONNECTING);
    loop.schedule(() -> {
      if (state == State.RECONNECTING) {
        open();
      }
    }, delay, TimeUnit.MILLISECONDS);
  }

  private void fatal(int code, String reason) {
    log.warn("server closed the connection with {} {}; not reconnecting", code, reason);
    generation++;
    socket = null;
    setState(State.CLOSED);
    failAll("closed by the server: " + code + " " + reason);
    firstWelcome.completeExceptionally(new ParleyException("closed", code + " " + reason));
  }

  private void setState(State next) {
    State prev = state;
    if (prev != next) {
      state = next;
      listener.onStateChange(prev, next);
    }
  }

  private void failAll(String why) {
    for (Pending p : outbox.values()) {
      p.future.completeExceptionally(new ParleyException("closed", why));
    }
    outbox.clear();
  }

  private void write(Command c) {
    WebSocket ws = socket;
    if (ws == null) {
      return;
    }
    String text = new String(codec.encode(c), StandardCharsets.UTF_8);
    sendChain = sendChain.exceptionally(e -> null).thenCompose(x -> ws.sendText(text, true));
  }

  private void transmit(Pending p) {
    p.sentAt[0] = System.nanoTime();
    write(new Command.Send(null, p.cid, p.conv, p.text));
  }

  /** Every 250 ms: resend sends unacknowledged for too long; detect a silent server. */
  private void tick() {
    if (state != State.CONNECTED) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastHeardNanos > TimeUnit.MILLISECONDS.toNanos(heartbeatMillis * 2 + 5_000)) {
      log.debug("nothing heard for {} ms; reconnecting", TimeUnit.NANOSECONDS.toMillis(now - lastHeardNanos));
      socket.abort();
      lost("server silent");
      return;
    }
    for (Pending p : outbox.values()) {
      if (now - p.sentAt[0] > ackTimeout.toNanos()) {
        transmit(p);
      }
    }
    if (expiresAt > 0 && tokenProvider != null && !refreshing && System.currentTimeMillis() > expiresAt - 60_000) {
      refreshing = true;
      try {
        String fresh = tokenProvider.get();
        token = fresh;
        write(new Command.Auth(null, fresh));
      } catch (RuntimeException e) {
        log.warn("the token provider failed; the connection will be closed with 4401 at expiry", e);
      }
    }
  }

  private void onPush(long gen, Push push) {
    if (gen != generation) {
      return;
    }
    lastHeardNanos = System.nanoTime();
    switch (push) {
      case Push.Welcome w -> welcomed(w);
      case Push.Joined j -> {
        // A join the server made for us (a visitor's conversation) is adopted like our own.
        Position p = positions.computeIfAbsent(j.conv(), c -> new Position(-1));
        if (p.seq < 0) {
          p.seq = j.from();
        }
        listener.onEvent(j);
      }
      case Push.Message m -> message(m);
      case Push.Ack a -> {
        Pending p = outbox.remove(a.cid());
        if (p != null) {
          p.future.complete(a);
        }
      }
      case Push.Error e -> error(e);
      case Push.Authed a -> {
        expiresAt = a.expiresAt() == null ? 0 : a.expiresAt();
        refreshing = false;
      }
      case Push.Pong p -> { }
      case Push.Unknown u -> { }
      default -> listener.onEvent(push);
    }
  }

  private void welcomed(Push.Welcome w) {
    if (w.token() != null) { // absent when the server knows we hold it already
      token = w.token();
    }
    user = w.user();
    expiresAt = w.expiresAt() == null ? 0 : w.expiresAt();
    refreshing = false;
    heartbeatMillis = w.heartbeatMs();
    attempt = 0;
    setState(State.CONNECTED);
    firstWelcome.complete(null);
    positions.forEach((conv, p) -> {
      if (p.seq < 0) {
        write(new Command.Join(null, conv, null));
      }
    });
    for (Pending p : outbox.values()) {
      transmit(p);
    }
  }

  private void message(Push.Message m) {
    Position p = positions.get(m.conv());
    if (p == null || p.seq < 0) {
      return;
    }
    if (m.seq() <= p.seq || p.ahead.containsKey(m.seq())) {
      duplicatesDropped.incrementAndGet();
      return;
    }
    if (m.seq() > p.seq + 1) {
      p.ahead.put(m.seq(), m);
      if (!p.resyncing) {
        p.resyncing = true;
        write(new Command.Join(null, m.conv(), p.seq));
      }
      return;
    }
    deliver(p, m);
    while (!p.ahead.isEmpty() && p.ahead.firstKey() == p.seq + 1) {
      deliver(p, p.ahead.pollFirstEntry().getValue());
    }
    if (p.ahead.isEmpty()) {
      p.resyncing = false;
    }
  }

  private void deliver(Position p, Push.Message m) {
    p.seq = m.seq();
    if (m.cid() != null && m.from() != null && m.from().equals(user)) {
      // Our own message: if its ack was lost with a connection, this is as good as the ack.
      Pending mine = outbox.remove(m.cid());
      if (mine != null) {
        mine.future.complete(new Push.Ack(null, m.cid(), m.conv(), m.seq(), m.id(), m.ts()));
      }
    }
    listener.onMessage(m);
  }

  private void error(Push.Error e) {
    Pending p = e.cid() == null ? null : outbox.get(e.cid());
    if (p == null) {
      listener.onError(e);
      return;
    }
    if (Boolean.TRUE.equals(e.retry())) {
      // Stays in the outbox; the tick sends it again after the ack time-out.
      p.sentAt[0] = System.nanoTime();
      return;
    }
    outbox.remove(e.cid());
    p.future.completeExceptionally(new ParleyException(e.code(), e.message()));
  }

  /** Receives from one socket; stale sockets are recognised by their generation. */
  private final class SocketListener implements WebSocket.Listener {
    private final long gen;
    private final StringBuilder partial = new StringBuilder();

    SocketListener(long gen) {
      this.gen = gen;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        Push push;
        try {
          push = codec.decodePush(text);
        } catch (RuntimeException e) {
          log.warn("undecodable event ignored: {}", e.getMessage());
          push = null;
        }
        if (push != null) {
          onPush(gen, push);
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
      if (gen == generation) {
        lastHeardNanos = System.nanoTime();
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      if (gen == generation) {
        if (FATAL_CLOSE_CODES.contains(code)) {
          fatal(code, reason);
        } else if (code == dev.parley.protocol.CloseCode.TOKEN_EXPIRED.code()) {
          // Reconnect with fresh credentials: the provider's token, or a new login.
          token = tokenProvider != null ? tokenProvider.get() : loginUser != null ? null : token;
          lost("closed by the server: " + code + " " + reason);
        } else {
          lost("closed by the server: " + code + " " + reason);
        }
      }
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      if (gen == generation) {
        lost("error: " + error);
      }
    }
  }

  /** Builds a {@link ParleyClient}. */
  public static final class Builder {
    private final URI uri;
    private ParleyListener listener = new ParleyListener() {};
    private Backoff backoff = Backoff.defaults();
    private int maxAttempts = Integer.MAX_VALUE;
    private Duration ackTimeout = Duration.ofSeconds(10);
    private String token;
    private String site;
    private String loginUser;
    private String loginPassword;
    private java.util.function.Supplier<String> tokenProvider;

    private Builder(URI uri) {
      this.uri = uri;
    }

    public Builder listener(ParleyListener v) { listener = v; return this; }
    public Builder backoff(Backoff v) { backoff = v; return this; }
    /** Consecutive failed attempts before giving up (state CLOSED). Default: never give up. */
    public Builder maxAttempts(int v) { maxAttempts = v; return this; }
    /** How long a send waits for its ack before it is sent again on the same connection. */
    public Builder ackTimeout(Duration v) { ackTimeout = v; return this; }
    /** Logs in as an agent; later reconnects use the token the server gives back. */
    public Builder login(String user, String password) { loginUser = user; loginPassword = password; return this; }
    /** The site whose visitor this client is: the server opens its conversation and greets. */
    public Builder site(String v) { site = v; return this; }
    /** A token from an earlier session, to continue as the same user. */
    public Builder token(String v) { token = v; return this; }
    /**
     * Where fresh tokens come from (a JWT from your backend): called on the client's thread a
     * minute before the current one expires (sent in-band as {@code auth}, so the connection stays
     * up) and after a 4401 close. Without it, an agent logs in again with its password.
     */
    public Builder tokenProvider(java.util.function.Supplier<String> v) { tokenProvider = v; return this; }

    public ParleyClient build() {
      return new ParleyClient(this);
    }
  }
}
