package dev.parley.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Socket.IO peer's Node.js side: finds {@code node}, installs the pinned {@code socket.io}
 * ({@code package-lock.json} in the peer's folder) with {@code npm ci} when it is missing, and
 * reads the running peer's memory. Used by the bench's main thread.
 */
final class SocketIoInstall {
  private SocketIoInstall() {}

  /** The node binary: {@code /usr/bin/node} or node on PATH. */
  static String node() {
    return Files.isExecutable(Path.of("/usr/bin/node")) ? "/usr/bin/node" : "node";
  }

  /**
   * Makes sure {@code dir} (holding {@code server.js}, {@code package.json}, {@code
   * package-lock.json}) has its {@code node_modules}: runs {@code npm ci} there when it has not,
   * saying so on the console. Returns what runs: {@code socket.io <version> on Node.js <version>}.
   */
  static String ensure(Path dir) throws IOException, InterruptedException {
    if (!Files.exists(dir.resolve("server.js"))
        || !Files.exists(dir.resolve("package-lock.json"))) {
      throw new IOException(
          "the Socket.IO peer is not in "
              + dir.toAbsolutePath()
              + " (server.js, package-lock.json): give its folder with --socketio-dir");
    }
    Path pkg = dir.resolve("node_modules").resolve("socket.io").resolve("package.json");
    if (!Files.exists(pkg)) {
      System.out.println("bench: installing the Socket.IO peer's packages (npm ci in " + dir + ")");
      Process p =
          new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), UTF_8);
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IOException("npm ci failed in " + dir + ": " + out);
      }
    }
    Matcher m = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(Files.readString(pkg));
    Process v = new ProcessBuilder(node(), "--version").redirectErrorStream(true).start();
    String nodeVersion = new String(v.getInputStream().readAllBytes(), UTF_8).strip();
    v.waitFor(30, TimeUnit.SECONDS);
    return "socket.io " + (m.find() ? m.group(1) : "?") + " on Node.js " + nodeVersion;
  }

  /**
   * The peer's memory right after a full GC ({@code GET /bench/memory} on {@code port}: Node's own
   * figures).
   */
  static Target.Memory memory(int port) throws IOException, InterruptedException {
    // HTTP/1.1: an HTTP/2 client asks for "Upgrade: h2c", which Node hands to its upgrade handlers
    // (Engine.IO's), not here.
    try (HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build()) {
      String body =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/bench/memory"))
                      .timeout(Duration.ofSeconds(30))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      return new Target.Memory(
          number(body, "rss"), number(body, "heapUsed"), number(body, "heapTotal"));
    }
  }

  private static long number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":(\\d+)").matcher(json);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }
}
