package dev.parley.testsupport;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Parley node in a JVM of its own ({@code dev.parley.server.Main run}), started with this JVM's
 * class path, so a test can SIGKILL it like a crashing machine.
 */
public final class NodeProcess extends OwnedProcess {
  private final int port;

  private NodeProcess(List<String> command, Path log, int port) {
    super(command, log);
    this.port = port;
  }

  /**
   * Starts a node on {@code port} with {@code args} after {@code run}, and waits until it listens.
   */
  public static NodeProcess start(Path dir, int port, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Xmx256m");
    cmd.add("-XX:+UseSerialGC");
    if (Runtime.version().feature() >= 24) {
      cmd.add("--sun-misc-unsafe-memory-access=allow");
      cmd.add("--enable-native-access=ALL-UNNAMED");
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.parley.server.Main");
    cmd.add("run");
    cmd.add("--host=127.0.0.1");
    cmd.add("--port=" + port);
    cmd.addAll(args);
    NodeProcess n = new NodeProcess(cmd, dir.resolve("node-" + port + ".log"), port);
    n.start();
    return n;
  }

  @Override
  public void start() throws IOException {
    super.start();
    if (!Ports.awaitListening(port, Duration.ofSeconds(60))) {
      throw new IOException("node did not start on port " + port + ":\n" + log());
    }
  }

  public int port() {
    return port;
  }
}
