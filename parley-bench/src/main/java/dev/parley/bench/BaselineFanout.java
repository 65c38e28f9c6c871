package dev.parley.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The baseline's broadcast, done the way a careful raw Netty server would: a frame is encoded once
 * into WebSocket wire bytes, and a batch of frames becomes one task per event loop, which writes
 * every frame of the batch to that loop's subscribers and flushes each subscriber once. {@link
 * #subscribe} is called on the subscriber's event loop; {@link #publish} on any thread (the
 * publisher's event loop).
 *
 * <p>Cost per batch of B frames to S subscribers on L loops: B encodings, L task hand-offs, S × B
 * buffer writes (retained duplicates, no copy) and S flushes — against S × B flushes (one system
 * call each) when every frame is written and flushed to every channel from the publisher's loop.
 */
final class BaselineFanout {
  /**
   * The subscribers of one event loop. {@code channels} is read and changed only on {@code loop}.
   */
  private static final class LoopSubscribers {
    final EventLoop loop;
    final List<Channel> channels = new ArrayList<>();

    LoopSubscribers(EventLoop loop) {
      this.loop = loop;
    }

    /**
     * On {@code loop}: every frame to every subscriber, one flush each; releases the batch's
     * references.
     */
    void drain(List<ByteBuf> frames) {
      try {
        for (Channel ch : channels) {
          if (!ch.isActive()) {
            continue;
          }
          for (ByteBuf f : frames) {
            ch.write(f.retainedDuplicate(), ch.voidPromise());
          }
          ch.flush();
        }
      } finally {
        for (ByteBuf f : frames) {
          f.release();
        }
      }
    }
  }

  /** Subscribers by event loop: the map is concurrent; each value's list belongs to its loop. */
  private final ConcurrentHashMap<EventLoop, LoopSubscribers> byLoop = new ConcurrentHashMap<>();

  /** Adds {@code ch}, and removes it when it closes. Call on {@code ch}'s event loop. */
  void subscribe(Channel ch) {
    LoopSubscribers s = byLoop.computeIfAbsent(ch.eventLoop(), LoopSubscribers::new);
    s.channels.add(ch);
    // The close future completes on the channel's event loop: the list is only touched there.
    ch.closeFuture().addListener(f -> s.channels.remove(ch));
  }

  /**
   * Sends {@code frames} (encoded by {@link #encode}; this takes their references) to every
   * subscriber.
   */
  void publish(List<ByteBuf> frames) {
    try {
      for (LoopSubscribers s : byLoop.values()) {
        List<ByteBuf> mine = new ArrayList<>(frames.size());
        for (ByteBuf f : frames) {
          mine.add(f.retain());
        }
        s.loop.execute(() -> s.drain(mine));
      }
    } finally {
      for (ByteBuf f : frames) {
        f.release();
      }
    }
  }

  /**
   * An unmasked, final text frame holding {@code payload} (RFC 6455 §5.2: FIN + opcode 0x1, then
   * the payload length in 7, 7+16 or 7+64 bits): the bytes every subscriber's socket receives.
   */
  static ByteBuf encode(ByteBufAllocator alloc, ByteBuf payload) {
    int n = payload.readableBytes();
    int header = n < 126 ? 2 : n < 65536 ? 4 : 10;
    ByteBuf out = alloc.directBuffer(header + n);
    out.writeByte(0x81);
    if (n < 126) {
      out.writeByte(n);
    } else if (n < 65536) {
      out.writeByte(126).writeShort(n);
    } else {
      out.writeByte(127).writeLong(n);
    }
    out.writeBytes(payload, payload.readerIndex(), n);
    return out;
  }
}
