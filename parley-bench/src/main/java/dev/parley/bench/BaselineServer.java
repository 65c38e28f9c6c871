package dev.parley.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;

/**
 * The "near the limit" baseline: a raw Netty WebSocket server with no protocol, no storage and no
 * sessions, written as well as Parley claims to be (see {@link BaselineHandler} and {@link
 * BaselineFanout}). At {@code /ws} it echoes every text frame to its sender; at {@code /pub} every
 * text frame is broadcast to all {@code /ws} connections. Run as its own process by {@link Bench}:
 * {@code BaselineServer <port> [cert.pem key.pem]} (with a certificate: wss, TLS 1.2/1.3, as
 * Parley's own TLS). Its {@code main} thread only starts and waits; the work is on Netty's loops.
 *
 * <p>An earlier baseline flushed every frame to every channel from the publisher's event loop (one
 * system call per frame per subscriber); an independent harness showed (2026-12-01) that it
 * flattered Parley by about two, so it is gone: every ratio the bench reports is against this one.
 */
public final class BaselineServer {
  private BaselineServer() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    SslContext tls =
        args.length < 3
            ? null
            : SslContextBuilder.forServer(new File(args[1]), new File(args[2]))
                .protocols("TLSv1.3", "TLSv1.2")
                .build();
    MultiThreadIoEventLoopGroup boss =
        new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    MultiThreadIoEventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(0, EpollIoHandler.newFactory());
    BaselineFanout fanout = new BaselineFanout();
    Channel server =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(EpollServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(32 * 1024, 64 * 1024))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (tls != null) {
                      ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                    }
                    ch.pipeline()
                        .addLast(
                            new HttpServerCodec(),
                            new HttpObjectAggregator(8192),
                            new WebSocketServerProtocolHandler(
                                WebSocketServerProtocolConfig.newBuilder()
                                    .websocketPath("/")
                                    .checkStartsWith(true)
                                    .build()),
                            new BaselineHandler(fanout));
                  }
                })
            .bind("127.0.0.1", port)
            .sync()
            .channel();
    System.out.println("baseline listening on " + port);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  boss.shutdownGracefully();
                  workers.shutdownGracefully();
                }));
    server.closeFuture().sync();
  }
}
