package dev.parley.bench;

import io.netty.channel.Channel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Idle connections held by several load-generator processes, for more connections than one process
 * may open (each process has its own open-files limit) and from many source addresses.
 *
 * <p>Each child ({@link #main}) opens its share, prints {@code opened <n> <seconds> <source
 * addresses>}, answers {@code report} on its standard input with {@code closed <n> <errors>}, and
 * closes its connections and exits when its standard input ends. The parent ({@link #start}) starts
 * them with this JVM and class path, and ends them, by their own PIDs, on {@link #close}.
 */
final class HoldClients implements AutoCloseable {
  private record Child(Process process, BufferedReader out, OutputStream in) {}

  private final List<Child> children;
  private final double seconds;
  private final String sources;

  private HoldClients(List<Child> children, double seconds, String sources) {
    this.children = children;
    this.seconds = seconds;
    this.sources = sources;
  }

  /**
   * Starts {@code processes} children that together hold {@code n} connections to {@code t}, each
   * taking its connections from {@code sourceSpec} in turn; returns once all are open.
   */
  static HoldClients start(
      Target t, int n, int processes, List<String> sourceSpec, int threads, Path logDir)
      throws IOException, InterruptedException {
    List<Child> children = new ArrayList<>();
    HoldClients held = null;
    try {
      for (int k = 0; k < processes; k++) {
        int share = n / processes + (k < n % processes ? 1 : 0);
        List<String> cmd = Target.java(List.of("-Xmx1g"));
        cmd.addAll(
            List.of(
                "-cp",
                System.getProperty("java.class.path"),
                HoldClients.class.getName(),
                t.name,
                t.ws.toString(),
                Integer.toString(share),
                Integer.toString(Math.max(1, threads / processes)),
                String.join(",", sourceSpec)));
        Files.createDirectories(logDir);
        Process p =
            new ProcessBuilder(cmd)
                .redirectError(logDir.resolve("hold-client-" + k + ".log").toFile())
                .start();
        children.add(
            new Child(
                p,
                new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)),
                p.getOutputStream()));
      }
      double slowest = 0;
      TreeSet<String> from = new TreeSet<>();
      for (Child c : children) {
        String[] line = readLine(c, "opened").split(" ");
        slowest = Math.max(slowest, Double.parseDouble(line[2]));
        if (line.length > 3) {
          from.addAll(List.of(line[3].split(",")));
        }
      }
      held = new HoldClients(children, slowest, String.join(",", from));
      return held;
    } finally {
      if (held == null) {
        for (Child c : children) {
          c.process.destroyForcibly();
        }
      }
    }
  }

  /** The slowest child's time to open its share (they open in parallel). */
  double seconds() {
    return seconds;
  }

  /** The local addresses the connections came from. */
  String sources() {
    return sources;
  }

  /** Connections closed and error events, summed over the children: both 0 in a clean run. */
  long[] closedAndErrors() throws IOException {
    long[] sum = new long[2];
    for (Child c : children) {
      c.in.write("report\n".getBytes(StandardCharsets.UTF_8));
      c.in.flush();
      String[] line = readLine(c, "closed").split(" ");
      sum[0] += Long.parseLong(line[1]);
      sum[1] += Long.parseLong(line[2]);
    }
    return sum;
  }

  /**
   * Reads the child's next line, which must start with {@code word} (a child that fails says why).
   */
  private static String readLine(Child c, String word) throws IOException {
    CompletableFuture<String> line =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                String s = c.out.readLine();
                while (s != null && !s.startsWith(word + " ") && !s.startsWith("failed ")) {
                  s = c.out.readLine(); // a library's start-up chatter, not ours
                }
                return s;
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    try {
      String s = line.get(10, TimeUnit.MINUTES);
      if (s == null || !s.startsWith(word + " ")) {
        throw new IOException(
            "a load-generator process said "
                + s
                + " instead of '"
                + word
                + " …' (its log: hold-client-*.log)");
      }
      return s;
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new IOException("a load-generator process did not answer", e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Child c : children) {
      try {
        c.in.close(); // the child closes its connections and exits
      } catch (IOException ignored) {
        // already gone
      }
    }
    for (Child c : children) {
      if (!c.process.waitFor(30, TimeUnit.SECONDS)) {
        c.process.destroyForcibly();
        c.process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** A child: {@code <target name> <ws url> <connections> <threads> [<source addresses>]}. */
  public static void main(String[] args) throws Exception {
    List<String> spec =
        args.length > 4 && !args[4].isBlank() ? List.of(args[4].split(",")) : List.of();
    try (Load load = new Load(Integer.parseInt(args[3]), Load.addresses(spec))) {
      Connections s = new Connections(load);
      s.begin();
      double[] secs = new double[1];
      List<Channel> conns;
      try {
        conns =
            s.openMany(
                Target.remote(args[0], URI.create(args[1])),
                Integer.parseInt(args[2]),
                i -> null,
                (ch, b) -> {},
                secs);
      } catch (Exception e) {
        System.out.println("failed " + e.getMessage());
        System.exit(1);
        return;
      }
      TreeSet<String> from = new TreeSet<>();
      for (Channel c : conns) {
        from.add(((InetSocketAddress) c.localAddress()).getAddress().getHostAddress());
      }
      System.out.println("opened " + conns.size() + " " + secs[0] + " " + String.join(",", from));
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        if (line.equals("report")) {
          System.out.println("closed " + s.closed() + " " + s.errors());
          System.out.flush();
        }
      }
      Connections.closeAll(conns);
    }
  }
}
