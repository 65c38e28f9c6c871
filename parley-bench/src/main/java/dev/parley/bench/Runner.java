package dev.parley.bench;

import dev.parley.bench.Scenarios.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one scenario of a bench run: starts a fresh server for it (Parley, then each peer; a cluster
 * for {@code cluster}; a node on PostgreSQL for {@code pg}), measures at each size, and ends what
 * it started. With {@code --smoke} one server of each kind (and TLS mode) serves every scenario in
 * turn, ended at {@link #close}: a smoke run checks that scenarios work, and a Parley start takes
 * seconds. Used by the bench's main thread.
 */
final class Runner implements AutoCloseable {
  private final Bench o;
  private final Scenarios s;
  private final ChatScenarios chat;
  private final ChannelScenarios channels;
  private final Path logs;

  /**
   * What the Socket.IO peer runs on, once {@code npm ci} has been checked; null before. Main thread
   * only.
   */
  private String socketIoVersion;

  /** Smoke runs: the servers kept for every scenario, by kind and TLS mode. Main thread only. */
  private final Map<String, Target> kept = new LinkedHashMap<>();

  Runner(Bench options, Connections conns) {
    this.o = options;
    this.logs = options.out.resolve("logs");
    this.s =
        new Scenarios(
            conns,
            options.clientProcesses,
            options.sourceAddresses,
            options.threads,
            logs,
            options.profile,
            options.warmupSeconds);
    this.chat = new ChatScenarios(conns, s);
    this.channels = new ChannelScenarios(conns, s);
  }

  List<Result> run(String scenario) throws Exception {
    return switch (scenario) {
      case "cluster" -> o.target != null ? List.of() : cluster();
      case "pg" -> o.target != null ? List.of() : pg();
      case "joins", "uploads" -> parleyOnly(scenario);
      case "server-publish", "small-channels" ->
          o.target != null ? notRemote(scenario) : parleyOnly(scenario);
      case "ephemeral-fanout" -> o.target != null ? notRemote(scenario) : everyServer(scenario);
      default -> everyServer(scenario);
    };
  }

  /**
   * A channel scenario sets its namespaces up as the server's admin: only on a server it starts.
   */
  private static List<Result> notRemote(String scenario) {
    System.out.println("bench: " + scenario + " skipped: it needs a server the bench starts");
    return List.of();
  }

  /** A scenario only Parley has (its peers have no presence, no files): one fresh server. */
  private List<Result> parleyOnly(String scenario) throws Exception {
    Target t = server("parley", scenario, false);
    try {
      return measure(t, scenario);
    } finally {
      release(t);
    }
  }

  /** The scenario against Parley and each peer, one fresh server each. */
  private List<Result> everyServer(String scenario) throws Exception {
    List<Result> r = new ArrayList<>();
    List<String> servers = new ArrayList<>(List.of("parley"));
    if (o.target == null) {
      servers.addAll(o.peers);
    }
    for (String which : servers) {
      Target t = server(which, scenario, false);
      try {
        r.addAll(measure(t, scenario));
      } finally {
        release(t);
      }
      if (scenario.equals("handshake") && o.target == null && !which.equals("socketio")) {
        // The same over TLS (1.3, P-256 certificate): what a wss handshake costs. (The Socket.IO
        // peer serves plain only.)
        Target tls = server(which, scenario, true);
        try {
          r.addAll(measure(tls, scenario));
        } finally {
          release(tls);
        }
      }
    }
    return r;
  }

  /** A fresh server for {@code scenario}; in a smoke run, the one kept for every scenario. */
  private Target server(String which, String scenario, boolean tls)
      throws IOException, InterruptedException {
    Path[] cert = tls ? Target.selfSigned(o.out.resolve("tls")) : null;
    if (!o.smoke || o.target != null) {
      return start(which, scenario + (tls ? "-tls" : ""), cert);
    }
    String key = which + (tls ? "-tls" : "");
    Target t = kept.get(key);
    if (t == null) {
      t = start(which, "smoke" + (tls ? "-tls" : ""), cert);
      kept.put(key, t);
    }
    return t;
  }

  private void release(Target t) throws InterruptedException {
    if (!kept.containsValue(t)) {
      t.close();
    }
  }

  /**
   * What the Socket.IO peer ran on ({@code socket.io 4.8.4 on Node.js v20…}), or null if it did not
   * run.
   */
  String socketIoVersion() {
    return socketIoVersion;
  }

  @Override
  public void close() throws InterruptedException {
    for (Target t : kept.values()) {
      t.close();
    }
    kept.clear();
  }

  private Target start(String which, String scenario, Path[] tls)
      throws IOException, InterruptedException {
    if (o.target != null) {
      return Target.remote(o.target);
    }
    int port = Cluster.freePort();
    Path log = logs.resolve(which + "-" + scenario + ".log");
    List<String> jvm = o.jvmOptions();
    if (scenario.equals("idle") && o.idleFixedHeap != null) {
      // A fixed, pre-touched heap: RSS no longer follows G1's sizing, so its growth is the native
      // memory's.
      jvm =
          new ArrayList<>(
              jvm.stream().filter(x -> !x.startsWith("-Xmx") && !x.startsWith("-Xms")).toList());
      jvm.addAll(
          List.of("-Xms" + o.idleFixedHeap, "-Xmx" + o.idleFixedHeap, "-XX:+AlwaysPreTouch"));
    }
    return switch (which) {
      case "netty" -> Target.netty(port, log, tls, jvm);
      case "socketio" -> {
        if (socketIoVersion == null) {
          socketIoVersion = SocketIoInstall.ensure(o.socketIoDir);
        }
        yield Target.socketIo(o.socketIoDir.toAbsolutePath(), port, log);
      }
      default ->
          Target.parley(
              o.parleyJar.toAbsolutePath(),
              port,
              Files.createTempDirectory("parley-bench-"),
              log,
              tls,
              jvm,
              Bench.words(o.parleyArgs));
    };
  }

  private List<Result> measure(Target t, String scenario) throws Exception {
    List<Result> r = new ArrayList<>();
    switch (scenario) {
      case "idle" -> {
        Result previous = null;
        for (int n : o.idleSizes) {
          Result now = s.idle(t, n, o.idleSeconds);
          if (previous != null) {
            marginal(previous, now);
          }
          r.add(report(now));
          previous = now;
        }
      }
      case "chat" -> {
        for (int rate : o.chatRates) {
          r.add(report(chat.chat(t, o.chatConversations, rate, o.seconds)));
        }
      }
      case "latency" ->
          chat.latency(
                  t, o.latencyConversations, o.latencyRate, o.latencyFirstSeconds, o.latencySeconds)
              .forEach(x -> r.add(report(x)));
      case "fanout" -> {
        for (int n : o.fanoutSizes) {
          r.add(report(s.fanout(t, n, o.fanoutRate, o.seconds)));
        }
      }
      case "ephemeral-fanout" -> {
        for (int n : o.channels.ephemeralFanoutSizes) {
          r.add(report(channels.ephemeralFanout(t, n, o.fanoutRate, o.seconds)));
        }
      }
      case "server-publish" -> {
        for (int n : o.channels.serverPublishChannels) {
          r.add(
              report(
                  channels.serverPublish(
                      t, n, o.channels.serverPublishRate, o.seconds, o.channels.publishInFlight)));
        }
      }
      case "small-channels" ->
          r.add(
              report(
                  channels.smallChannels(t, o.channels.smallChannels, o.channels.publishInFlight)));
      case "handshake" -> r.add(report(s.handshake(t, o.handshakeConcurrency, o.seconds)));
      case "joins" -> {
        for (int n : o.joinsSizes) {
          r.add(report(s.joins(t, n)));
        }
      }
      case "uploads" ->
          new UploadScenario().measure(t, o.uploadCount).forEach(x -> r.add(report(x)));
      default -> throw new IllegalArgumentException("unknown scenario " + scenario);
    }
    return r;
  }

  /**
   * cluster: for each node count, a fresh cluster (Redis, nodes on PostgreSQL, nginx); durable chat
   * and a fan-out across the nodes through nginx, with figures per node and per core of the nodes.
   */
  private List<Result> cluster() throws Exception {
    List<Result> r = new ArrayList<>();
    for (int n : o.clusterNodes) {
      Path dir = logs.resolve("cluster-" + n);
      try (Cluster c =
          Cluster.start(
              n,
              o.parleyJar.toAbsolutePath(),
              o.nginxConf.toAbsolutePath(),
              dir,
              o.pgUrl,
              o.pgUser,
              o.jvmOptions(),
              Bench.words(o.parleyArgs))) {
        Target t = c.target();
        double helpers0 = c.helperCpuSeconds();
        double pg0 = Cpu.postgresSeconds();
        long w0 = System.nanoTime();
        Result chatResult = chat.chat(t, o.clusterConversations, o.clusterRate, o.seconds);
        double wall = (System.nanoTime() - w0) / 1e9;
        Map<String, Double> f = perNode(chatResult.figures(), n, "messages_per_s");
        f.put("redis_nginx_cpu_cores", (c.helperCpuSeconds() - helpers0) / wall);
        f.put("postgres_cpu_cores", (Cpu.postgresSeconds() - pg0) / wall);
        r.add(
            report(
                new Result(
                    "cluster-chat",
                    "parley",
                    Scenarios.params(
                        "nodes",
                        n,
                        "rate",
                        o.clusterRate,
                        "conversations",
                        o.clusterConversations,
                        "seconds",
                        o.seconds),
                    f,
                    "PostgreSQL + Redis, nginx in front; "
                        + "CPU is the nodes' (Redis, nginx and PostgreSQL apart)")));
        Result fan = s.fanout(t, o.clusterSubscribers, o.fanoutRate, o.seconds);
        r.add(
            report(
                new Result(
                    "cluster-fanout",
                    "parley",
                    Scenarios.params(
                        "nodes",
                        n,
                        "subscribers",
                        o.clusterSubscribers,
                        "rate",
                        o.fanoutRate,
                        "seconds",
                        o.seconds),
                    perNode(fan.figures(), n, "deliveries_per_s"),
                    "subscribers spread over the nodes by nginx; the publisher on one")));
      }
    }
    return r;
  }

  /** {@code f} with {@code rate} per node and per core of the nodes' CPU added. */
  private static Map<String, Double> perNode(Map<String, Double> f, int nodes, String rate) {
    Map<String, Double> out = new LinkedHashMap<>(f);
    Double v = f.get(rate);
    Double cores = f.get("server_cpu_cores");
    if (v != null) {
      out.put(rate.replace("_per_s", "_per_node_s"), v / nodes);
      if (cores != null && cores > 0) {
        out.put(rate.replace("_per_s", "_per_core_s"), v / cores);
      }
    }
    return out;
  }

  /**
   * pg: one Parley node on PostgreSQL (a fresh schema, dropped after) under a rising chat rate,
   * then its recovery.
   */
  private List<Result> pg() throws Exception {
    String schema = "parley_bench_" + Long.toString(System.nanoTime(), 36);
    List<String> args = new ArrayList<>(Cluster.postgresArgs(o.pgUrl, o.pgUser, schema));
    args.addAll(Bench.words(o.parleyArgs));
    try (Target t =
        Target.parley(
            o.parleyJar.toAbsolutePath(),
            Cluster.freePort(),
            Files.createTempDirectory("parley-bench-"),
            logs.resolve("parley-pg.log"),
            null,
            o.jvmOptions(),
            args)) {
      List<Result> r =
          chat.pgOverload(
              t,
              o.pgConversations,
              o.pgRates,
              o.seconds,
              o.pgProbeSubscribers,
              o.pgNormalMs,
              o.pgRecoveryMaxSeconds);
      r.forEach(Runner::report);
      return r;
    } finally {
      Cluster.dropSchema(o.pgUrl, o.pgUser, schema);
    }
  }

  /**
   * The cost of one more connection: the growth of RSS and heap from the previous (smaller) size to
   * this one, both held by the same server process after a full GC. Unlike the per-connection
   * average, it leaves out what the first connections pay once (JIT-compiled code, loaded classes,
   * buffer pools): the figure that projects to a bigger node.
   */
  static void marginal(Result smaller, Result larger) {
    int n0 = (Integer) smaller.params().get("connections");
    int n1 = (Integer) larger.params().get("connections");
    Double rss0 = smaller.figures().get("rss_total_mib");
    Double rss1 = larger.figures().get("rss_total_mib");
    Double heap0 = smaller.figures().get("heap_total_mib");
    Double heap1 = larger.figures().get("heap_total_mib");
    if (n1 <= n0) {
      return;
    }
    if (rss0 != null && rss1 != null) {
      larger.figures().put("rss_marginal_per_conn_bytes", (rss1 - rss0) * 1048576.0 / (n1 - n0));
    }
    if (heap0 != null && heap1 != null) {
      larger.figures().put("heap_marginal_per_conn_bytes", (heap1 - heap0) * 1048576.0 / (n1 - n0));
    }
  }

  private static Result report(Result r) {
    System.out.println(r.scenario() + " " + r.target() + " " + r.params() + " " + r.figures());
    return r;
  }
}
