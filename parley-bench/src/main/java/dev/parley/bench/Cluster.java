package dev.parley.bench;

import dev.parley.testsupport.NginxProcess;
import dev.parley.testsupport.RedisServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Parley cluster the bench starts and owns, as {@code ClusterTest} does: a private {@code
 * redis-server} on a free port, {@code nodes} Parley nodes on PostgreSQL (a fresh schema of their
 * own, dropped at {@link #close}) with the Redis broker, and nginx in front with {@code
 * ops/nginx/parley.conf}. Every process is ended by its own PID. Used by the bench's main thread.
 */
final class Cluster implements AutoCloseable {
  private final List<Target> nodes = new ArrayList<>();
  private final String pgUrl;
  private final String pgUser;
  private final String schema;
  private RedisServerProcess redis;
  private NginxProcess nginx;

  private Cluster(String pgUrl, String pgUser, String schema) {
    this.pgUrl = pgUrl;
    this.pgUser = pgUser;
    this.schema = schema;
  }

  /**
   * Starts Redis, {@code n} nodes from {@code parleyJar} (each with {@code jvmOptions} and {@code
   * moreArgs}) and nginx from {@code nginxTemplate}, logs under {@code dir}.
   */
  static Cluster start(
      int n,
      Path parleyJar,
      Path nginxTemplate,
      Path dir,
      String pgUrl,
      String pgUser,
      List<String> jvmOptions,
      List<String> moreArgs)
      throws IOException, InterruptedException {
    Cluster c = new Cluster(pgUrl, pgUser, "parley_bench_" + Long.toString(System.nanoTime(), 36));
    try {
      Files.createDirectories(dir);
      c.redis = RedisServerProcess.start(dir);
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--store=postgres",
                  "--pg-url=" + pgUrl,
                  "--pg-user=" + pgUser,
                  "--pg-schema=" + c.schema,
                  "--broker=redis",
                  "--redis-url=" + c.redis.uri(),
                  "--token-secret=" + secret()));
      args.addAll(moreArgs);
      // The nodes start side by side (a start takes seconds, mostly waiting on one core each).
      List<CompletableFuture<Target>> starting = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int port = freePort();
        Path data = Files.createTempDirectory("parley-bench-node-");
        Path log = dir.resolve("node-" + (i + 1) + ".log");
        starting.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return Target.parley(parleyJar, port, data, log, null, jvmOptions, args);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                  }
                }));
      }
      IOException failed = null;
      for (CompletableFuture<Target> f : starting) {
        try {
          c.nodes.add(f.get(2, TimeUnit.MINUTES));
        } catch (ExecutionException | TimeoutException e) {
          failed = new IOException("a cluster node did not start: " + e.getMessage(), e);
        }
      }
      if (failed != null) {
        throw failed;
      }
      c.nginx =
          NginxProcess.start(
              nginxTemplate,
              dir.resolve("nginx"),
              c.nodes.stream().map(t -> t.ws.getPort()).toList());
      return c;
    } catch (IOException | RuntimeException | InterruptedException e) {
      c.close();
      throw e;
    }
  }

  /** The nodes through nginx: what clients load; its CPU and RSS are the nodes' sums. */
  Target target() {
    return Target.cluster(URI.create("ws://127.0.0.1:" + nginx.port() + "/ws"), nodes);
  }

  int size() {
    return nodes.size();
  }

  /** CPU seconds so far of Redis and nginx (its master and workers). */
  double helperCpuSeconds() {
    return Cpu.seconds(redis.pid()) + Cpu.treeSeconds(nginx.pid());
  }

  /**
   * A single node of Parley on PostgreSQL with the in-memory broker, the schema fresh: the bench's
   * pg scenario.
   */
  static List<String> postgresArgs(String pgUrl, String pgUser, String schema) {
    return List.of(
        "--store=postgres", "--pg-url=" + pgUrl, "--pg-user=" + pgUser, "--pg-schema=" + schema);
  }

  /** Drops {@code schema} (with everything in it) from the database at {@code pgUrl}. */
  static void dropSchema(String pgUrl, String pgUser, String schema) {
    try (Connection c = DriverManager.getConnection(pgUrl, pgUser, null);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      System.err.println("bench: could not drop schema " + schema + ": " + e.getMessage());
    }
  }

  /** A port that was free a moment ago. */
  static int freePort() throws IOException {
    try (ServerSocket free = new ServerSocket(0)) {
      return free.getLocalPort();
    }
  }

  /** The nodes' shared token secret: any node verifies a token another node made. */
  private static String secret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  @Override
  public void close() throws InterruptedException {
    if (nginx != null) {
      nginx.terminate(5);
    }
    for (Target t : nodes) {
      t.close();
    }
    if (redis != null) {
      redis.close();
    }
    dropSchema(pgUrl, pgUser, schema);
  }
}
