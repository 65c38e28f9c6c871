package dev.parley.transport;

import dev.parley.core.Connection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * The WebSocket wire bytes of the last frames an event loop fanned out, so that a fan-out encodes a
 * frame once per loop and every connection on the loop writes a retained duplicate of the same
 * bytes (no copy, no per-connection encoder pass).
 *
 * <p>The core's fan-out hands a batch of up to {@link Connection#BATCH_FRAMES} frames to one
 * connection of a loop after another, each writing them in the same order. So a loop keeps a ring
 * of that many frames and looks for the next frame where the last one was (the cursor), then where
 * the latest run of new frames began (a connection's first frame of the batch), then in the whole
 * ring (a connection that skipped a frame: not in its audience, parked; or a run left by a
 * catch-up's page). With one entry, a batch of B frames to S connections was encoded S × B times.
 *
 * <p>Thread confinement: one ring per thread, used only by that thread (the fan-out runs on the
 * subscribers' event loop). Bounded: {@link #SLOTS} entries holding at most {@link #RETAINED_BYTES}
 * of wire bytes (or one frame, if larger; the oldest entries leave first); an entry is released
 * when it leaves, and a terminating Netty thread releases its ring. A batch whose frames together
 * pass the bound (64 frames of more than 32 KiB: a {@code --max-text-chars} raised past its
 * default) is encoded again for later connections: correct, slower. The key is the core's frame
 * array, compared by identity: the core never changes a frame after creating it (see {@code
 * Connection#send}), and the entry holds the array, so it cannot be reused for other bytes while it
 * is a key.
 */
final class SharedTextFrames {
  private SharedTextFrames() {}

  /** Entries per loop: a delivery batch's frames. */
  static final int SLOTS = Connection.BATCH_FRAMES;

  /**
   * Wire bytes a ring may hold; one frame larger than this is held alone. A batch of the largest
   * frames the default limits allow (4,000 code points of control characters escape to about 24 KiB
   * each) fits.
   */
  static final int RETAINED_BYTES = 2 << 20;

  /** One thread's frames: payload arrays and their wire bytes (the references we own). */
  private static final class Ring {
    final byte[][] payloads = new byte[SLOTS][];
    final ByteBuf[] wires = new ByteBuf[SLOTS];
    int retainedBytes;

    /** The slot after the last frame found or added: where the next frame of a batch is. */
    int cursor;

    /** The slot where the latest run of added frames began: where a batch's first frame is. */
    int start;

    /** The slot the next frame added takes (oldest first). */
    int next;

    /** Whether the last frame asked for was added (so a new one continues the run). */
    boolean adding;

    int find(byte[] payload) {
      if (payloads[cursor] == payload) {
        return found(cursor);
      }
      if (payloads[start] == payload) {
        return found(start);
      }
      for (int i = 0; i < SLOTS; i++) {
        if (payloads[i] == payload) {
          return found(i);
        }
      }
      return -1;
    }

    private int found(int slot) {
      cursor = (slot + 1) % SLOTS;
      adding = false;
      return slot;
    }

    int add(ByteBufAllocator alloc, byte[] payload) {
      int slot = next;
      release(slot);
      int length = wireLength(payload.length);
      for (int i = 1; i < SLOTS && retainedBytes + length > RETAINED_BYTES; i++) {
        release((slot + i) % SLOTS); // the oldest first
      }
      ByteBuf wire = encode(alloc, payload); // before the slot holds the key: encode may throw
      payloads[slot] = payload;
      wires[slot] = wire;
      retainedBytes += length;
      if (!adding) {
        start = slot;
        adding = true;
      }
      next = (slot + 1) % SLOTS;
      cursor = next;
      return slot;
    }

    void release(int slot) {
      if (wires[slot] != null) {
        retainedBytes -= wires[slot].readableBytes();
        wires[slot].release();
        wires[slot] = null;
        payloads[slot] = null;
      }
    }
  }

  private static final FastThreadLocal<Ring> RINGS =
      new FastThreadLocal<>() {
        @Override
        protected Ring initialValue() {
          return new Ring();
        }

        @Override
        protected void onRemoval(Ring r) {
          for (int i = 0; i < SLOTS; i++) {
            r.release(i);
          }
        }
      };

  /**
   * A retained duplicate of {@code payload}'s wire bytes (encoded on this thread's first call with
   * this array since it left the ring): the caller writes it, and the channel releases it once
   * written.
   */
  static ByteBuf retainedWire(ByteBufAllocator alloc, byte[] payload) {
    Ring r = RINGS.get();
    int slot = r.find(payload);
    if (slot < 0) {
      slot = r.add(alloc, payload);
    }
    return r.wires[slot].retainedDuplicate();
  }

  /** The length of a server's text frame of {@code n} payload bytes. */
  static int wireLength(int n) {
    return (n < 126 ? 2 : n < 65536 ? 4 : 10) + n;
  }

  /**
   * An unmasked, final text frame holding {@code payload} (RFC 6455 §5.2: FIN + opcode 0x1, then
   * the payload length in 7, 7+16 or 7+64 bits), as Netty's {@code WebSocket08FrameEncoder} writes
   * a server's {@code TextWebSocketFrame} without extensions.
   */
  static ByteBuf encode(ByteBufAllocator alloc, byte[] payload) {
    int n = payload.length;
    ByteBuf out = alloc.directBuffer(wireLength(n));
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
