package dev.parley.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * The WebSocket wire bytes of the last frame an event loop fanned out, so that a fan-out encodes a
 * frame once per loop and every connection on the loop writes a retained duplicate of the same
 * bytes (no copy, no per-connection encoder pass).
 *
 * <p>Thread confinement: one entry per thread, used only by that thread (the fan-out runs on the
 * subscribers' event loop). Bounded: one buffer per thread — the entry is replaced, and the old
 * buffer released, when a different frame comes; a terminating Netty thread releases its entry. The
 * key is the core's frame array, compared by identity: the core never changes a frame after
 * creating it (see {@code Connection#send}), and the entry holds the array, so it cannot be reused
 * for other bytes while it is the key.
 */
final class SharedTextFrames {
  private SharedTextFrames() {}

  /** The last frame of one thread: its payload array and its wire bytes (the reference we own). */
  private static final class Entry {
    byte[] payload;
    ByteBuf wire;
  }

  private static final FastThreadLocal<Entry> LAST =
      new FastThreadLocal<>() {
        @Override
        protected Entry initialValue() {
          return new Entry();
        }

        @Override
        protected void onRemoval(Entry e) {
          if (e.wire != null) {
            e.wire.release();
            e.wire = null;
            e.payload = null;
          }
        }
      };

  /**
   * A retained duplicate of {@code payload}'s wire bytes (encoded on this thread's first call with
   * this array): the caller writes it, and the channel releases it once written.
   */
  static ByteBuf retainedWire(ByteBufAllocator alloc, byte[] payload) {
    Entry e = LAST.get();
    if (e.payload != payload) {
      ByteBuf wire = encode(alloc, payload);
      if (e.wire != null) {
        e.wire.release();
      }
      e.wire = wire;
      e.payload = payload;
    }
    return e.wire.retainedDuplicate();
  }

  /**
   * An unmasked, final text frame holding {@code payload} (RFC 6455 §5.2: FIN + opcode 0x1, then
   * the payload length in 7, 7+16 or 7+64 bits), as Netty's {@code WebSocket08FrameEncoder} writes
   * a server's {@code TextWebSocketFrame} without extensions.
   */
  static ByteBuf encode(ByteBufAllocator alloc, byte[] payload) {
    int n = payload.length;
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
    return out.writeBytes(payload);
  }
}
