package dev.parley.server;

import dev.parley.core.Broker;
import dev.parley.core.InMemoryBroker;
import dev.parley.core.Node;
import dev.parley.core.NodeConfig;
import dev.parley.core.SignedVisitorTokens;
import dev.parley.store.jdbc.SqliteMessageStore;
import dev.parley.transport.TransportConfig;
import dev.parley.transport.TransportServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Parley node: the SQLite store, the in-memory broker, the realtime core and the
 * transport, started in that order and closed in reverse.
 *
 * <p>{@code ParleyServer.start(config)} then {@link #port()}. Thread-safe; {@link #close()} is
 * idempotent.
 */
public final class ParleyServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ParleyServer.class);

  private final ServerConfig config;
  private final SqliteMessageStore store;
  private final Broker broker;
  private final Node node;
  private final TransportServer transport;
  private boolean closed;

  private ParleyServer(ServerConfig config) throws InterruptedException {
    this.config = config;
    this.store = SqliteMessageStore.open(config.dataDir(),
        new SqliteMessageStore.Options(config.fsync(), 512, 100_000, 4), (size, nanos) -> {});
    this.broker = new InMemoryBroker();
    NodeConfig nodeConfig = new NodeConfig(config.maxTextChars(), 64, NodeConfig.defaults().typingTtl(),
        NodeConfig.defaults().replayPageSize(), config.pingInterval());
    this.node = Node.builder()
        .config(nodeConfig)
        .store(store)
        .broker(broker)
        .authenticator(new SignedVisitorTokens(loadOrCreateSecret(config.dataDir())))
        .build();
    TransportConfig tc = TransportConfig.newBuilder()
        .host(config.host())
        .port(config.port())
        .pingInterval(config.pingInterval())
        .pongTimeout(config.pongTimeout())
        .maxFrameBytes(config.maxFrameBytes())
        .maxMessageBytes(config.maxMessageBytes())
        .shutdownGrace(config.shutdownGrace())
        .build();
    try {
      this.transport = TransportServer.start(tc, node);
    } catch (RuntimeException | InterruptedException e) {
      node.close();
      store.close();
      throw e;
    }
    log.info("Parley listening on port {} ({} transport), data in {}", transport.port(), transport.ioTransport(),
        config.dataDir().toAbsolutePath().normalize());
  }

  /**
   * Starts a node.
   *
   * @throws InterruptedException if interrupted while binding
   * @throws dev.parley.core.StoreException if the store cannot be opened
   */
  public static ParleyServer start(ServerConfig config) throws InterruptedException {
    return new ParleyServer(config);
  }

  /** The bound port. */
  public int port() {
    return transport.port();
  }

  public ServerConfig config() {
    return config;
  }

  public Node node() {
    return node;
  }

  public SqliteMessageStore store() {
    return store;
  }

  public TransportServer transport() {
    return transport;
  }

  /** Closes connections with 1001, finishes queued writes, then closes the store. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    transport.close();
    node.close();
    broker.close();
    store.close();
    log.info("Parley stopped");
  }

  /** The 32-byte secret that signs visitor tokens: {@code secret.key} in the data directory. */
  static byte[] loadOrCreateSecret(Path dataDir) {
    Path file = dataDir.resolve("secret.key");
    try {
      Files.createDirectories(dataDir);
      if (Files.exists(file)) {
        byte[] b = Files.readAllBytes(file);
        if (b.length < 32) {
          throw new IllegalStateException(file + " holds fewer than 32 bytes; delete it to make a new one");
        }
        return b;
      }
      byte[] b = new byte[32];
      new SecureRandom().nextBytes(b);
      Path tmp = Files.createTempFile(dataDir, "secret", ".tmp");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: the data directory's own permissions protect it.
      }
      Files.write(tmp, b);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    }
  }
}
