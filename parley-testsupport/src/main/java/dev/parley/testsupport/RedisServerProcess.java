package dev.parley.testsupport;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A redis-server of the test's own on a free port, without persistence. */
public final class RedisServerProcess extends OwnedProcess {
  private final int port;

  private RedisServerProcess(int port, Path dir) {
    super(
        List.of(
            "redis-server",
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            dir.toString()),
        dir.resolve("redis-" + port + ".log"));
    this.port = port;
  }

  /** Starts one in {@code dir} and waits until it accepts connections. */
  public static RedisServerProcess start(Path dir) throws IOException {
    RedisServerProcess r = new RedisServerProcess(Ports.free(), dir);
    r.start();
    return r;
  }

  @Override
  public void start() throws IOException {
    super.start();
    if (!Ports.awaitListening(port, Duration.ofSeconds(10))) {
      throw new IOException("redis-server did not start on port " + port + ":\n" + log());
    }
  }

  public int port() {
    return port;
  }

  public String uri() {
    return "redis://127.0.0.1:" + port;
  }
}
