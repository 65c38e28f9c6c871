package dev.parley.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Node.js script or test suite to its end, for the JS tests that talk to a real server. Its
 * output goes to a log file; a run over its time limit is ended, with every process it started
 * (Chromium under Playwright), by their PIDs.
 */
public final class NodeScript {
  /** The outcome of a run: its exit code ({@code -1} when it was ended for its time) and output. */
  public record Result(int exitCode, String output) {}

  private NodeScript() {}

  /**
   * The repository's root, found from the working directory (a module folder when Maven runs
   * tests).
   */
  public static Path repositoryRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("parley-web"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException(
          "cannot find the repository root (a folder holding parley-web)");
    }
    return p;
  }

  /** The major version of {@code node} on the PATH. */
  public static int nodeMajorVersion() throws IOException, InterruptedException {
    Process v = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
    String out = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    v.waitFor(10, TimeUnit.SECONDS);
    if (!out.startsWith("v")) {
      throw new IllegalStateException("node --version printed " + out);
    }
    return Integer.parseInt(out.substring(1, out.indexOf('.')));
  }

  /** Node's flags for a global WebSocket (Node 20 and 21 need it switched on). */
  public static List<String> webSocketFlags() throws IOException, InterruptedException {
    return nodeMajorVersion() < 22 ? List.of("--experimental-websocket") : List.of();
  }

  /**
   * Runs {@code node args…} in {@code dir} with {@code env} added, waits up to {@code limit}.
   *
   * @param log where the output goes
   */
  public static Result run(
      Path dir, List<String> args, Map<String, String> env, Duration limit, Path log)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("node");
    command.addAll(args);
    Files.createDirectories(log.getParent());
    ProcessBuilder b =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    b.environment().putAll(env);
    Process p = b.start();
    int code;
    if (p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      code = p.exitValue();
    } else {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      code = -1;
    }
    return new Result(code, Files.readString(log));
  }
}
