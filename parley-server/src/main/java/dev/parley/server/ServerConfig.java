package dev.parley.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a {@link ParleyServer} needs to start. Immutable; build with {@link #newBuilder()}.
 * The defaults are the "run with no configuration" ones of {@code docs/OPERATIONS.md}.
 *
 * @param host bind address
 * @param port TCP port, 0 for any free one
 * @param dataDir where the SQLite file and the token secret live
 * @param pingInterval WebSocket ping interval
 * @param pongTimeout silence allowed after a ping before the connection is closed with 4408
 * @param maxFrameBytes largest WebSocket frame payload (1009 above)
 * @param maxMessageBytes largest message after joining fragments (1009 above)
 * @param maxTextChars longest message text ({@code too_long} above)
 * @param fsync whether every commit batch is fsynced (survives power loss, slower)
 * @param shutdownGrace how long shutdown waits for connections to close
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    Duration pingInterval,
    Duration pongTimeout,
    int maxFrameBytes,
    int maxMessageBytes,
    int maxTextChars,
    boolean fsync,
    Duration shutdownGrace) {

  public static Builder newBuilder() {
    return new Builder();
  }

  /** Builds a {@link ServerConfig}. */
  public static final class Builder {
    private String host = "0.0.0.0";
    private int port = 8080;
    private Path dataDir = Path.of("data");
    private Duration pingInterval = Duration.ofSeconds(30);
    private Duration pongTimeout = Duration.ofSeconds(10);
    private int maxFrameBytes = 64 * 1024;
    private int maxMessageBytes = 64 * 1024;
    private int maxTextChars = 4000;
    private boolean fsync = false;
    private Duration shutdownGrace = Duration.ofSeconds(10);

    public Builder host(String v) { host = v; return this; }
    public Builder port(int v) { port = v; return this; }
    public Builder dataDir(Path v) { dataDir = v; return this; }
    public Builder pingInterval(Duration v) { pingInterval = v; return this; }
    public Builder pongTimeout(Duration v) { pongTimeout = v; return this; }
    public Builder maxFrameBytes(int v) { maxFrameBytes = v; return this; }
    public Builder maxMessageBytes(int v) { maxMessageBytes = v; return this; }
    public Builder maxTextChars(int v) { maxTextChars = v; return this; }
    public Builder fsync(boolean v) { fsync = v; return this; }
    public Builder shutdownGrace(Duration v) { shutdownGrace = v; return this; }

    public ServerConfig build() {
      return new ServerConfig(host, port, dataDir, pingInterval, pongTimeout, maxFrameBytes, maxMessageBytes,
          maxTextChars, fsync, shutdownGrace);
    }
  }
}
