package dev.parley.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A server under load: Parley, the raw Netty baseline or the Socket.IO peer, as a child process of
 * the bench (so its memory and CPU are its own and readable from {@code /proc}), or a remote URL
 * (no process: no server-side figures). Ended only through this object, by its own PID. Used by the
 * bench's main thread.
 */
final class Target implements AutoCloseable {
  /** {@code parley}, {@code netty} or {@code socketio}. */
  final String name;

  final URI ws;
  private final Process process;

  /**
   * The nodes of a cluster behind a proxy (this target's CPU and RSS are their sums); empty
   * otherwise.
   */
  private final List<Target> members;

  private Target(String name, URI ws, Process process) {
    this(name, ws, process, List.of());
  }

  private Target(String name, URI ws, Process process, List<Target> members) {
    this.name = name;
    this.ws = ws;
    this.process = process;
    this.members = List.copyOf(members);
  }

  /**
   * Parley nodes reached through a proxy at {@code ws}: CPU and RSS are the nodes' sums; the nodes
   * are closed by their owner.
   */
  static Target cluster(URI ws, List<Target> nodes) {
    return new Target("parley", ws, null, nodes);
  }

  /** A Parley server somewhere else: only client-side figures. */
  static Target remote(URI ws) {
    return remote("parley", ws);
  }

  /**
   * A server of kind {@code name} ({@code parley} or {@code netty}) at {@code ws}, not started by
   * this process.
   */
  static Target remote(String name, URI ws) {
    return new Target(name, ws, null);
  }

  /**
   * The production launcher's JVM options (./parley), with a fixed heap cap: what both servers get
   * by default.
   */
  static final List<String> DEFAULT_JVM_OPTIONS =
      Runtime.version().feature() >= 25
          ? List.of("-XX:+UseG1GC", "-XX:+UseCompactObjectHeaders", "-Xss512k", "-Xmx4g")
          : List.of("-XX:+UseG1GC", "-Xss512k", "-Xmx4g");

  /** The admin of every Parley server the bench starts ({@link ChannelAdmin} logs in as it). */
  static final String ADMIN = "bench-admin";

  /**
   * Its password: random, one for the whole bench run, so the nodes of a cluster (one store) import
   * the same agent.
   */
  static final String ADMIN_PASSWORD = randomPassword();

  private static String randomPassword() {
    byte[] b = new byte[18];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /**
   * The server's HTTP root ({@code http://host:port/}) beside its WebSocket ({@code https} for
   * {@code wss}).
   */
  URI http() {
    return URI.create(ws.toString().replaceFirst("^ws", "http")).resolve("/");
  }

  /**
   * Starts the Parley server from {@code parleyJar} with the bench's settings and {@code
   * jvmOptions}, serving wss with {@code tls} (cert, key) when given.
   */
  static Target parley(
      Path parleyJar,
      int port,
      Path dataDir,
      Path log,
      Path[] tls,
      List<String> jvmOptions,
      List<String> moreArgs)
      throws IOException, InterruptedException {
    List<String> cmd = java(jvmOptions);
    // The demo site without demo mode's agents (refused with TLS: docs/SECURITY.md#demo-mode); one
    // admin, assigned nothing, whom the channel scenarios log in as to set up namespaces and a key.
    Files.createDirectories(dataDir);
    Path sites =
        Files.writeString(
            dataDir.resolve("sites.json"),
            "{\"sites\": [{\"id\": \"demo\", \"name\": \"Parley demo\", \"greeting\": \"Hi!\"}],"
                + " \"agents\": [{\"user\": \""
                + ADMIN
                + "\", \"sites\": [\"demo\"], \"capacity\": 0, \"admin\": true, \"password\": \""
                + ADMIN_PASSWORD
                + "\"}]}");
    cmd.addAll(
        List.of(
            "-jar",
            parleyJar.toString(),
            "run",
            "--host=127.0.0.1",
            "--port=" + port,
            "--sites=" + sites,
            "--data-dir=" + dataDir,
            "--max-connections-per-ip=1000000",
            "--max-connections=1000000",
            "--send-rate=1000000",
            "--send-burst=1000000",
            "--log-format=text"));
    if (tls != null) {
      cmd.addAll(List.of("--tls-cert=" + tls[0], "--tls-key=" + tls[1]));
    }
    cmd.addAll(moreArgs);
    // Through the environment, which a build from before these settings ignores, so --parley-jar
    // can measure an older build in the same run: the bench's rooms are channels, not chat
    // conversations, every bench client is a new visitor from one address, and the admin
    // listener takes any free port.
    Map<String, String> env =
        Map.of(
            "PARLEY_OPEN_CHANNELS",
            "true",
            "PARLEY_HELLO_RATE",
            "1000000",
            "PARLEY_HELLO_BURST",
            "1000000",
            "PARLEY_ADMIN_PORT",
            "0");
    return start("parley", cmd, env, port, log, "/ws", tls != null);
  }

  /**
   * Starts the raw Netty baseline from the bench's own classpath, serving wss with {@code tls}
   * (cert, key) when given.
   */
  static Target netty(int port, Path log, Path[] tls, List<String> jvmOptions)
      throws IOException, InterruptedException {
    List<String> cmd = java(jvmOptions);
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            BaselineServer.class.getName(),
            Integer.toString(port)));
    if (tls != null) {
      cmd.addAll(List.of(tls[0].toString(), tls[1].toString()));
    }
    return start("netty", cmd, port, log, "/ws", tls != null);
  }

  /**
   * Starts the Socket.IO peer ({@code server.js} in {@code dir}, Node.js with {@code --expose-gc}),
   * its WebSocket at Engine.IO's {@code /socket.io/?EIO=4&transport=websocket}.
   */
  static Target socketIo(Path dir, int port, Path log) throws IOException, InterruptedException {
    List<String> cmd =
        List.of(
            SocketIoInstall.node(),
            "--expose-gc",
            dir.resolve("server.js").toString(),
            Integer.toString(port));
    return start("socketio", cmd, port, log, "/socket.io/?EIO=4&transport=websocket", false);
  }

  /**
   * A self-signed P-256 certificate and PKCS#8 key for localhost, made with openssl in {@code dir}.
   */
  static Path[] selfSigned(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Process p =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString(),
                "-days",
                "2",
                "-subj",
                "/CN=localhost")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("openssl could not make a certificate: " + out);
    }
    return new Path[] {cert, key};
  }

  /** This JVM's java with {@code jvmOptions} (GC, heap…) and what Netty needs on newer JDKs. */
  static List<String> java(List<String> jvmOptions) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("--enable-native-access=ALL-UNNAMED");
    if (Runtime.version().feature() >= 24) {
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    return cmd;
  }

  private static Target start(
      String name, List<String> cmd, int port, Path log, String path, boolean tls)
      throws IOException, InterruptedException {
    return start(name, cmd, Map.of(), port, log, path, tls);
  }

  private static Target start(
      String name,
      List<String> cmd,
      Map<String, String> env,
      int port,
      Path log,
      String path,
      boolean tls)
      throws IOException, InterruptedException {
    Files.createDirectories(log.getParent());
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException(name + " exited at start: " + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return new Target(
            name, URI.create((tls ? "wss" : "ws") + "://127.0.0.1:" + port + path), p);
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    p.destroyForcibly();
    throw new IOException(name + " did not listen on " + port + " within 60 s");
  }

  boolean local() {
    return process != null || !members.isEmpty();
  }

  /** How the load generator speaks to this server. */
  Dialect dialect() {
    return Dialect.of(name);
  }

  /** The server's process id, or -1 for a remote server. */
  long pid() {
    return process == null ? -1 : process.pid();
  }

  /** Whether this server is a JVM (jcmd and JFR work on it). */
  boolean jvm() {
    return process != null && !name.equals("socketio");
  }

  /** The URI of {@code path} on this server (the baseline's publisher is {@code /pub}). */
  URI at(String path) {
    return ws.resolve(path);
  }

  /** Resident set size in bytes (from /proc), or -1. */
  long rssBytes() {
    if (!members.isEmpty()) {
      return members.stream().mapToLong(Target::rssBytes).sum();
    }
    if (process == null) {
      return -1;
    }
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** CPU time (user + system) in seconds so far (a cluster's: of all its nodes), or -1. */
  double cpuSeconds() {
    if (!members.isEmpty()) {
      return members.stream().mapToDouble(Target::cpuSeconds).sum();
    }
    return process == null ? -1 : Cpu.seconds(process.pid());
  }

  /** The server's memory after a full garbage collection, in bytes (-1: not known). */
  record Memory(long rss, long heapUsed, long heapCommitted) {
    static final Memory UNKNOWN = new Memory(-1, -1, -1);
  }

  /**
   * Runs a full GC in the server and returns its memory right after: RSS, the heap in use and
   * committed. A JVM through jcmd: the heap in use is the live objects' bytes that {@code
   * GC.class_histogram} counts at the safepoint of its own full GC (its {@code Total} line), the
   * committed heap from {@code GC.heap_info}; the Socket.IO peer through its {@code /bench/memory}
   * ({@code global.gc()}, {@code process.memoryUsage()}).
   *
   * <p>Not {@code GC.heap_info}'s "used" after a {@code GC.run}: that counts what the server
   * allocated between the two jcmd calls too (half a second of 19,000 connections' heartbeats), and
   * two runs of the same build gave 2,011 and 2,417 B of marginal heap per connection where their
   * class histograms agreed within 11 B (docs/BENCHMARKS.md).
   */
  Memory gcAndMemory() {
    if (process == null) {
      return Memory.UNKNOWN;
    }
    try {
      if (!jvm()) {
        return SocketIoInstall.memory(ws.getPort());
      }
      String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
      String histogram = run(jcmd, Long.toString(process.pid()), "GC.class_histogram");
      String info = run(jcmd, Long.toString(process.pid()), "GC.heap_info");
      // G1 on JDK 25: "total reserved 4194304K, committed 262144K, used 9359K"; older: "total
      // 262144K, used 9359K".
      long committed = kib(info, "committed (\\d+)([KMG])");
      return new Memory(
          rssBytes(),
          liveBytes(histogram),
          committed >= 0 ? committed : kib(info, "total (\\d+)([KMG])"));
    } catch (IOException | InterruptedException e) {
      return Memory.UNKNOWN;
    }
  }

  /** The bytes on a class histogram's last line ("Total instances bytes"), or -1. */
  static long liveBytes(String histogram) {
    Matcher m = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(histogram);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static long kib(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) {
      return -1;
    }
    long v = Long.parseLong(m.group(1));
    return v
        * switch (m.group(2)) {
          case "K" -> 1024L;
          case "M" -> 1024L * 1024;
          default -> 1024L * 1024 * 1024;
        };
  }

  /**
   * The server's heap by class (jcmd GC.class_histogram, after a full GC), the first {@code lines}
   * lines, or "".
   */
  String classHistogram(int lines) {
    if (!jvm()) {
      return "";
    }
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    try {
      return run(jcmd, Long.toString(process.pid()), "GC.class_histogram")
          .lines()
          .limit(lines)
          .collect(Collectors.joining("\n", "", "\n"));
    } catch (IOException | InterruptedException e) {
      return "";
    }
  }

  static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
