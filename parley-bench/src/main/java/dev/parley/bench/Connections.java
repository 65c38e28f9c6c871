package dev.parley.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Opens ready connections to a {@link Target} in its {@link Dialect} (Parley: {@code hello}, and
 * {@code join} where a conversation is given; Socket.IO: its connect and a room join; the raw
 * baseline: the upgrade alone), and counts what goes wrong while a measurement runs: connections
 * closed and error events, by code. Its methods may be called from any thread; the counters are
 * atomic and are reset by {@link #begin} between measurements.
 */
final class Connections {
  final Load load;

  /** Connections that closed while a scenario ran: should stay 0. */
  private final AtomicLong closed = new AtomicLong();

  /**
   * Error events received, by code (Parley's error code, or Socket.IO's connect_error): should stay
   * empty.
   */
  private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();

  /** The first error event of the measurement, for the console. Written by any event loop. */
  private volatile String firstError;

  /**
   * Counts closes of the current measurement's connections only (earlier ones may still be
   * closing).
   */
  private volatile long epoch;

  Connections(Load load) {
    this.load = load;
  }

  /** Starts a measurement: counters to 0. */
  @SuppressWarnings("NonAtomicVolatileUpdate") // one writer: the bench's main thread
  void begin() {
    epoch++;
    closed.set(0);
    errors.clear();
    firstError = null;
  }

  long closed() {
    return closed.get();
  }

  /** Error events since {@link #begin}, all codes. */
  long errors() {
    return errors.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** Error events with {@code code} since {@link #begin}. */
  long errors(String code) {
    AtomicLong n = errors.get(code);
    return n == null ? 0 : n.get();
  }

  /** Adds counts reported by another process (idle connections held by children). */
  void add(long closedMore, long errorsMore) {
    closed.addAndGet(closedMore);
    errors.computeIfAbsent("reported", k -> new AtomicLong()).addAndGet(errorsMore);
  }

  /** Puts {@code connections_closed} and {@code errors} into {@code f}: 0 in a clean run. */
  void diagnostics(Map<String, Double> f) {
    f.put("connections_closed", (double) closed.get());
    f.put("errors", (double) errors());
    if (firstError != null) {
      System.err.println("bench: first error event: " + firstError);
    }
  }

  /**
   * A connection to {@code uri} in {@code t}'s dialect, ready (and joined to {@code conv} if
   * given).
   */
  CompletableFuture<Channel> connect(Target t, URI uri, String conv, Load.Listener onData) {
    long mine = epoch;
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Load.Listener counting =
        new Load.Listener() {
          @Override
          public void onFrame(Channel ch, ByteBuf text) {
            onData.onFrame(ch, text);
          }

          @Override
          public void onClose(Channel ch) {
            ready.completeExceptionally(new IllegalStateException("closed before it was ready"));
            if (mine == epoch) {
              closed.incrementAndGet();
            }
          }
        };
    Dialect.Session session =
        t.dialect()
            .session(
                conv,
                ready,
                counting,
                (code, event) -> {
                  errors.computeIfAbsent(code, k -> new AtomicLong()).incrementAndGet();
                  if (firstError == null) {
                    firstError = event;
                  }
                });
    return load.open(uri, session)
        .thenCompose(
            ch -> {
              session.upgraded(ch);
              return ready.thenApply(x -> ch);
            });
  }

  /**
   * Opens {@code n} connections, at most 256 handshakes in flight; returns them (i joined conv(i))
   * and the seconds it took.
   */
  List<Channel> openMany(
      Target t, int n, IntFunction<String> conv, Load.Listener onData, double[] seconds)
      throws Exception {
    Semaphore inFlight = new Semaphore(256);
    Channel[] open = new Channel[n];
    AtomicLong failed = new AtomicLong();
    List<CompletableFuture<Channel>> all = new ArrayList<>(n);
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      inFlight.acquire();
      int index = i;
      CompletableFuture<Channel> f = connect(t, t.dialect().uri(t, false), conv.apply(i), onData);
      f.whenComplete(
          (ch, err) -> {
            inFlight.release();
            if (err != null) {
              failed.incrementAndGet();
            } else {
              synchronized (open) {
                open[index] = ch;
              }
            }
          });
      all.add(f);
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .exceptionally(e -> null)
        .get(10, TimeUnit.MINUTES);
    seconds[0] = (System.nanoTime() - start) / 1e9;
    if (failed.get() > 0) {
      throw new IllegalStateException(
          failed.get() + " of " + n + " connections to " + t.name + " failed");
    }
    synchronized (open) {
      return new ArrayList<>(List.of(open));
    }
  }

  static void closeAll(List<Channel> channels) {
    for (Channel c : channels) {
      c.close();
    }
    for (Channel c : channels) {
      c.closeFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }
}
