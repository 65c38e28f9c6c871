package dev.parley.client;

import dev.parley.client.ParleyClient.State;
import dev.parley.protocol.CloseCode;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Command;
import dev.parley.protocol.Push;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link ParleyClient}'s connection over successive WebSockets ({@code
 * docs/CLIENTS.md#states}): opens a socket and says the client's {@code hello}, reconnects with
 * backoff and full jitter when the socket is lost or the server falls silent, and goes CLOSED for
 * good on a fatal close code, when the attempts run out, or on {@link #close}. It knows nothing of
 * what travels: the client ({@link Owner}) gives it the {@code hello} and hears every event of the
 * current socket; events of a replaced socket (an older generation) are dropped here.
 *
 * <p>Not thread-safe: confined to the client's thread. Every method is called there, and the
 * sockets' listeners, the {@code HttpClient}'s completions and the retries run there too (the
 * thread is the {@code HttpClient}'s executor).
 */
final class Connection {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  /** Close codes that say the client itself is at fault: reconnecting would not help. */
  private static final Set<Integer> FATAL_CLOSE_CODES = Set.of(1002, 1003, 1007, 1008, 1009);

  /** How long opening a socket (TCP, TLS, upgrade) may take before the attempt counts as failed. */
  private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);

  /** Silence beyond twice the server's heartbeat plus this means a dead connection. */
  private static final long SILENCE_GRACE_MILLIS = 5_000;

  /** The client's side of the connection. Called on the client's thread. */
  interface Owner {
    /** A socket opened: the {@code hello} to say first. */
    Command.Hello hello();

    /** An event of the current socket. */
    void push(Push push);

    /** The state changed from {@code from} to {@code to}. */
    void stateChanged(State from, State to);

    /** The current socket is gone: whatever waited for an answer on it will not get one. */
    void lost();

    /** The server closed with 4401: the next {@code hello} needs fresh credentials. */
    void credentialsExpired();

    /** CLOSED for good, for the reason given. */
    void ended(String why);
  }

  private final URI uri;
  private final Backoff backoff;
  private final int maxAttempts;
  private final ScheduledExecutorService loop;
  private final Codec codec;
  private final Owner owner;
  private final HttpClient http;
  private State state = State.IDLE;

  /** The open socket, or null while there is none. */
  private WebSocket socket;

  /** Counts sockets: events of an older one than the current one are dropped. */
  private long generation;

  /** The writes on the current socket, one after another (a WebSocket takes one at a time). */
  private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);

  /** Failed attempts since the last {@code welcome}. */
  private int attempt;

  private long heartbeatMillis = 30_000;
  private long lastHeardNanos;

  Connection(
      URI uri,
      Backoff backoff,
      int maxAttempts,
      ScheduledExecutorService loop,
      Codec codec,
      Owner owner) {
    this.uri = uri;
    this.backoff = backoff;
    this.maxAttempts = maxAttempts;
    this.loop = loop;
    this.codec = codec;
    this.owner = owner;
    this.http = HttpClient.newBuilder().connectTimeout(OPEN_TIMEOUT).executor(loop).build();
  }

  State state() {
    return state;
  }

  /** Opens the first socket, unless started already. */
  void start() {
    if (state == State.IDLE) {
      open();
    }
  }

  /** The server's {@code welcome} arrived: CONNECTED, the attempts start over. */
  void established(long heartbeatMillis) {
    this.heartbeatMillis = heartbeatMillis;
    attempt = 0;
    setState(State.CONNECTED);
  }

  /**
   * Writes {@code c} on the current socket after the writes before it; dropped without a socket.
   */
  void write(Command c) {
    WebSocket ws = socket;
    if (ws == null) {
      return;
    }
    String text = new String(codec.encode(c), StandardCharsets.UTF_8);
    sendChain = sendChain.exceptionally(e -> null).thenCompose(x -> ws.sendText(text, true));
  }

  /**
   * The server refused the {@code hello} for now ({@code rate_limited}: too many new sessions from
   * this address): says it again on the same socket after {@code delayMillis}, unless the socket
   * was replaced or welcomed meanwhile.
   */
  void helloAgainAfter(long delayMillis) {
    long gen = generation;
    loop.schedule(
        () -> {
          if (gen == generation && state == State.CONNECTING && socket != null) {
            write(owner.hello());
          }
        },
        delayMillis,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Writes what {@code command} answers then (nothing for null) after {@code delayMillis}, if this
   * connection is still the one that is up: a reconnect meanwhile drops it. Client thread.
   */
  void writeLater(long delayMillis, Supplier<Command> command) {
    long gen = generation;
    loop.schedule(
        () -> {
          if (gen == generation && state == State.CONNECTED && socket != null) {
            Command c = command.get();
            if (c != null) {
              write(c);
            }
          }
        },
        delayMillis,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Checks that the server still talks: a CONNECTED socket silent for twice the server's heartbeat
   * (plus a grace) is aborted and the client reconnects.
   *
   * @return true when CONNECTED and alive
   */
  boolean checkAlive() {
    if (state != State.CONNECTED) {
      return false;
    }
    long silent = System.nanoTime() - lastHeardNanos;
    if (silent <= TimeUnit.MILLISECONDS.toNanos(heartbeatMillis * 2 + SILENCE_GRACE_MILLIS)) {
      return true;
    }
    log.debug("nothing heard for {} ms; reconnecting", TimeUnit.NANOSECONDS.toMillis(silent));
    socket.abort();
    lost("server silent");
    return false;
  }

  /** Cuts the socket without a close frame, as a failing network would, and reconnects. */
  void drop() {
    if (socket != null) {
      socket.abort();
      lost("dropped by the application");
    }
  }

  /** CLOSED for good: the socket closes with 1000 after the writes before it. Idempotent. */
  void close(String why) {
    if (state == State.CLOSED) {
      return;
    }
    if (socket != null) {
      WebSocket s = socket;
      sendChain.whenComplete((x, e) -> s.sendClose(WebSocket.NORMAL_CLOSURE, "bye"));
    }
    end(why);
  }

  /**
   * Aborts what the {@code HttpClient} has in flight, without waiting: a connect in flight (to a
   * server that is gone) would never finish once the client's thread stops. Any thread.
   */
  void shutdownNow() {
    http.shutdownNow();
  }

  private void open() {
    setState(State.CONNECTING);
    long gen = ++generation;
    http.newWebSocketBuilder()
        .connectTimeout(OPEN_TIMEOUT)
        .buildAsync(uri, new SocketListener(gen, codec, new Heard()))
        .whenCompleteAsync(
            (ws, err) -> {
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
              write(owner.hello());
            },
            loop);
  }

  private void lost(String why) {
    if (state == State.CLOSED) {
      return;
    }
    generation++;
    socket = null;
    owner.lost();
    if (attempt >= maxAttempts) {
      end("gave up after " + attempt + " attempts");
      return;
    }
    long delay = backoff.delayMillis(attempt++);
    log.debug("connection lost ({}); retry {} in {} ms", why, attempt, delay);
    setState(State.RECONNECTING);
    loop.schedule(
        () -> {
          if (state == State.RECONNECTING) {
            open();
          }
        },
        delay,
        TimeUnit.MILLISECONDS);
  }

  private void end(String why) {
    generation++;
    socket = null;
    setState(State.CLOSED);
    owner.ended(why);
  }

  private void setState(State next) {
    State prev = state;
    if (prev != next) {
      state = next;
      owner.stateChanged(prev, next);
    }
  }

  /** What the sockets hear; only the current socket's events count. */
  private final class Heard implements SocketListener.Events {
    @Override
    public void push(long gen, Push push) {
      if (gen == generation) {
        lastHeardNanos = System.nanoTime();
        owner.push(push);
      }
    }

    @Override
    public void heard(long gen) {
      if (gen == generation) {
        lastHeardNanos = System.nanoTime();
      }
    }

    @Override
    public void closed(long gen, int code, String reason) {
      if (gen != generation) {
        return;
      }
      if (FATAL_CLOSE_CODES.contains(code)) {
        log.warn("server closed the connection with {} {}; not reconnecting", code, reason);
        end("closed by the server: " + code + " " + reason);
        return;
      }
      if (code == CloseCode.TOKEN_EXPIRED.code()) {
        owner.credentialsExpired();
      }
      lost("closed by the server: " + code + " " + reason);
    }

    @Override
    public void failed(long gen, Throwable error) {
      if (gen == generation) {
        lost("error: " + error);
      }
    }
  }
}
