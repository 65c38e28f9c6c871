package dev.parley.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An nginx of the test's own, in the foreground, proxying to Parley nodes with the configuration of
 * {@code ops/nginx/parley.conf} (read from the repository, its placeholders filled in).
 */
public final class NginxProcess extends OwnedProcess {
  private final int port;

  private NginxProcess(Path conf, Path dir, int port) {
    super(
        List.of(binary(), "-p", dir.toString(), "-c", conf.toString(), "-g", "daemon off;"),
        dir.resolve("nginx.out"));
    this.port = port;
  }

  /** The nginx binary: {@code /usr/sbin/nginx} or nginx on PATH. */
  public static String binary() {
    return Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
  }

  /**
   * Writes a configuration from {@code template} (placeholders {@code {{LISTEN}}}, {@code
   * {{UPSTREAMS}}}, {@code {{PREFIX}}}) proxying to {@code nodePorts}, starts nginx and waits for
   * it.
   */
  public static NginxProcess start(Path template, Path dir, List<Integer> nodePorts)
      throws IOException {
    // nginx reads -c and the {{PREFIX}} paths relative to its prefix (-p dir): a relative dir (the
    // bench's results/…) would name dir/dir/nginx.conf. Absolute, they mean what they say.
    dir = dir.toAbsolutePath();
    int port = Ports.free();
    Files.createDirectories(dir.resolve("logs"));
    String upstreams =
        nodePorts.stream()
            .map(p -> "    server 127.0.0.1:" + p + " max_fails=1 fail_timeout=2s;")
            .collect(Collectors.joining("\n"));
    String conf =
        Files.readString(template)
            .replace("{{LISTEN}}", "127.0.0.1:" + port)
            .replace("{{UPSTREAMS}}", upstreams)
            .replace("{{PREFIX}}", dir.toString());
    Path file = dir.resolve("nginx.conf");
    Files.writeString(file, conf);
    NginxProcess n = new NginxProcess(file, dir, port);
    n.start();
    if (!Ports.awaitListening(port, Duration.ofSeconds(10))) {
      String errors;
      try {
        errors = Files.readString(dir.resolve("logs/error.log"));
      } catch (IOException e) {
        errors = "(no error.log)";
      }
      try {
        n.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IOException(
          "nginx did not start on port " + port + ":\n" + n.log() + "\n" + errors);
    }
    return n;
  }

  public int port() {
    return port;
  }
}
