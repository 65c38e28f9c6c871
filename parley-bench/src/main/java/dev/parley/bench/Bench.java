package dev.parley.bench;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code parley bench}: its options, and the run: starts the Parley server and its peers (the raw
 * Netty baseline, Socket.IO 4) as child processes, runs each scenario against each at several sizes
 * ({@link Runner}), and writes {@code results/<time>/results.jsonl} and {@code report.md}. With
 * {@code --target} it loads a Parley server elsewhere (client-side figures only). Bounded in time
 * and connections; stops by itself; ends only the processes it started. Runs on its caller's
 * thread.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark Parley against a raw Netty WebSocket server and Socket.IO 4 in the same run.")
public final class Bench implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Every scenario, in the order a full run takes them. */
  static final String SCENARIOS =
      "idle,chat,latency,fanout,ephemeral-fanout,handshake,joins,server-publish,small-channels,"
          + "uploads,cluster,pg";

  static final List<String> ALL = List.of(SCENARIOS.split(","));

  @Option(names = "--scenarios", split = ",", description = SCENARIOS + " (default: all).")
  List<String> scenarios = ALL;

  @CommandLine.Mixin ChannelOptions channels = new ChannelOptions();

  @Option(
      names = "--peers",
      split = ",",
      description =
          "What Parley is measured against: netty (the raw Netty "
              + "baseline), socketio (Socket.IO 4 on Node.js); default both.")
  List<String> peers = List.of("netty", "socketio");

  @Option(
      names = "--socketio-dir",
      description =
          "The Socket.IO peer's folder (server.js, package-lock.json; npm ci "
              + "runs there when node_modules is missing). Default parley-bench/socketio.")
  Path socketIoDir = Path.of("parley-bench", "socketio");

  @Option(
      names = "--profile",
      arity = "0..1",
      split = ",",
      fallbackValue = "handshake,chat,fanout",
      description =
          "Record the measurements of these scenarios (default handshake,chat,fanout) on the JVM servers with "
              + "JFR (settings=profile) and summarise each (samples by thread, hot methods) in <out>/logs/jfr-*.txt.")
  List<String> profile = List.of();

  @Option(
      names = "--latency-rate",
      description = "latency: messages a second in all (default 2000).")
  int latencyRate = 2000;

  @Option(
      names = "--latency-conversations",
      description = "latency: visitors, each in its own conversation (default 1000).")
  int latencyConversations = 1000;

  @Option(
      names = "--latency-first-seconds",
      description = "latency: the first stretch after start, reported apart " + "(default 60).")
  int latencyFirstSeconds = 60;

  @Option(
      names = "--latency-seconds",
      description = "latency: the warmed-up stretch after it (default 60).")
  int latencySeconds = 60;

  @Option(
      names = "--idle-fixed-heap",
      description =
          "idle: run the JVM servers with a fixed, pre-touched heap "
              + "(-Xms = -Xmx = this, -XX:+AlwaysPreTouch), e.g. 2g, so that RSS does not follow G1's heap sizing.")
  String idleFixedHeap;

  @Option(
      names = "--cluster-nodes",
      split = ",",
      description = "cluster: node counts, each a fresh cluster (default 1,2,3).")
  List<Integer> clusterNodes = List.of(1, 2, 3);

  @Option(
      names = "--cluster-rate",
      description = "cluster: chat messages a second in all (default 2000).")
  int clusterRate = 2000;

  @Option(names = "--cluster-conversations", description = "cluster: chat visitors (default 1000).")
  int clusterConversations = 1000;

  @Option(
      names = "--cluster-subscribers",
      description =
          "cluster: fan-out subscribers, spread over the nodes by "
              + "nginx; publisher at --fanout-rate (default 2000).")
  int clusterSubscribers = 2000;

  @Option(
      names = "--nginx-conf",
      description = "cluster: nginx template (default ops/nginx/parley.conf).")
  Path nginxConf = Path.of("ops", "nginx", "parley.conf");

  @Option(
      names = "--pg-url",
      description =
          "cluster, pg: PostgreSQL JDBC URL (default jdbc:postgresql://127.0.0.1:5432/test); "
              + "each run makes a schema of its own and drops it.")
  String pgUrl = "jdbc:postgresql://127.0.0.1:5432/test";

  @Option(names = "--pg-user", description = "cluster, pg: PostgreSQL user (default postgres).")
  String pgUser = "postgres";

  @Option(
      names = "--pg-rates",
      split = ",",
      description = "pg: chat rates in turn on one node (default 1000,2000,5000,10000).")
  List<Integer> pgRates = List.of(1000, 2000, 5000, 10000);

  @Option(names = "--pg-conversations", description = "pg: chat visitors (default 1000).")
  int pgConversations = 1000;

  @Option(
      names = "--pg-probe-subscribers",
      description = "pg: subscribers of the recovery probe's fan-out (default 100).")
  int pgProbeSubscribers = 100;

  @Option(
      names = "--pg-normal-ms",
      description =
          "pg: a probe is served normally when every subscriber has it within "
              + "this (default 1000).")
  int pgNormalMs = 1000;

  @Option(
      names = "--pg-recovery-max-seconds",
      description = "pg: how long to wait for the node to recover (default 300).")
  int pgRecoveryMaxSeconds = 300;

  @Option(
      names = "--smoke",
      description = "Tiny sizes, a second each: checks that every scenario works (CI).")
  boolean smoke;

  @Option(
      names = "--idle-sizes",
      split = ",",
      description = "Connections held (default 1000,5000,19000).")
  List<Integer> idleSizes = List.of(1000, 5000, 19000);

  @Option(
      names = "--idle-seconds",
      description = "How long idle connections are watched for CPU (default 30: one heartbeat).")
  int idleSeconds = 30;

  @Option(
      names = "--chat-conversations",
      description = "Visitors, each in its own conversation (default 1000).")
  int chatConversations = 1000;

  @Option(
      names = "--chat-rates",
      split = ",",
      description = "Messages a second in all (default 1000,5000,10000).")
  List<Integer> chatRates = List.of(1000, 5000, 10000);

  @Option(
      names = "--fanout-sizes",
      split = ",",
      description = "Subscribers (default 1000,5000,10000).")
  List<Integer> fanoutSizes = List.of(1000, 5000, 10000);

  @Option(
      names = "--joins-sizes",
      split = ",",
      description =
          "joins: distinct users joining one conversation (one server, the sizes in turn; default 1000,5000).")
  List<Integer> joinsSizes = List.of(1000, 5000);

  @Option(
      names = "--upload-count",
      description =
          "uploads: files of each kind (a photo, a screenshot, a PDF) uploaded, 4 at a time (default 200).")
  int uploadCount = 200;

  @Option(names = "--fanout-rate", description = "Published messages a second (default 20).")
  int fanoutRate = 20;

  @Option(names = "--handshake-concurrency", description = "Handshakes in flight (default 32).")
  int handshakeConcurrency = 32;

  @Option(names = "--seconds", description = "Measurement window per run (default 10).")
  int seconds = 10;

  @Option(
      names = "--warmup-seconds",
      description =
          "Load before the window of chat, fan-out and handshakes, on the same server (default 10).")
  int warmupSeconds = 10;

  @Option(
      names = "--target",
      description =
          "Load this Parley WebSocket URL (ws://host:port/ws) instead of starting servers.")
  URI target;

  @Option(
      names = "--parley-jar",
      description = "The server jar (default parley-server/target/parley-server.jar).")
  Path parleyJar = Path.of("parley-server/target/parley-server.jar");

  @Option(names = "--out", description = "Results folder (default results/<UTC time>).")
  Path out;

  @Option(names = "--threads", description = "Client event loops (default: the cores).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--client-processes",
      description =
          "Idle connections are held by this many load-generator "
              + "processes (default 1; each has its own open-files limit).")
  int clientProcesses = 1;

  @Option(
      names = "--source-addresses",
      split = ",",
      description =
          "Local addresses connections come from, in turn, "
              + "e.g. 127.0.1.1-200 (default: the kernel's choice). Each gives ~28,000 connections to one server port.")
  List<String> sourceAddresses = List.of();

  @Option(
      names = "--server-jvm-options",
      description =
          "JVM options of both servers, instead of the launcher's "
              + "'-XX:+UseG1GC -XX:+UseCompactObjectHeaders -Xss512k -Xmx4g', e.g. '-XX:+UseZGC -Xss512k -Xmx4g'.")
  String serverJvmOptions;

  @Option(
      names = "--parley-args",
      description = "More options for the Parley server, e.g. '--store-commit-delay=0ms'.")
  String parleyArgs;

  @Option(
      names = "--jmh",
      description =
          "Run the JMH micro-benchmarks of the hot paths instead (codec, frame "
              + "encoding, fan-out to N channels, store batch commit); results in <out>/jmh.json.")
  boolean jmh;

  @Option(
      names = "--store",
      description =
          "Measure instead what one durable chat message costs the SQLite store: its CPU and the "
              + "bytes written per message, through the real store on a real file (about 7 s).")
  boolean store;

  @Option(
      names = "--store-rate",
      description = "store: messages offered per second (default 10000).")
  int storeRate = 10_000;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Bench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    String date =
        DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    if (out == null) {
      out = Path.of("results", date.replace(":", ""));
    }
    if (jmh) {
      return MicroBenchmarks.run(out, smoke);
    }
    if (store) {
      return StoreWriteCost.run(out, smoke, storeRate);
    }
    if (smoke) {
      idleSizes = List.of(50);
      idleSeconds = 1;
      chatConversations = 20;
      chatRates = List.of(100);
      fanoutSizes = List.of(50);
      joinsSizes = List.of(50);
      uploadCount = 10;
      fanoutRate = 20;
      handshakeConcurrency = 4;
      seconds = 1;
      warmupSeconds = 1;
      latencyRate = 200;
      latencyConversations = 20;
      latencyFirstSeconds = 1;
      latencySeconds = 1;
      clusterNodes = List.of(2); // one cluster: across nodes is what the smoke run checks
      clusterRate = 100;
      clusterConversations = 20;
      clusterSubscribers = 50;
      pgRates = List.of(100, 400);
      pgConversations = 20;
      pgProbeSubscribers = 10;
      pgRecoveryMaxSeconds = 30;
      channels.smoke();
    }
    for (String sc : scenarios) {
      if (!ALL.contains(sc)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "unknown scenario " + sc + " (one of " + ALL + ")");
      }
    }
    for (String p : peers) {
      if (!List.of("netty", "socketio").contains(p)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "unknown peer " + p + " (netty, socketio)");
      }
    }
    StringBuilder notes = new StringBuilder();
    if (target == null) {
      notes.append("Server JVM options: ").append(String.join(" ", jvmOptions())).append(". ");
      if (!words(parleyArgs).isEmpty()) {
        notes.append("Parley options: ").append(String.join(" ", words(parleyArgs))).append(". ");
      }
    }
    long limit = MachineLimits.openFilesLimit();
    if (clientProcesses < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--client-processes must be at least 1");
    }
    List<InetAddress> sources;
    try {
      sources = Load.addresses(sourceAddresses);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--source-addresses: " + e.getMessage());
    }
    if (limit > 0) {
      List<Integer> fitted = new ArrayList<>();
      for (int n : idleSizes) {
        // Each client process holds one socket per connection it opened; a server started here
        // holds all of
        // them, under the same per-process limit. A remote server has its own.
        long clientCap = clientProcesses * (limit - 300);
        long cap = target == null ? Math.min(clientCap, limit - 300) : clientCap;
        int fit = (int) Math.min(n, cap);
        if (fit < n) {
          notes
              .append("idle size ")
              .append(n)
              .append(" lowered to ")
              .append(fit)
              .append(": this machine allows ")
              .append(limit)
              .append(" open files per process (ulimit -n), ")
              .append(
                  target == null
                      ? "and the server started here is one process; load a bigger server with "
                          + "--target and several --client-processes for more. "
                      : "so "
                          + clientProcesses
                          + " client processes hold at most "
                          + clientCap
                          + "; add --client-processes. ");
        }
        fitted.add(fit);
      }
      idleSizes = fitted;
      if (target == null) {
        channels.fit(limit, notes);
      }
    }
    if (!sources.isEmpty()) {
      // One source address reaches one server address and port from the ephemeral range only.
      long perSource = MachineLimits.ephemeralPorts();
      int most = idleSizes.stream().mapToInt(Integer::intValue).max().orElse(0);
      if (most > perSource * sources.size()) {
        notes
            .append("idle size ")
            .append(most)
            .append(" needs more than ")
            .append(sources.size())
            .append(" source addresses (about ")
            .append(perSource)
            .append(" connections each). ");
      }
    }
    if (target == null && !Files.exists(parleyJar)) {
      System.err.println("bench: " + parleyJar + " is missing: build first (./parley build)");
      return 2;
    }
    List<Scenarios.Result> results = new ArrayList<>();
    try (Load load = new Load(threads, clientProcesses > 1 ? List.of() : sources)) {
      try (Runner runner = new Runner(this, new Connections(load))) {
        for (String scenario : scenarios) {
          results.addAll(runner.run(scenario));
        }
        if (runner.socketIoVersion() != null) {
          notes.append("Socket.IO peer: ").append(runner.socketIoVersion()).append(". ");
        }
      }
    }
    Report.write(out, results, date, notes.toString());
    System.out.println("bench: " + results.size() + " measurements in " + out.resolve("report.md"));
    return 0;
  }

  /**
   * JVM options of a smoke run's servers: it checks that scenarios work, not how fast, so the
   * servers start quickly (C1 only, the serial GC: no compiler or GC threads competing for the
   * cores).
   */
  static final List<String> SMOKE_JVM_OPTIONS =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k", "-Xmx512m");

  /**
   * The servers' JVM options: {@code --server-jvm-options}, or the launcher's (a smoke run's own).
   */
  List<String> jvmOptions() {
    List<String> given = words(serverJvmOptions);
    return !given.isEmpty() ? given : smoke ? SMOKE_JVM_OPTIONS : Target.DEFAULT_JVM_OPTIONS;
  }

  /** A command-line option's value split into words; empty for none. */
  static List<String> words(String option) {
    return option == null || option.isBlank() ? List.of() : List.of(option.trim().split("\\s+"));
  }
}
