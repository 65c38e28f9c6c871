package dev.parley.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * An {@link EmbeddedChannel} whose peer has a real IP address, so that per-address limits and the
 * client address of fallback sessions see one. Its clock is frozen from the start. Not thread-safe,
 * like every embedded channel: drive it from the test thread.
 */
final class AddressedChannel extends EmbeddedChannel {
  private InetSocketAddress remote;

  private AddressedChannel() {
    super(EmbeddedChannel.builder().register(false));
  }

  /** A channel from {@code ip} (port 40000) through {@code handlers}, registered and active. */
  static AddressedChannel from(String ip, ChannelHandler... handlers) {
    AddressedChannel ch = new AddressedChannel();
    ch.remote = new InetSocketAddress(ip, 40000);
    ch.pipeline().addLast(handlers);
    try {
      ch.register();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    ch.freezeTime();
    return ch;
  }

  @Override
  protected SocketAddress remoteAddress0() {
    return isActive() ? remote : null;
  }
}
