package dev.parley.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The benchmark scenarios. Each runs against one {@link Target} and returns one {@link Result}.
 * Parley connections say {@code hello} (and {@code join} where the scenario needs a conversation)
 * before they count as open; the baseline's need nothing. Latencies are measured open-loop: every
 * message carries the time it was <em>meant</em> to be sent, so a stalled sender does not hide
 * queueing delay (no coordinated omission).
 */
final class Scenarios {
  private static final byte[] WELCOME = Load.ascii("\"type\":\"welcome\"");
  private static final byte[] JOINED = Load.ascii("\"type\":\"joined\"");
  private static final byte[] MESSAGE = Load.ascii("\"type\":\"message\"");
  private static final byte[] ACK = Load.ascii("\"type\":\"ack\"");
  private static final byte[] TEXT = Load.ascii("\"text\":\"");
  private static final byte[] CID = Load.ascii("\"cid\":\"");
  /** Pads a message so that the baseline's frames are the size of Parley's message events. */
  private static final String PAD = "x".repeat(60);

  /** One measurement. */
  record Result(String scenario, String target, Map<String, Object> params, Map<String, Double> figures, String note) {}

  private static final byte[] ERROR = Load.ascii("\"type\":\"error\"");

  private final Load load;
  private final String run = Long.toString(System.currentTimeMillis(), 36);
  /** Connections that closed while a scenario ran, and error events received: both should stay 0. */
  private final AtomicLong closed = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile String firstError;

  /** Idle connections: held by this process (1) or by that many child processes ({@link HoldClients}). */
  private final int holdProcesses;
  private final List<String> sources;
  private final int threads;
  private final Path logs;

  Scenarios(Load load) {
    this(load, 1, List.of(), 1, null);
  }

  Scenarios(Load load, int holdProcesses, List<String> sources, int threads, Path logs) {
    this.load = load;
    this.holdProcesses = holdProcesses;
    this.sources = sources;
    this.threads = threads;
    this.logs = logs;
  }

  /** Connections closed and error events since {@link #begin}. */
  long[] closedAndErrors() {
    return new long[] {closed.get(), errors.get()};
  }

  /** Counts closes of this scenario's connections only (earlier ones may still be closing). */
  private volatile long epoch;

  /** Parameters in the order given: the first is the size a chart is drawn by. */
  private static Map<String, Object> params(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  void begin() {
    epoch++;
    closed.set(0);
    errors.set(0);
    firstError = null;
  }

  /** Adds what went wrong while measuring (closed connections, error events): 0 in a clean run. */
  private void diagnostics(Map<String, Double> f) {
    f.put("connections_closed", (double) closed.get());
    f.put("errors", (double) errors.get());
    if (firstError != null) {
      System.err.println("bench: first error event: " + firstError);
    }
  }

  /** Waits until {@code deadline} (System.nanoTime), sleeping then spinning the last bit: sends go out on time, not early. */
  static void waitUntil(long deadline) throws InterruptedException {
    long wait;
    while ((wait = deadline - System.nanoTime()) > 0) {
      if (wait > 2_000_000) {
        Thread.sleep((wait - 1_000_000) / 1_000_000);
      } else {
        java.util.concurrent.locks.LockSupport.parkNanos(wait);
      }
    }
  }

  /** A connection that has said hello (Parley) and, if {@code conv} is given, joined it. */
  private CompletableFuture<Channel> connect(Target t, URI uri, String conv, Load.Listener onData) {
    boolean parley = t.name.equals("parley");
    long mine = epoch;
    CompletableFuture<Void> welcomed = new CompletableFuture<>();
    CompletableFuture<Void> joined = new CompletableFuture<>();
    Load.Listener l = new Load.Listener() {
      @Override
      public void onFrame(Channel ch, ByteBuf text) {
        if (parley && !welcomed.isDone() && Load.contains(text, WELCOME)) {
          welcomed.complete(null);
          if (conv != null) {
            Load.send(ch, "{\"type\":\"join\",\"conv\":\"" + conv + "\"}");
          }
          return;
        }
        if (parley && conv != null && !joined.isDone() && Load.contains(text, JOINED)) {
          joined.complete(null);
          return;
        }
        if (parley && Load.contains(text, ERROR)) {
          errors.incrementAndGet();
          if (firstError == null) {
            firstError = text.toString(java.nio.charset.StandardCharsets.UTF_8);
          }
          return;
        }
        onData.onFrame(ch, text);
      }

      @Override
      public void onClose(Channel ch) {
        if (mine == epoch) {
          closed.incrementAndGet();
        }
      }
    };
    return load.open(uri, l).thenCompose(ch -> {
      if (!parley) {
        return CompletableFuture.completedFuture(ch);
      }
      Load.send(ch, "{\"type\":\"hello\"}");
      return (conv == null ? welcomed : welcomed.thenCompose(x -> joined)).thenApply(x -> ch);
    });
  }

  /** Opens {@code n} connections, at most 256 handshakes in flight; returns them and the seconds it took. */
  List<Channel> openMany(Target t, int n, java.util.function.IntFunction<String> conv, Load.Listener onData,
      double[] seconds) throws Exception {
    Semaphore inFlight = new Semaphore(256);
    Channel[] open = new Channel[n]; // by index: connection i joined conv(i)
    AtomicLong failed = new AtomicLong();
    List<CompletableFuture<Channel>> all = new ArrayList<>(n);
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      inFlight.acquire();
      int index = i;
      CompletableFuture<Channel> f = connect(t, t.ws, conv.apply(i), onData);
      f.whenComplete((ch, err) -> {
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
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).get(10, TimeUnit.MINUTES);
    seconds[0] = (System.nanoTime() - start) / 1e9;
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " of " + n + " connections to " + t.name + " failed");
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

  /** Kernel TCP socket memory in bytes (all sockets of the machine), from /proc/net/sockstat. */
  static long kernelSocketBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/net/sockstat"))) {
        if (line.startsWith("TCP:")) {
          String[] f = line.split("\\s+");
          for (int i = 0; i < f.length - 1; i++) {
            if (f[i].equals("mem")) {
              return Long.parseLong(f[i + 1]) * 4096;
            }
          }
        }
      }
    } catch (Exception e) {
      return -1;
    }
    return -1;
  }

  /**
   * idle: {@code n} connections opened and held. Connect rate; server RSS and heap per connection
   * after GC; kernel socket memory per connection (both ends are on this machine: halved); the
   * server's CPU while they idle for {@code idleSeconds} with heartbeats on.
   */
  Result idle(Target t, int n, int idleSeconds) throws Exception {
    begin();
    long heap0 = t.gcAndHeapUsed();
    long rss0 = t.rssBytes();
    long kernel0 = kernelSocketBytes();
    double[] secs = new double[1];
    List<Channel> conns = List.of();
    HoldClients children = null;
    String note = null;
    if (holdProcesses > 1) {
      children = HoldClients.start(t, n, holdProcesses, sources, threads, logs);
      secs[0] = children.seconds();
      note = holdProcesses + " client processes, from " + children.sources();
    } else {
      conns = openMany(t, n, i -> null, (ch, b) -> {}, secs);
      if (!sources.isEmpty()) {
        note = "from " + sources;
      }
    }
    try {
      long heap1 = t.gcAndHeapUsed();
      long rss1 = t.rssBytes();
      long kernel1 = kernelSocketBytes();
      double cpu0 = t.cpuSeconds();
      long w0 = System.nanoTime();
      Thread.sleep(idleSeconds * 1000L); // the measurement window itself, not synchronisation
      double cpu1 = t.cpuSeconds();
      double wall = (System.nanoTime() - w0) / 1e9;
      if (t.local() && logs != null) {
        // What the heap holds per connection, for the report's "what dominates" (after the CPU window).
        Files.createDirectories(logs);
        Files.writeString(logs.resolve("heap-" + t.name + "-" + n + ".txt"), t.classHistogram(60));
      }
      Map<String, Double> f = new LinkedHashMap<>();
      f.put("connect_per_s", n / secs[0]);
      if (t.local()) {
        f.put("rss_per_conn_bytes", (rss1 - rss0) / (double) n);
        f.put("heap_per_conn_bytes", (heap1 - heap0) / (double) n);
        f.put("rss_total_mib", rss1 / 1048576.0);
        f.put("heap_total_mib", heap1 / 1048576.0);
        f.put("idle_cpu_cores", (cpu1 - cpu0) / wall);
      }
      f.put("kernel_socket_bytes_per_conn", (kernel1 - kernel0) / (2.0 * n));
      if (children != null) {
        long[] ce = children.closedAndErrors();
        closed.addAndGet(ce[0]);
        errors.addAndGet(ce[1]);
      }
      diagnostics(f);
      return new Result("idle", t.name, params("connections", n, "idle_s", idleSeconds, "client_processes", holdProcesses),
          f, note);
    } finally {
      if (children != null) {
        children.close();
      }
      closeAll(conns);
    }
  }

  /**
   * fanout: {@code subscribers} connections in one conversation (Parley) or on the broadcast
   * endpoint (baseline); a publisher sends {@code rate} messages a second for {@code seconds}.
   * Deliveries a second and publish→receive latency.
   */
  Result fanout(Target t, int subscribers, int rate, int seconds) throws Exception {
    begin();
    String conv = "bench-fanout-" + run + "-" + subscribers + "-" + rate;
    boolean parley = t.name.equals("parley");
    Histogram latency = new ConcurrentHistogram(3_600_000_000_000L, 3);
    AtomicLong received = new AtomicLong();
    final java.util.concurrent.atomic.AtomicLongArray window = new java.util.concurrent.atomic.AtomicLongArray(2);
    Load.Listener onData = (ch, text) -> {
      if (parley && !Load.contains(text, MESSAGE)) {
        return;
      }
      long sent = Load.numberAfter(text, TEXT);
      long now = System.nanoTime();
      if (sent > 0 && sent >= window.get(0) && sent < window.get(1)) {
        received.incrementAndGet();
        latency.recordValue(Math.max(0, now - sent));
      }
    };
    double[] secs = new double[1];
    List<Channel> subs = openMany(t, subscribers, i -> conv, onData, secs);
    Channel pub = connect(t, parley ? t.ws : t.at("/pub"), parley ? conv : null, (ch, b) -> {}).get(30, TimeUnit.SECONDS);
    try {
      long warmup = TimeUnit.SECONDS.toNanos(1);
      long start = System.nanoTime();
      window.set(0, start + warmup);
      window.set(1, window.get(0) + TimeUnit.SECONDS.toNanos(seconds));
      double cpu0 = t.cpuSeconds();
      long sentCount = publish(pub, parley, conv, rate, start, window.get(1));
      double serverCpu = (t.cpuSeconds() - cpu0) / ((System.nanoTime() - start) / 1e9);
      // Wait for stragglers: deliveries of messages meant for the window, up to 10 s after it.
      long expected = (long) rate * seconds * subscribers;
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (received.get() < expected && System.nanoTime() < until) {
        Thread.sleep(50);
      }
      Map<String, Double> f = new LinkedHashMap<>();
      f.put("deliveries_per_s", received.get() / (double) seconds);
      f.put("offered_per_s", (double) rate * subscribers);
      f.put("delivered_fraction", expected == 0 ? 0 : received.get() / (double) expected);
      f.put("p50_ms", latency.getValueAtPercentile(50) / 1e6);
      f.put("p99_ms", latency.getValueAtPercentile(99) / 1e6);
      f.put("p999_ms", latency.getValueAtPercentile(99.9) / 1e6);
      f.put("published", (double) sentCount);
      if (t.local()) {
        f.put("server_cpu_cores", serverCpu); // while publishing (deliveries may trail the window)
      }
      diagnostics(f);
      return new Result("fanout", t.name, params("subscribers", subscribers, "rate", rate, "seconds", seconds), f, null);
    } finally {
      pub.close();
      closeAll(subs);
    }
  }

  /** Sends open-loop at {@code rate}/s from {@code start} until {@code end}; returns how many. */
  private static long publish(Channel pub, boolean parley, String conv, int rate, long start, long end)
      throws InterruptedException {
    long period = 1_000_000_000L / rate;
    long i = 0;
    while (true) {
      long intended = start + i * period;
      if (intended >= end) {
        return i;
      }
      waitUntil(intended);
      String text = intended + PAD;
      if (parley) {
        Load.send(pub, "{\"type\":\"send\",\"cid\":\"p" + i + "\",\"conv\":\"" + conv + "\",\"text\":\"" + text + "\"}");
      } else {
        Load.send(pub, "{\"type\":\"message\",\"conv\":\"" + conv + "\",\"seq\":" + (i + 1)
            + ",\"id\":\"m_AAAAAAAAAAAAAAAA\",\"from\":\"v_AAAAAAAAAAAAAAAA\",\"kind\":\"text\",\"text\":\"" + text
            + "\",\"ts\":" + System.currentTimeMillis() + ",\"cid\":\"p" + i + "\"}");
      }
      i++;
    }
  }

  /**
   * chat: {@code conversations} visitors, each in its own conversation, sending {@code rate}
   * messages a second in all for {@code seconds}, durable storage on. send→ack (Parley) and
   * send→delivered latency (the baseline echoes).
   */
  Result chat(Target t, int conversations, int rate, int seconds) throws Exception {
    begin();
    boolean parley = t.name.equals("parley");
    Histogram ack = new ConcurrentHistogram(3_600_000_000_000L, 3);
    Histogram delivered = new ConcurrentHistogram(3_600_000_000_000L, 3);
    AtomicLong deliveredCount = new AtomicLong();
    final java.util.concurrent.atomic.AtomicLongArray window = new java.util.concurrent.atomic.AtomicLongArray(2);
    Load.Listener onData = (ch, text) -> {
      long now = System.nanoTime();
      if (parley && Load.contains(text, ACK)) {
        long sent = Load.numberAfter(text, CID);
        if (sent >= window.get(0) && sent < window.get(1)) {
          ack.recordValue(Math.max(0, now - sent));
        }
        return;
      }
      if (parley && !Load.contains(text, MESSAGE)) {
        return;
      }
      long sent = Load.numberAfter(text, TEXT);
      if (sent >= window.get(0) && sent < window.get(1)) {
        deliveredCount.incrementAndGet();
        delivered.recordValue(Math.max(0, now - sent));
      }
    };
    double[] secs = new double[1];
    List<Channel> conns = openMany(t, conversations, i -> "bench-chat-" + run + "-" + conversations + "-" + i, onData, secs);
    try {
      long warmup = TimeUnit.SECONDS.toNanos(1);
      long start = System.nanoTime();
      window.set(0, start + warmup);
      window.set(1, window.get(0) + TimeUnit.SECONDS.toNanos(seconds));
      long period = 1_000_000_000L / rate; // one message every period, round-robin over the visitors
      double cpu0 = t.cpuSeconds();
      long i = 0;
      while (true) {
        long intended = start + i * period;
        if (intended >= window.get(1)) {
          break;
        }
        waitUntil(intended);
        int who = (int) (i % conversations);
        Channel ch = conns.get(who);
        if (parley) {
          Load.send(ch, "{\"type\":\"send\",\"cid\":\"" + intended + "\",\"conv\":\"bench-chat-" + run + "-" + conversations
              + "-" + who + "\",\"text\":\"" + intended + PAD + "\"}");
        } else {
          Load.send(ch, "{\"type\":\"message\",\"text\":\"" + intended + PAD + "\"}");
        }
        i++;
      }
      double serverCpu = (t.cpuSeconds() - cpu0) / ((System.nanoTime() - start) / 1e9);
      long expected = (long) rate * seconds;
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (deliveredCount.get() < expected && System.nanoTime() < until) {
        Thread.sleep(50);
      }
      Map<String, Double> f = new LinkedHashMap<>();
      f.put("messages_per_s", deliveredCount.get() / (double) seconds);
      f.put("delivered_fraction", deliveredCount.get() / (double) expected);
      if (parley) {
        f.put("ack_p50_ms", ack.getValueAtPercentile(50) / 1e6);
        f.put("ack_p99_ms", ack.getValueAtPercentile(99) / 1e6);
        f.put("ack_p999_ms", ack.getValueAtPercentile(99.9) / 1e6);
      }
      f.put("delivered_p50_ms", delivered.getValueAtPercentile(50) / 1e6);
      f.put("delivered_p99_ms", delivered.getValueAtPercentile(99) / 1e6);
      f.put("delivered_p999_ms", delivered.getValueAtPercentile(99.9) / 1e6);
      if (t.local()) {
        f.put("server_cpu_cores", serverCpu);
        f.put("server_cpu_us_per_msg", serverCpu * 1e6 / rate);
      }
      diagnostics(f);
      return new Result("chat", t.name, params("rate", rate, "conversations", conversations, "seconds", seconds), f,
          parley ? "durable: SQLite, ack after commit" : "echo, nothing stored");
    } finally {
      closeAll(conns);
    }
  }

  /** handshake: new connections a second ({@code concurrency} at a time, open → ready → close) for {@code seconds}. */
  Result handshake(Target t, int concurrency, int seconds) throws Exception {
    begin();
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    Histogram time = new ConcurrentHistogram(3_600_000_000_000L, 3);
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) {
      CompletableFuture<Void> loop = new CompletableFuture<>();
      loops.add(loop);
      handshakeLoop(t, end, done, failed, time, loop);
    }
    long start = System.nanoTime();
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(seconds + 60L, TimeUnit.SECONDS);
    double wall = (System.nanoTime() - start) / 1e9;
    Map<String, Double> f = new LinkedHashMap<>();
    f.put("handshakes_per_s", done.get() / wall);
    f.put("p50_ms", time.getValueAtPercentile(50) / 1e6);
    f.put("p99_ms", time.getValueAtPercentile(99) / 1e6);
    f.put("failed", (double) failed.get());
    return new Result("handshake", t.name, params("concurrency", concurrency, "tls", t.ws.getScheme().equals("wss"), "seconds", seconds), f,
        t.name.equals("parley") ? "WebSocket upgrade + hello → welcome (anonymous visitor)" : "WebSocket upgrade");
  }

  private void handshakeLoop(Target t, long end, AtomicLong done, AtomicLong failed, Histogram time,
      CompletableFuture<Void> loop) {
    if (System.nanoTime() >= end) {
      loop.complete(null);
      return;
    }
    long began = System.nanoTime();
    connect(t, t.ws, null, (ch, b) -> {}).whenComplete((ch, err) -> {
      if (err != null) {
        failed.incrementAndGet();
        handshakeLoop(t, end, done, failed, time, loop);
        return;
      }
      time.recordValue(System.nanoTime() - began);
      done.incrementAndGet();
      ch.close().addListener(x -> handshakeLoop(t, end, done, failed, time, loop));
    });
  }
}
