package dev.parley.testkit;

import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.ServerConfigBuilder;
import java.net.URI;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A real Parley node on an ephemeral port with its SQLite file in a given directory. Restartable on
 * the same directory. Not thread-safe: drive it from the test thread.
 */
public final class TestServer implements AutoCloseable {
  private final Path dataDir;
  private final Consumer<ServerConfigBuilder> customizer;
  private ParleyServer server;

  private TestServer(Path dataDir, Consumer<ServerConfigBuilder> customizer) {
    this.dataDir = dataDir;
    this.customizer = customizer;
  }

  /** Starts a node with default settings on port 0. */
  public static TestServer start(Path dataDir) {
    return start(dataDir, b -> {});
  }

  /** Starts a node on port 0 after {@code customizer} adjusted the defaults. */
  public static TestServer start(Path dataDir, Consumer<ServerConfigBuilder> customizer) {
    TestServer t = new TestServer(dataDir, customizer);
    t.boot();
    return t;
  }

  private void boot() {
    ServerConfigBuilder b =
        ServerConfig.newBuilder().host("127.0.0.1").port(0).adminPort(0).dataDir(dataDir);
    customizer.accept(b);
    try {
      server = ParleyServer.start(b.build());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops the node (1001 to every client) and starts a new one on the same data directory. */
  public void restart() {
    server.close();
    boot();
  }

  public ParleyServer server() {
    return server;
  }

  public int port() {
    return server.port();
  }

  /** {@code ws://127.0.0.1:<port>/ws}. */
  public URI wsUri() {
    return URI.create("ws://127.0.0.1:" + port() + "/ws");
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
