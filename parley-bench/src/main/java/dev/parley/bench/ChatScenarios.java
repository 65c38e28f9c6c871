package dev.parley.bench;

import dev.parley.bench.Scenarios.Result;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The chat-shaped scenarios, all driven by an {@link OpenLoop}: chat (N visitors, each in its own
 * conversation, at a rate), latency at an ordinary rate (the first minute after start apart from
 * the warmed-up rest), and PostgreSQL under a rising rate followed by how long the node takes to
 * serve a fan-out normally again. Used by the bench's main thread.
 */
final class ChatScenarios {
  private final Connections conns;
  private final Scenarios scenarios;
  private final String run = Long.toString(System.currentTimeMillis(), 36);

  ChatScenarios(Connections conns, Scenarios scenarios) {
    this.conns = conns;
    this.scenarios = scenarios;
  }

  private IntFunction<String> conversations(String scenario, int n) {
    return i -> "bench-" + scenario + "-" + run + "-" + n + "-" + i;
  }

  private static String durability(Target t) {
    return switch (t.name) {
      case "parley" -> "durable: ack after commit";
      case "socketio" -> "ack and emit to the room, nothing stored";
      default -> "echo, nothing stored";
    };
  }

  /** The figures of one phase: rates, ack and delivery latency, server CPU, errors. */
  private static Map<String, Double> figures(Target t, OpenLoop.Stats s) {
    Map<String, Double> f = new LinkedHashMap<>();
    int seconds = s.phase.seconds();
    f.put("offered_per_s", (double) s.phase.rate());
    f.put("messages_per_s", s.deliveredCount.get() / (double) seconds);
    f.put("achieved_per_s", s.arrived.get() / (double) seconds);
    f.put("delivered_fraction", s.sent == 0 ? 0 : s.deliveredCount.get() / (double) s.sent);
    if (t.dialect() != Dialect.RAW) {
      f.put("ack_p50_ms", s.p(s.ack, 50));
      f.put("ack_p99_ms", s.p(s.ack, 99));
      f.put("ack_p999_ms", s.p(s.ack, 99.9));
    }
    f.put("delivered_p50_ms", s.p(s.delivered, 50));
    f.put("delivered_p99_ms", s.p(s.delivered, 99));
    f.put("delivered_p999_ms", s.p(s.delivered, 99.9));
    if (t.local()) {
      double cores = s.serverCpuSeconds / seconds;
      f.put("server_cpu_cores", cores);
      f.put("server_cpu_us_per_msg", cores * 1e6 / s.phase.rate());
      f.put(
          "messages_per_core_s",
          s.serverCpuSeconds > 0 ? s.deliveredCount.get() / s.serverCpuSeconds : 0);
    }
    return f;
  }

  /**
   * chat: {@code conversations} visitors, each in its own conversation, sending {@code rate}
   * messages a second in all: {@link Scenarios#warmupSeconds} of warm-up (at least one), then
   * {@code seconds} measured.
   */
  Result chat(Target t, int conversations, int rate, int seconds) throws Exception {
    conns.begin();
    OpenLoop load =
        new OpenLoop(
            t.dialect(),
            List.of(
                new OpenLoop.Phase("warm-up", rate, Math.max(1, scenarios.warmupSeconds)),
                new OpenLoop.Phase("measured", rate, seconds)));
    IntFunction<String> conv = conversations("chat", conversations);
    double[] secs = new double[1];
    List<Channel> open = conns.openMany(t, conversations, conv, load, secs);
    try {
      Profiler p = scenarios.profiler(t, "chat", Integer.toString(rate));
      load.drive(t, conns, open, conv);
      OpenLoop.Stats measured = load.stats().get(1);
      load.awaitDelivered(List.of(measured), 10);
      String note = Scenarios.stopProfiler(p, durability(t));
      Map<String, Double> f = figures(t, measured);
      conns.diagnostics(f);
      return new Result(
          "chat",
          t.name,
          Scenarios.params("rate", rate, "conversations", conversations, "seconds", seconds),
          f,
          note);
    } finally {
      Connections.closeAll(open);
    }
  }

  /**
   * latency: chat at an ordinary {@code rate} on a server that has just started: the first {@code
   * firstSeconds} (JIT compilation, heap growth) and the {@code warmSeconds} after them, reported
   * apart. Two results.
   */
  List<Result> latency(Target t, int conversations, int rate, int firstSeconds, int warmSeconds)
      throws Exception {
    conns.begin();
    OpenLoop load =
        new OpenLoop(
            t.dialect(),
            List.of(
                new OpenLoop.Phase("first", rate, firstSeconds),
                new OpenLoop.Phase("warmed", rate, warmSeconds)));
    IntFunction<String> conv = conversations("latency", conversations);
    double[] secs = new double[1];
    List<Channel> open = conns.openMany(t, conversations, conv, load, secs);
    try {
      load.drive(t, conns, open, conv);
      load.awaitDelivered(load.stats(), 10);
      List<Result> out = new ArrayList<>();
      for (OpenLoop.Stats s : load.stats()) {
        Map<String, Double> f = figures(t, s);
        conns.diagnostics(f);
        out.add(
            new Result(
                "latency",
                t.name,
                Scenarios.params(
                    "phase",
                    s.phase.label().equals("first") ? "first " + firstSeconds + " s" : "warmed",
                    "rate",
                    rate,
                    "conversations",
                    conversations,
                    "seconds",
                    s.phase.seconds()),
                f,
                durability(t)));
      }
      return out;
    } finally {
      Connections.closeAll(open);
    }
  }

  /**
   * pg: a Parley node on PostgreSQL under chat at each of {@code rates} in turn ({@code seconds}
   * each, {@code conversations} visitors), one result per rate with {@code store_unavailable}
   * errors and server CPU; then, from the end of the last rate, how long until a fan-out ({@code
   * probeSubscribers} in one conversation, a probe every 200 ms) is served normally again: every
   * subscriber receives a probe within {@code normalMs}. A last result holds that.
   */
  List<Result> pgOverload(
      Target t,
      int conversations,
      List<Integer> rates,
      int seconds,
      int probeSubscribers,
      int normalMs,
      int maxRecoverySeconds)
      throws Exception {
    conns.begin();
    List<OpenLoop.Phase> phases =
        rates.stream().map(r -> new OpenLoop.Phase(r + "/s", r, seconds)).toList();
    OpenLoop load = new OpenLoop(t.dialect(), phases);
    IntFunction<String> conv = conversations("pg", conversations);
    Probe probe = new Probe(t.dialect());
    String probeConv = "bench-pg-probe-" + run;
    double[] secs = new double[1];
    List<Channel> open = conns.openMany(t, conversations, conv, load, secs);
    List<Channel> probes = conns.openMany(t, probeSubscribers, i -> probeConv, probe, secs);
    Channel pub =
        conns
            .connect(t, t.dialect().uri(t, true), probeConv, (ch, b) -> {})
            .get(30, TimeUnit.SECONDS);
    try {
      double before =
          probe.secondsUntilNormal(
              pub, probeConv, probeSubscribers, System.nanoTime(), normalMs, 30);
      double pg0 = Cpu.postgresSeconds();
      long w0 = System.nanoTime();
      load.drive(t, conns, open, conv);
      double pgCores = (Cpu.postgresSeconds() - pg0) / ((System.nanoTime() - w0) / 1e9);
      long overloadEnd = System.nanoTime();
      double cpu0 = t.cpuSeconds();
      double recovery =
          probe.secondsUntilNormal(
              pub, probeConv, probeSubscribers, overloadEnd, normalMs, maxRecoverySeconds);
      double recoveryCpu = (t.cpuSeconds() - cpu0) / ((System.nanoTime() - overloadEnd) / 1e9);
      load.awaitDelivered(load.stats(), 10);
      List<Result> out = new ArrayList<>();
      for (OpenLoop.Stats s : load.stats()) {
        Map<String, Double> f = figures(t, s);
        f.put("store_unavailable", (double) s.storeUnavailable);
        f.put("errors", (double) s.errors);
        out.add(
            new Result(
                "pg",
                t.name,
                Scenarios.params(
                    "rate", s.phase.rate(), "conversations", conversations, "seconds", seconds),
                f,
                "PostgreSQL, durable acks; rates in turn on one node"));
      }
      Map<String, Double> f = new LinkedHashMap<>();
      f.put("normal_before_s", before);
      f.put("recovery_s", recovery);
      f.put("server_cpu_cores_recovering", recoveryCpu);
      f.put("postgres_cpu_cores_under_load", pgCores);
      f.put("probes_sent", (double) probe.sent);
      conns.diagnostics(f);
      out.add(
          new Result(
              "pg-recovery",
              t.name,
              Scenarios.params(
                  "subscribers",
                  probeSubscribers,
                  "normal_ms",
                  normalMs,
                  "max_s",
                  maxRecoverySeconds),
              f,
              "recovery_s: from the end of the last rate to the first probe every "
                  + "subscriber received within normal_ms; -1: not within max_s"));
      return out;
    } finally {
      pub.close();
      Connections.closeAll(probes);
      Connections.closeAll(open);
    }
  }

  /**
   * The recovery probe: a fan-out whose subscribers count, per probe, the deliveries that came
   * within the normal time. {@link #onFrame} runs on the event loops; {@link #secondsUntilNormal}
   * on the bench's main thread.
   */
  private static final class Probe implements Load.Listener {
    private final Dialect dialect;

    /** Deliveries in time, by the probe's intended send time. */
    private final Map<Long, AtomicInteger> inTime = new ConcurrentHashMap<>();

    /** Normal delivery time in ns; written by the main thread before probes are sent. */
    private volatile long normalNanos;

    /** Probes sent, by the main thread only. */
    long sent;

    Probe(Dialect dialect) {
      this.dialect = dialect;
    }

    @Override
    public void onFrame(Channel ch, ByteBuf text) {
      if (!dialect.isDelivery(text)) {
        return;
      }
      long intended = Load.numberAfter(text, Dialect.TEXT);
      if (intended > 0 && System.nanoTime() - intended <= normalNanos) {
        inTime.computeIfAbsent(intended, k -> new AtomicInteger()).incrementAndGet();
      }
    }

    /**
     * Sends a probe every 200 ms from now; returns the seconds from {@code since} to the send time
     * of the first probe that every subscriber received within {@code normalMs}, or -1 when none
     * did within {@code maxSeconds}.
     */
    double secondsUntilNormal(
        Channel pub, String conv, int subscribers, long since, int normalMs, int maxSeconds)
        throws InterruptedException {
      normalNanos = TimeUnit.MILLISECONDS.toNanos(normalMs);
      List<Long> pending = new ArrayList<>();
      long next = System.nanoTime();
      long giveUp = since + TimeUnit.SECONDS.toNanos(maxSeconds);
      while (true) {
        long now = System.nanoTime();
        for (var it = pending.iterator(); it.hasNext(); ) {
          long p = it.next();
          AtomicInteger n = inTime.get(p);
          if (n != null && n.get() >= subscribers) {
            return Math.max(0, (p - since) / 1e9); // every subscriber had it in time
          }
          if (now - p > normalNanos) {
            it.remove(); // too late now: not a normal delivery
            inTime.remove(p);
          }
        }
        if (now >= giveUp && pending.isEmpty()) {
          return -1;
        }
        if (now >= next && now < giveUp) {
          Load.send(pub, dialect.publish(conv, sent, now + "probe"));
          pending.add(now);
          sent++;
          next = now + TimeUnit.MILLISECONDS.toNanos(200);
        }
        Thread.sleep(10); // the probe's own clock: checks in-time counts the event loops advance
      }
    }
  }
}
