package dev.parley.transport;

import dev.parley.core.Node;
import dev.parley.protocol.CloseCode;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.UploadGate;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network server: binds the public port (clients) and, unless turned off, the admin port
 * (operators: {@code /metrics}, {@code /readyz}, {@code /healthz}; loopback by default), runs the
 * event loops, and on {@link #close()} says goodbye to every connection with 1001 before it stops.
 *
 * <p>Uses the native epoll transport on Linux when it loads, NIO otherwise. Both listeners share
 * the event loops. Thread-safe.
 */
public final class TransportServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TransportServer.class);

  /**
   * The receive-buffer allocator of every client connection, made once: Netty's default for a
   * stream channel (adaptive buffer sizes, at most 16 reads a loop turn, as its epoll and NIO
   * channels set it), which Netty would otherwise make per channel (32 B of every idle connection).
   * Its only state is these settings, which nothing changes; each channel's sizing lives in the
   * handle it makes per channel.
   */
  private static final RecvByteBufAllocator RECEIVE_BUFFERS =
      new AdaptiveRecvByteBufAllocator().maxMessagesPerRead(16);

  private final TransportConfig config;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ChannelGroup connections =
      new DefaultChannelGroup("parley-ws", GlobalEventExecutor.INSTANCE);
  private final Channel serverChannel;

  /** The admin listener's channel, or null when it is off. */
  private final Channel adminChannel;

  private final ParleyChannelInitializer initializer;
  private final String ioName;

  private TransportServer(TransportConfig config, Node node, HttpApi api, UploadGate uploads)
      throws InterruptedException {
    this.config = config;
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> channelType =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    this.ioName = epoll ? "epoll" : "nio";
    this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("parley-boss"), io);
    this.workers =
        new MultiThreadIoEventLoopGroup(
            config.ioThreads(), new DefaultThreadFactory("parley-io"), io);
    initializer = new ParleyChannelInitializer(config, node, connections, api, uploads);
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(channelType)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.RECVBUF_ALLOCATOR, RECEIVE_BUFFERS)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(32 * 1024, 64 * 1024))
            .childHandler(initializer);
    Channel server = null;
    try {
      server = b.bind(config.host(), config.port()).sync().channel();
      this.adminChannel = config.adminPort() < 0 ? null : bindAdmin(config, api, channelType);
      this.serverChannel = server;
    } catch (Exception e) { // also the bind's IOException, which sync() rethrows undeclared
      if (server != null) {
        server.close().syncUninterruptibly();
      }
      boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  private Channel bindAdmin(
      TransportConfig config, HttpApi api, Class<? extends ServerChannel> channelType)
      throws InterruptedException {
    ServerBootstrap admin =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(channelType)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new AdminChannelInitializer(config, api));
    try {
      return admin.bind(config.adminHost(), config.adminPort()).sync().channel();
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) { // sync() rethrows the bind's IOException as it is
      throw new IllegalStateException(
          "cannot bind the admin listener (metrics) to "
              + config.adminHost()
              + ":"
              + config.adminPort()
              + ": "
              + e.getMessage()
              + "; choose another admin port, or a negative one to turn it off",
          e);
    }
  }

  /**
   * Binds and starts serving.
   *
   * @throws InterruptedException if interrupted while binding
   */
  public static TransportServer start(TransportConfig config, Node node)
      throws InterruptedException {
    return new TransportServer(config, node, HttpApi.NONE, UploadGate.NONE);
  }

  /**
   * Binds and starts serving, with {@code api} answering {@code /api/}, {@code /readyz} and {@code
   * /metrics} on the public listener and {@code /metrics} and {@code /readyz} on the admin listener
   * ({@link HttpApi.Request#listener()} says which).
   */
  public static TransportServer start(TransportConfig config, Node node, HttpApi api)
      throws InterruptedException {
    return new TransportServer(config, node, api, UploadGate.NONE);
  }

  /**
   * Like {@link #start(TransportConfig, Node, HttpApi)}, with {@code uploads} admitting the large
   * bodies of uploads before they are received ({@link UploadGate}).
   */
  public static TransportServer start(
      TransportConfig config, Node node, HttpApi api, UploadGate uploads)
      throws InterruptedException {
    return new TransportServer(config, node, api, uploads);
  }

  /** The bound port (useful when the config asked for 0). */
  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** The admin listener's bound port (useful when the config asked for 0), or -1 when it is off. */
  public int adminPort() {
    return adminChannel == null ? -1 : ((InetSocketAddress) adminChannel.localAddress()).getPort();
  }

  /** {@code epoll} or {@code nio}. */
  public String ioTransport() {
    return ioName;
  }

  /** Open WebSocket connections. */
  public int connectionCount() {
    return connections.size();
  }

  /** Open SSE and long-polling sessions. */
  public int fallbackSessionCount() {
    return initializer.fallback().openCount();
  }

  /**
   * Cuts up to {@code max} WebSocket connections, chosen at random, without a close frame (TCP
   * reset), as a failing network would. For operators' drills and tests of the delivery contract.
   *
   * @return how many were cut
   */
  public int dropConnections(int max) {
    List<Channel> all = new ArrayList<>(connections);
    Collections.shuffle(all);
    int n = 0;
    for (Channel c : all) {
      if (n == max) {
        break;
      }
      c.config().setOption(ChannelOption.SO_LINGER, 0);
      c.close();
      n++;
    }
    return n;
  }

  /**
   * Closes the public listening socket: no new client connections; open ones carry on, and the
   * admin listener keeps answering (metrics and readiness while the node drains). Idempotent.
   */
  public void stopAccepting() {
    serverChannel.close().syncUninterruptibly();
  }

  /**
   * Closes every WebSocket with {@code code} (1001 going away, or 1012 service restart when other
   * nodes take over) and waits up to {@code grace} for them to go; the rest are cut.
   */
  public void closeConnections(CloseCode code, Duration grace) {
    initializer.fallback().closeAll(code);
    for (Channel c : connections) {
      c.eventLoop().execute(() -> NettyConnection.closeChannel(c, code, code.reason()));
    }
    connections.newCloseFuture().awaitUninterruptibly(grace.toMillis(), TimeUnit.MILLISECONDS);
    if (!connections.isEmpty()) {
      log.warn(
          "{} connections did not close within the grace period; cutting them", connections.size());
      connections.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    }
  }

  /**
   * Stops accepting, closes every connection with 1001 (going away) within the configured grace,
   * then stops the event loops.
   */
  @Override
  public void close() {
    close(CloseCode.GOING_AWAY);
  }

  /** Like {@link #close()} with another close code. */
  public void close(CloseCode code) {
    stopAccepting();
    closeConnections(code, config.shutdownGrace());
    if (adminChannel != null) {
      adminChannel.close().syncUninterruptibly();
    }
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
