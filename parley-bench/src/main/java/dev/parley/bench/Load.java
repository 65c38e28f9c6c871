package dev.parley.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;

/**
 * The load generator's client side: WebSocket connections on Netty's epoll transport, frames handed
 * to a listener as {@link ByteBuf}s (parsed without making strings: the client shares the machine
 * with the server, so it must be cheap).
 */
final class Load implements AutoCloseable {
  /** What a connection does with the frames it receives. Called on the connection's event loop. */
  interface Listener {
    void onFrame(Channel ch, ByteBuf text);

    default void onClose(Channel ch) {}
  }

  private final MultiThreadIoEventLoopGroup group;

  /** For wss: trusts any certificate (the bench's own self-signed one). */
  private final SslContext tls;

  /** Local addresses connections are made from, in turn; empty: the kernel's choice. */
  private final List<InetAddress> sources;

  private final AtomicInteger nextSource = new AtomicInteger();

  Load(int threads) {
    this(threads, List.of());
  }

  /**
   * A client whose connections come from {@code sources} in turn (127.x.y.z addresses reach a local
   * server without any set-up), bound with {@code IP_BIND_ADDRESS_NO_PORT} so the kernel picks the
   * port at connect time per destination: each source address then gives ~28,000 connections to one
   * server address and port, instead of the ~28,000 for all of them.
   */
  Load(int threads, List<InetAddress> sources) {
    this.sources = List.copyOf(sources);
    this.group = new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
    try {
      this.tls =
          SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
    } catch (SSLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Connects and upgrades; completes with the channel once the handshake is done. */
  CompletableFuture<Channel> open(URI uri, Listener listener) {
    CompletableFuture<Channel> ready = new CompletableFuture<>();
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(EpollSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000)
            .option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, !sources.isEmpty())
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (uri.getScheme().equals("wss")) {
                      ch.pipeline()
                          .addLast(tls.newHandler(ch.alloc(), uri.getHost(), uri.getPort()));
                    }
                    ch.pipeline()
                        .addLast(
                            new HttpClientCodec(),
                            new HttpObjectAggregator(65536),
                            new WebSocketClientProtocolHandler(
                                WebSocketClientHandshakerFactory.newHandshaker(
                                    uri,
                                    WebSocketVersion.V13,
                                    null,
                                    false,
                                    new DefaultHttpHeaders(),
                                    1 << 20)),
                            new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                              @Override
                              public void userEventTriggered(ChannelHandlerContext ctx, Object evt)
                                  throws Exception {
                                if (evt
                                    == WebSocketClientProtocolHandler.ClientHandshakeStateEvent
                                        .HANDSHAKE_COMPLETE) {
                                  ready.complete(ctx.channel());
                                }
                                super.userEventTriggered(ctx, evt);
                              }

                              @Override
                              protected void channelRead0(
                                  ChannelHandlerContext ctx, TextWebSocketFrame f) {
                                listener.onFrame(ctx.channel(), f.content());
                              }

                              @Override
                              public void channelInactive(ChannelHandlerContext ctx)
                                  throws Exception {
                                ready.completeExceptionally(
                                    new IllegalStateException("closed before the handshake"));
                                listener.onClose(ctx.channel());
                                super.channelInactive(ctx);
                              }

                              @Override
                              public void exceptionCaught(
                                  ChannelHandlerContext ctx, Throwable cause) {
                                ready.completeExceptionally(cause);
                                ctx.close();
                              }
                            });
                  }
                });
    InetSocketAddress remote = new InetSocketAddress(uri.getHost(), uri.getPort());
    ChannelFuture connecting =
        sources.isEmpty()
            ? b.connect(remote)
            : b.connect(
                remote,
                new InetSocketAddress(
                    sources.get(Math.floorMod(nextSource.getAndIncrement(), sources.size())), 0));
    connecting.addListener(
        f -> {
          if (!f.isSuccess()) {
            ready.completeExceptionally(f.cause());
          }
        });
    return ready;
  }

  static void send(Channel ch, String text) {
    ch.writeAndFlush(
        new TextWebSocketFrame(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8))));
  }

  /** Whether {@code buf} holds {@code marker} (ASCII). */
  static boolean contains(ByteBuf buf, byte[] marker) {
    return indexOf(buf, marker) >= 0;
  }

  static int indexOf(ByteBuf buf, byte[] marker) {
    int end = buf.writerIndex() - marker.length;
    outer:
    for (int i = buf.readerIndex(); i <= end; i++) {
      for (int j = 0; j < marker.length; j++) {
        if (buf.getByte(i + j) != marker[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** The decimal number right after {@code marker}, or -1. */
  static long numberAfter(ByteBuf buf, byte[] marker) {
    int at = indexOf(buf, marker);
    if (at < 0) {
      return -1;
    }
    long v = 0;
    boolean any = false;
    for (int i = at + marker.length; i < buf.writerIndex(); i++) {
      byte c = buf.getByte(i);
      if (c < '0' || c > '9') {
        break;
      }
      v = v * 10 + (c - '0');
      any = true;
    }
    return any ? v : -1;
  }

  /**
   * Source addresses from a list such as {@code 127.0.0.2,127.0.1.1-40}: single addresses, or a
   * range of the last octet ({@code a.b.c.d-e}). Literal IP addresses only (never a DNS lookup).
   */
  static List<InetAddress> addresses(List<String> spec) {
    List<InetAddress> out = new ArrayList<>();
    for (String item : spec) {
      String s = item.trim();
      if (s.isEmpty()) {
        continue;
      }
      int dash = s.indexOf('-');
      if (dash < 0) {
        out.add(literal(s));
        continue;
      }
      String first = s.substring(0, dash);
      int lastDot = first.lastIndexOf('.');
      int from = Integer.parseInt(first.substring(lastDot + 1));
      int to = Integer.parseInt(s.substring(dash + 1));
      if (lastDot < 0 || from > to || to > 255) {
        throw new IllegalArgumentException(
            "not an address range: " + s + " (write a.b.c.d-e, d <= e <= 255)");
      }
      for (int i = from; i <= to; i++) {
        out.add(literal(first.substring(0, lastDot + 1) + i));
      }
    }
    return out;
  }

  private static InetAddress literal(String s) {
    InetAddress a = NetUtil.createInetAddressFromIpAddressString(s); // parsed, never looked up
    if (a == null) {
      throw new IllegalArgumentException("not an IP address: " + s);
    }
    return a;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
