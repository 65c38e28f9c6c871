package dev.parley.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code parley bench}: starts the Parley server and the raw Netty baseline as child processes,
 * runs each scenario against both at several sizes, and writes {@code results/<time>/results.jsonl}
 * and {@code report.md}. With {@code --target} it loads a Parley server elsewhere (client-side
 * figures only). Bounded in time and connections; stops by itself; ends only the processes it
 * started.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark Parley against a raw Netty WebSocket server in the same run.")
public final class Bench implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--scenarios", split = ",", description = "idle,chat,fanout,handshake (default: all).")
  List<String> scenarios = List.of("idle", "chat", "fanout", "handshake");

  @Option(names = "--smoke", description = "Tiny sizes, a second each: checks that every scenario works (CI).")
  boolean smoke;

  @Option(names = "--idle-sizes", split = ",", description = "Connections held (default 1000,5000,19000).")
  List<Integer> idleSizes = List.of(1000, 5000, 19000);

  @Option(names = "--idle-seconds", description = "How long idle connections are watched for CPU (default 30: one heartbeat).")
  int idleSeconds = 30;

  @Option(names = "--chat-conversations", description = "Visitors, each in its own conversation (default 1000).")
  int chatConversations = 1000;

  @Option(names = "--chat-rates", split = ",", description = "Messages a second in all (default 1000,5000,10000).")
  List<Integer> chatRates = List.of(1000, 5000, 10000);

  @Option(names = "--fanout-sizes", split = ",", description = "Subscribers (default 1000,5000,10000).")
  List<Integer> fanoutSizes = List.of(1000, 5000, 10000);

  @Option(names = "--fanout-rate", description = "Published messages a second (default 20).")
  int fanoutRate = 20;

  @Option(names = "--handshake-concurrency", description = "Handshakes in flight (default 32).")
  int handshakeConcurrency = 32;

  @Option(names = "--seconds", description = "Measurement window per run (default 10).")
  int seconds = 10;

  @Option(names = "--target", description = "Load this Parley WebSocket URL (ws://host:port/ws) instead of starting servers.")
  URI target;

  @Option(names = "--parley-jar", description = "The server jar (default parley-server/target/parley-server.jar).")
  Path parleyJar = Path.of("parley-server/target/parley-server.jar");

  @Option(names = "--out", description = "Results folder (default results/<UTC time>).")
  Path out;

  @Option(names = "--threads", description = "Client event loops (default: the cores).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--client-processes", description = "Idle connections are held by this many load-generator "
      + "processes (default 1; each has its own open-files limit).")
  int clientProcesses = 1;

  @Option(names = "--source-addresses", split = ",", description = "Local addresses connections come from, in turn, "
      + "e.g. 127.0.1.1-200 (default: the kernel's choice). Each gives ~28,000 connections to one server port.")
  List<String> sourceAddresses = List.of();

  @Option(names = "--server-jvm-options", description = "JVM options of both servers, instead of the launcher's "
      + "'-XX:+UseG1GC -XX:+UseCompactObjectHeaders -Xss512k -Xmx4g', e.g. '-XX:+UseZGC -Xss512k -Xmx4g'.")
  String serverJvmOptions;

  @Option(names = "--parley-args", description = "More options for the Parley server, e.g. '--store-commit-delay=0ms'.")
  String parleyArgs;

  @Option(names = "--jmh", description = "Run the JMH micro-benchmarks of the hot paths instead (codec, frame "
      + "encoding, fan-out to N channels, store batch commit); results in <out>/jmh.json.")
  boolean jmh;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Bench()).execute(args));
  }

  /** The open-files limit of this process (sockets count), from /proc/self/limits, or -1. */
  static long openFilesLimit() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (l.startsWith("Max open files")) {
          String[] f = l.trim().split("\\s+");
          return Long.parseLong(f[3]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** How many local ports one source address has for connections to one destination (ip_local_port_range). */
  static long ephemeralPorts() {
    try {
      String[] r = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
      return Long.parseLong(r[1]) - Long.parseLong(r[0]) + 1;
    } catch (IOException | RuntimeException e) {
      return 28_232; // Linux's default range, 32768-60999
    }
  }

  @Override
  public Integer call() throws Exception {
    String date = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    if (out == null) {
      out = Path.of("results", date.replace(":", ""));
    }
    if (jmh) {
      return microBenchmarks();
    }
    if (smoke) {
      idleSizes = List.of(50);
      idleSeconds = 1;
      chatConversations = 20;
      chatRates = List.of(100);
      fanoutSizes = List.of(50);
      fanoutRate = 20;
      handshakeConcurrency = 4;
      seconds = 1;
    }
    StringBuilder notes = new StringBuilder();
    if (target == null) {
      notes.append("Server JVM options: ").append(String.join(" ", jvmOptions())).append(". ");
      if (!words(parleyArgs).isEmpty()) {
        notes.append("Parley options: ").append(String.join(" ", words(parleyArgs))).append(". ");
      }
    }
    long limit = openFilesLimit();
    if (clientProcesses < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--client-processes must be at least 1");
    }
    List<java.net.InetAddress> sources;
    try {
      sources = Load.addresses(sourceAddresses);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--source-addresses: " + e.getMessage());
    }
    if (limit > 0) {
      List<Integer> fitted = new ArrayList<>();
      for (int n : idleSizes) {
        // Each client process holds one socket per connection it opened; a server started here holds all of
        // them, under the same per-process limit. A remote server has its own.
        long clientCap = clientProcesses * (limit - 300);
        long cap = target == null ? Math.min(clientCap, limit - 300) : clientCap;
        int fit = (int) Math.min(n, cap);
        if (fit < n) {
          notes.append("idle size ").append(n).append(" lowered to ").append(fit).append(": this machine allows ")
              .append(limit).append(" open files per process (ulimit -n), ")
              .append(target == null ? "and the server started here is one process; load a bigger server with "
                  + "--target and several --client-processes for more. "
                  : "so " + clientProcesses + " client processes hold at most " + clientCap + "; add --client-processes. ");
        }
        fitted.add(fit);
      }
      idleSizes = fitted;
    }
    if (!sources.isEmpty()) {
      // One source address reaches one server address and port from the ephemeral range only.
      long perSource = ephemeralPorts();
      int most = idleSizes.stream().mapToInt(Integer::intValue).max().orElse(0);
      if (most > perSource * sources.size()) {
        notes.append("idle size ").append(most).append(" needs more than ").append(sources.size())
            .append(" source addresses (about ").append(perSource).append(" connections each). ");
      }
    }
    if (target == null && !Files.exists(parleyJar)) {
      System.err.println("bench: " + parleyJar + " is missing: build first (./parley build)");
      return 2;
    }
    List<Scenarios.Result> results = new ArrayList<>();
    try (Load load = new Load(threads, clientProcesses > 1 ? List.of() : sources)) {
      Scenarios s = new Scenarios(load, clientProcesses, sourceAddresses, threads, out.resolve("logs"));
      for (String scenario : scenarios) {
        for (String which : target != null ? List.of("parley") : List.of("parley", "netty")) {
          try (Target t = start(which, scenario, null)) {
            results.addAll(run(s, t, scenario));
          }
          if (scenario.equals("handshake") && target == null) {
            // The same over TLS (1.3, P-256 certificate): what a wss handshake costs.
            try (Target t = start(which, scenario + "-tls", Target.selfSigned(out.resolve("tls")))) {
              results.addAll(run(s, t, scenario));
            }
          }
        }
      }
    }
    Report.write(out, results, date, notes.toString());
    System.out.println("bench: " + results.size() + " measurements in " + out.resolve("report.md"));
    return 0;
  }

  /** JMH, one fork, short iterations (a few minutes in all); {@code --smoke}: one iteration each. */
  private int microBenchmarks() throws Exception {
    Files.createDirectories(out);
    org.openjdk.jmh.runner.options.ChainedOptionsBuilder o = new org.openjdk.jmh.runner.options.OptionsBuilder()
        .include("dev\\.parley\\.bench\\.jmh\\..*")
        .forks(1)
        .warmupIterations(smoke ? 1 : 3)
        .warmupTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1))
        .measurementIterations(smoke ? 1 : 5)
        .measurementTime(org.openjdk.jmh.runner.options.TimeValue.seconds(smoke ? 1 : 2))
        .jvmArgsAppend("--enable-native-access=ALL-UNNAMED", "-Xmx1g")
        .resultFormat(org.openjdk.jmh.results.format.ResultFormatType.JSON)
        .result(out.resolve("jmh.json").toString());
    new org.openjdk.jmh.runner.Runner(o.build()).run();
    System.out.println("bench: JMH results in " + out.resolve("jmh.json"));
    return 0;
  }

  private Target start(String which, String scenario, Path[] tls) throws IOException, InterruptedException {
    if (target != null) {
      return Target.remote(target);
    }
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path logs = out.resolve("logs");
    if (which.equals("netty")) {
      return Target.netty(port, logs.resolve("netty-" + scenario + ".log"), tls, jvmOptions());
    }
    Path data = Files.createTempDirectory("parley-bench-");
    return Target.parley(parleyJar.toAbsolutePath(), port, data, logs.resolve("parley-" + scenario + ".log"), tls,
        jvmOptions(), words(parleyArgs));
  }

  private List<String> jvmOptions() {
    List<String> given = words(serverJvmOptions);
    return given.isEmpty() ? Target.DEFAULT_JVM_OPTIONS : given;
  }

  /** A command-line option's value split into words; empty for none. */
  private static List<String> words(String option) {
    return option == null || option.isBlank() ? List.of() : List.of(option.trim().split("\\s+"));
  }

  private List<Scenarios.Result> run(Scenarios s, Target t, String scenario) throws Exception {
    List<Scenarios.Result> r = new ArrayList<>();
    switch (scenario) {
      case "idle" -> {
        Scenarios.Result previous = null;
        for (int n : idleSizes) {
          Scenarios.Result now = s.idle(t, n, idleSeconds);
          if (previous != null) {
            marginal(previous, now);
          }
          r.add(report(now));
          previous = now;
        }
      }
      case "chat" -> {
        for (int rate : chatRates) {
          r.add(report(s.chat(t, chatConversations, rate, seconds)));
        }
      }
      case "fanout" -> {
        for (int n : fanoutSizes) {
          r.add(report(s.fanout(t, n, fanoutRate, seconds)));
        }
      }
      case "handshake" -> r.add(report(s.handshake(t, handshakeConcurrency, seconds)));
      default -> throw new CommandLine.ParameterException(spec.commandLine(), "unknown scenario " + scenario);
    }
    return r;
  }

  /**
   * The cost of one more connection: the growth of RSS and heap from the previous (smaller) size to
   * this one, both held by the same server process after a full GC. Unlike the per-connection
   * average, it leaves out what the first connections pay once (JIT-compiled code, loaded classes,
   * buffer pools): the figure that projects to a bigger node.
   */
  static void marginal(Scenarios.Result smaller, Scenarios.Result larger) {
    int n0 = (Integer) smaller.params().get("connections");
    int n1 = (Integer) larger.params().get("connections");
    Double rss0 = smaller.figures().get("rss_total_mib");
    Double rss1 = larger.figures().get("rss_total_mib");
    Double heap0 = smaller.figures().get("heap_total_mib");
    Double heap1 = larger.figures().get("heap_total_mib");
    if (n1 <= n0 || rss0 == null || rss1 == null || heap0 == null || heap1 == null) {
      return;
    }
    larger.figures().put("rss_marginal_per_conn_bytes", (rss1 - rss0) * 1048576.0 / (n1 - n0));
    larger.figures().put("heap_marginal_per_conn_bytes", (heap1 - heap0) * 1048576.0 / (n1 - n0));
  }

  private static Scenarios.Result report(Scenarios.Result r) {
    System.out.println(r.scenario() + " " + r.target() + " " + r.params() + " " + r.figures());
    return r;
  }
}
