package dev.parley.bench;

import io.netty.channel.Channel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The connection-shaped scenarios: idle, fan-out and handshakes. Each runs against one {@link
 * Target} (Parley, the raw Netty baseline or Socket.IO, each spoken to in its {@link Dialect}) and
 * returns one {@link Result}. Latencies are measured open-loop: every message carries the time it
 * was <em>meant</em> to be sent, so a stalled sender does not hide queueing delay (no coordinated
 * omission). Used by the bench's main thread; the listeners run on the load generator's loops.
 */
final class Scenarios {
  /** Pads a message so that the baseline's frames are the size of Parley's message events. */
  static final String PAD = "x".repeat(60);

  /** One measurement. */
  record Result(
      String scenario,
      String target,
      Map<String, Object> params,
      Map<String, Double> figures,
      String note) {}

  private final Connections conns;
  private final String run = Long.toString(System.currentTimeMillis(), 36);

  /**
   * Idle connections: held by this process (1) or by that many child processes ({@link
   * HoldClients}).
   */
  private final int holdProcesses;

  private final List<String> sources;
  private final int threads;
  private final Path logs;

  /**
   * The scenarios whose measurement windows are recorded with JFR on a JVM server ({@code
   * --profile}).
   */
  private final List<String> profile;

  /**
   * Seconds of the same load before a chat, fan-out or handshake window, on the same server: the
   * window measures a warmed JIT, for every target alike ({@code --warmup-seconds}).
   */
  final int warmupSeconds;

  Scenarios(
      Connections conns,
      int holdProcesses,
      List<String> sources,
      int threads,
      Path logs,
      List<String> profile,
      int warmupSeconds) {
    this.warmupSeconds = warmupSeconds;
    this.conns = conns;
    this.holdProcesses = holdProcesses;
    this.sources = sources;
    this.threads = threads;
    this.logs = logs;
    this.profile = profile;
  }

  /** Parameters in the order given: the first is the size a chart is drawn by. */
  static Map<String, Object> params(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /**
   * Waits until {@code deadline} (System.nanoTime), sleeping then spinning the last bit: sends go
   * out on time, not early.
   */
  static void waitUntil(long deadline) throws InterruptedException {
    long wait;
    while ((wait = deadline - System.nanoTime()) > 0) {
      if (wait > 2_000_000) {
        Thread.sleep((wait - 1_000_000) / 1_000_000);
      } else {
        LockSupport.parkNanos(wait);
      }
    }
  }

  /**
   * A JFR recording of {@code t} while {@code scenario} is measured, when {@code --profile} asks
   * for one; or null.
   */
  Profiler profiler(Target t, String scenario, String size)
      throws IOException, InterruptedException {
    return profile.contains(scenario)
        ? Profiler.start(t, logs, t.name + "-" + scenario + "-" + size)
        : null;
  }

  /** Stops {@code p} (if any) and names its summary in {@code note}. */
  static String stopProfiler(Profiler p, String note) throws IOException, InterruptedException {
    if (p == null) {
      return note;
    }
    Path txt = p.stop();
    return (note == null ? "" : note + "; ") + "JFR profile: logs/" + txt.getFileName();
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
   * idle: {@code n} connections opened and held. Connect rate; the server's memory after a full GC
   * (RSS, heap in use and heap committed: G1 sizes the committed heap, and RSS follows it, so both
   * are reported) per connection; kernel socket memory per connection (both ends are on this
   * machine: halved); the server's CPU while they idle for {@code idleSeconds} with heartbeats on.
   */
  Result idle(Target t, int n, int idleSeconds) throws Exception {
    conns.begin();
    Target.Memory m0 = t.gcAndMemory();
    long kernel0 = kernelSocketBytes();
    double[] secs = new double[1];
    List<Channel> open = List.of();
    HoldClients children = null;
    String note = null;
    if (holdProcesses > 1) {
      children = HoldClients.start(t, n, holdProcesses, sources, threads, logs);
      secs[0] = children.seconds();
      note = holdProcesses + " client processes, from " + children.sources();
    } else {
      open = conns.openMany(t, n, i -> null, (ch, b) -> {}, secs);
      if (!sources.isEmpty()) {
        note = "from " + sources;
      }
    }
    try {
      Target.Memory m1 = t.gcAndMemory();
      long kernel1 = kernelSocketBytes();
      double cpu0 = t.cpuSeconds();
      long w0 = System.nanoTime();
      Thread.sleep(idleSeconds * 1000L); // the measurement window itself, not synchronisation
      double cpu1 = t.cpuSeconds();
      double wall = (System.nanoTime() - w0) / 1e9;
      if (t.jvm() && logs != null) {
        // What the heap holds per connection, for the report's "what dominates" (after the CPU
        // window).
        Files.createDirectories(logs);
        Files.writeString(logs.resolve("heap-" + t.name + "-" + n + ".txt"), t.classHistogram(60));
      }
      Map<String, Double> f = new LinkedHashMap<>();
      f.put("connect_per_s", n / secs[0]);
      if (t.local() && m1.rss() > 0) {
        f.put("rss_per_conn_bytes", (m1.rss() - m0.rss()) / (double) n);
        f.put("rss_total_mib", m1.rss() / 1048576.0);
        if (m0.heapUsed() >= 0 && m1.heapUsed() >= 0) { // -1: jcmd could not read it
          f.put("heap_per_conn_bytes", (m1.heapUsed() - m0.heapUsed()) / (double) n);
          f.put("heap_total_mib", m1.heapUsed() / 1048576.0);
          f.put("heap_committed_mib", m1.heapCommitted() / 1048576.0);
        }
        f.put("idle_cpu_cores", (cpu1 - cpu0) / wall);
      }
      f.put("kernel_socket_bytes_per_conn", (kernel1 - kernel0) / (2.0 * n));
      if (children != null) {
        long[] ce = children.closedAndErrors();
        conns.add(ce[0], ce[1]);
      }
      conns.diagnostics(f);
      return new Result(
          "idle",
          t.name,
          params("connections", n, "idle_s", idleSeconds, "client_processes", holdProcesses),
          f,
          note);
    } finally {
      if (children != null) {
        children.close();
      }
      Connections.closeAll(open);
    }
  }

  /**
   * fanout: {@code subscribers} connections in one conversation (Parley), one room (Socket.IO) or
   * on the broadcast endpoint (baseline); a publisher sends {@code rate} messages a second for
   * {@code seconds}. Deliveries a second, deliveries per second of server CPU, and publish→receive
   * latency.
   */
  Result fanout(Target t, int subscribers, int rate, int seconds) throws Exception {
    String conv = "bench-fanout-" + run + "-" + subscribers + "-" + rate;
    return fanout(t, "fanout", conv, subscribers, rate, seconds);
  }

  /** The fan-out into {@code conv}, reported (and profiled) as {@code scenario}. */
  Result fanout(Target t, String scenario, String conv, int subscribers, int rate, int seconds)
      throws Exception {
    conns.begin();
    Dialect d = t.dialect();
    Histogram latency = new ConcurrentHistogram(3_600_000_000_000L, 3);
    AtomicLong received = new AtomicLong();
    AtomicLongArray window = new AtomicLongArray(2);
    Load.Listener onData =
        (ch, text) -> {
          if (!d.isDelivery(text)) {
            return;
          }
          long sent = Load.numberAfter(text, Dialect.TEXT);
          long now = System.nanoTime();
          if (sent > 0 && sent >= window.get(0) && sent < window.get(1)) {
            received.incrementAndGet();
            latency.recordValue(Math.max(0, now - sent));
          }
        };
    double[] secs = new double[1];
    List<Channel> subs = conns.openMany(t, subscribers, i -> conv, onData, secs);
    Channel pub = conns.connect(t, d.uri(t, true), conv, (ch, b) -> {}).get(30, TimeUnit.SECONDS);
    try {
      long start = System.nanoTime();
      window.set(0, start + TimeUnit.SECONDS.toNanos(warmupSeconds));
      window.set(1, window.get(0) + TimeUnit.SECONDS.toNanos(seconds));
      long warmupSent = publish(pub, d, conv, rate, 0, start, window.get(0));
      Profiler p = profiler(t, scenario, Integer.toString(subscribers));
      double cpu0 = t.cpuSeconds();
      long sentCount =
          publish(pub, d, conv, rate, warmupSent, window.get(0), window.get(1)) - warmupSent;
      double serverCpu = (t.cpuSeconds() - cpu0) / ((System.nanoTime() - window.get(0)) / 1e9);
      // Wait for stragglers: deliveries of messages meant for the window, up to 10 s after it.
      long expected = (long) rate * seconds * subscribers;
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (received.get() < expected && System.nanoTime() < until) {
        Thread.sleep(50);
      }
      double cpuAll = t.cpuSeconds() - cpu0;
      String note = stopProfiler(p, null);
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
        // The window's deliveries, stragglers included, over the server CPU from the window's start
        // to the last straggler.
        f.put("deliveries_per_core_s", cpuAll > 0 ? received.get() / cpuAll : 0);
      }
      conns.diagnostics(f);
      return new Result(
          scenario,
          t.name,
          params("subscribers", subscribers, "rate", rate, "seconds", seconds),
          f,
          note);
    } finally {
      pub.close();
      Connections.closeAll(subs);
    }
  }

  /**
   * Sends open-loop at {@code rate}/s from {@code start} until {@code end}, numbering the messages
   * from {@code first}; returns the number after the last sent.
   */
  static long publish(
      Channel pub, Dialect d, String conv, int rate, long first, long start, long end)
      throws InterruptedException {
    long period = 1_000_000_000L / rate;
    long i = first;
    while (true) {
      long intended = start + (i - first) * period;
      if (intended >= end) {
        return i;
      }
      waitUntil(intended);
      Load.send(pub, d.publish(conv, i, intended + PAD));
      i++;
    }
  }

  /**
   * handshake: new connections a second ({@code concurrency} at a time, open → ready → close) for
   * {@code seconds}, after {@link #warmupSeconds} of the same (reported apart): Parley's upgrade +
   * {@code hello} → {@code welcome}; Socket.IO's upgrade + open packet + namespace connect; the
   * baseline's upgrade.
   */
  Result handshake(Target t, int concurrency, int seconds) throws Exception {
    conns.begin();
    boolean tls = t.ws.getScheme().equals("wss");
    Map<String, Double> f = new LinkedHashMap<>();
    if (warmupSeconds > 0) {
      Round warm = handshakes(t, concurrency, warmupSeconds);
      f.put("warmup_handshakes_per_s", warm.done.get() / warm.wall);
    }
    Profiler p = profiler(t, "handshake", tls ? "tls" : "plain");
    double cpu0 = t.cpuSeconds();
    Round r = handshakes(t, concurrency, seconds);
    double cpu = t.cpuSeconds() - cpu0;
    String note =
        stopProfiler(
            p,
            switch (t.name) {
              case "parley" -> "WebSocket upgrade + hello → welcome (anonymous visitor)";
              case "socketio" -> "WebSocket upgrade + Engine.IO open + Socket.IO connect (40)";
              default -> "WebSocket upgrade";
            });
    f.put("handshakes_per_s", r.done.get() / r.wall);
    f.put("p50_ms", r.time.getValueAtPercentile(50) / 1e6);
    f.put("p99_ms", r.time.getValueAtPercentile(99) / 1e6);
    f.put("failed", (double) r.failed.get());
    if (t.local() && r.done.get() > 0) {
      f.put("server_cpu_us_per_handshake", cpu * 1e6 / r.done.get());
    }
    return new Result(
        "handshake",
        t.name,
        params("concurrency", concurrency, "tls", tls, "seconds", seconds),
        f,
        note);
  }

  /** One round of handshakes: how many completed and failed, their times, its wall seconds. */
  private record Round(AtomicLong done, AtomicLong failed, Histogram time, double wall) {}

  private Round handshakes(Target t, int concurrency, int seconds) throws Exception {
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    Histogram time = new ConcurrentHistogram(3_600_000_000_000L, 3);
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long start = System.nanoTime();
    for (int c = 0; c < concurrency; c++) {
      CompletableFuture<Void> loop = new CompletableFuture<>();
      loops.add(loop);
      handshakeLoop(t, end, done, failed, time, loop);
    }
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new))
        .get(seconds + 60L, TimeUnit.SECONDS);
    return new Round(done, failed, time, (System.nanoTime() - start) / 1e9);
  }

  private void handshakeLoop(
      Target t,
      long end,
      AtomicLong done,
      AtomicLong failed,
      Histogram time,
      CompletableFuture<Void> loop) {
    if (System.nanoTime() >= end) {
      loop.complete(null);
      return;
    }
    long began = System.nanoTime();
    conns
        .connect(t, t.dialect().uri(t, false), null, (ch, b) -> {})
        .whenComplete(
            (ch, err) -> {
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

  /**
   * joins: {@code users} distinct (anonymous) users join one conversation, at most 256 handshakes
   * in flight; reports the time until every one has its {@code joined} and the joins a second, and
   * the presence events the joiners received meanwhile (a join's cost to those already there), and
   * how long a {@link PingProbe}'s pings waited meanwhile (whether the server stayed responsive).
   */
  Result joins(Target t, int users) throws Exception {
    conns.begin();
    String conv = "bench-joins-" + run + "-" + users;
    AtomicLong presenceEvents = new AtomicLong();
    Load.Listener onData =
        (ch, text) -> {
          if (Load.contains(text, PRESENCE) || Load.contains(text, PRESENCE_BATCH)) {
            presenceEvents.incrementAndGet();
          }
        };
    double[] secs = new double[1];
    double cpu0 = t.cpuSeconds();
    Map<String, Double> f = new LinkedHashMap<>();
    PingProbe probe = PingProbe.start(conns, t);
    List<Channel> subs = List.of();
    try {
      Profiler p = profiler(t, "joins", Integer.toString(users));
      subs = conns.openMany(t, users, i -> conv, onData, secs);
      String note = stopProfiler(p, null);
      f.put("join_seconds", secs[0]);
      f.put("joins_per_s", users / secs[0]);
      f.put("presence_events", (double) presenceEvents.get());
      if (t.local()) {
        f.put("server_cpu_seconds", t.cpuSeconds() - cpu0);
      }
      conns.diagnostics(f);
      return new Result("joins", t.name, params("users", users), f, note);
    } finally {
      probe.close(f);
      Connections.closeAll(subs);
    }
  }

  private static final byte[] PRESENCE = Load.ascii("\"type\":\"presence\"");
  private static final byte[] PRESENCE_BATCH = Load.ascii("\"type\":\"presence_batch\"");
}
