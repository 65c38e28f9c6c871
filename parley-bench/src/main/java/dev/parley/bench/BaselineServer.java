package dev.parley.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * The "near the limit" baseline: a raw Netty WebSocket server with no protocol, no storage and no
 * sessions. At {@code /ws} it echoes every text frame to its sender; at {@code /pub} every text
 * frame is broadcast to all {@code /ws} connections (encoded once, written to each). Pings are
 * answered by Netty. Run as its own process by {@link Bench}: {@code BaselineServer <port> [cert.pem key.pem]}
 * (with a certificate: wss, TLS 1.2/1.3, as Parley's own TLS).
 */
public final class BaselineServer {
  private BaselineServer() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    io.netty.handler.ssl.SslContext tls = args.length < 3 ? null
        : io.netty.handler.ssl.SslContextBuilder.forServer(new java.io.File(args[1]), new java.io.File(args[2]))
            .protocols("TLSv1.3", "TLSv1.2").build();
    MultiThreadIoEventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    MultiThreadIoEventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, EpollIoHandler.newFactory());
    ChannelGroup subscribers = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    Channel server = new ServerBootstrap()
        .group(boss, workers)
        .channel(EpollServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 4096)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (tls != null) {
              ch.pipeline().addLast(tls.newHandler(ch.alloc()));
            }
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                    .websocketPath("/").checkStartsWith(true).build()),
                new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                  boolean publisher;

                  @Override
                  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hc) {
                      publisher = hc.requestUri().startsWith("/pub");
                      if (!publisher) {
                        subscribers.add(ctx.channel());
                      }
                    }
                    super.userEventTriggered(ctx, evt);
                  }

                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
                    if (publisher) {
                      subscribers.writeAndFlush(frame.retain());
                    } else {
                      ctx.writeAndFlush(frame.retain());
                    }
                  }
                });
          }
        })
        .bind("127.0.0.1", port).sync().channel();
    System.out.println("baseline listening on " + port);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      boss.shutdownGracefully();
      workers.shutdownGracefully();
    }));
    server.closeFuture().sync();
  }
}
