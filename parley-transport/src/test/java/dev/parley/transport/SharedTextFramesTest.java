package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The loop's ring of encoded frames, on the test's thread as on an event loop: a delivery batch is
 * encoded once however many connections write it in turn, a connection that skips a frame still
 * shares the others, and the ring holds a bounded number of bytes and releases what it drops.
 * Unpooled buffers, so that a buffer is a new object whenever a frame is encoded again.
 */
class SharedTextFramesTest {
  final ByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
  final List<ByteBuf> held = new ArrayList<>();

  @AfterEach
  void releaseTheRing() {
    held.forEach(ByteBuf::release);
    FastThreadLocal.removeAll(); // this thread's ring releases its entries
  }

  ByteBuf wire(byte[] payload) {
    ByteBuf dup = SharedTextFrames.retainedWire(alloc, payload);
    held.add(dup);
    return dup;
  }

  /**
   * Whether {@code x} and {@code y} are views of one encoding: a byte changed through one shows
   * through the other (buffers may be wrapped for leak detection, so not compared as objects).
   */
  static boolean shareBytes(ByteBuf x, ByteBuf y) {
    int last = x.writerIndex() - 1;
    byte was = x.getByte(last);
    x.setByte(last, was ^ 1);
    boolean shared = y.getByte(last) == (byte) (was ^ 1);
    x.setByte(last, was);
    return shared;
  }

  static byte[] frame(String text) {
    return ("{\"type\":\"message\",\"text\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aFullBatchWrittenByOneConnectionAfterAnotherIsEncodedOnce() {
    byte[][] batch = new byte[SharedTextFrames.SLOTS][];
    ByteBuf[] first = new ByteBuf[batch.length];
    for (int i = 0; i < batch.length; i++) {
      batch[i] = frame("m" + i);
      first[i] = wire(batch[i]);
    }
    for (int connection = 0; connection < 3; connection++) {
      for (int i = 0; i < batch.length; i++) {
        assertThat(shareBytes(wire(batch[i]), first[i]))
            .as("frame %d for connection %d: the same encoding", i, connection)
            .isTrue();
      }
    }
    for (int i = 0; i < batch.length; i++) {
      assertThat(ByteBufUtil.getBytes(first[i]))
          .as("frame %d: what Netty's encoder writes", i)
          .isEqualTo(NettyConnectionBatchTest.nettyEncoding(batch[i]));
    }
  }

  @Test
  void aConnectionThatSkipsAFrameSharesTheOthers() {
    byte[] a = frame("a");
    byte[] b = frame("b");
    byte[] c = frame("c");
    ByteBuf wa = wire(a);
    ByteBuf wb = wire(b);
    ByteBuf wc = wire(c);
    assertThat(shareBytes(wire(a), wa)).isTrue();
    assertThat(shareBytes(wire(c), wc)).as("b not in its audience").isTrue();
    assertThat(shareBytes(wire(b), wb)).isTrue();
  }

  @Test
  void aFrameOutOfTheRingIsEncodedAgainAndItsOldBytesReleasedOnceWritten() {
    byte[] a = frame("a");
    ByteBuf first = wire(a);
    for (int i = 0; i < SharedTextFrames.SLOTS; i++) {
      wire(frame("filler " + i));
    }
    ByteBuf again = wire(a);
    assertThat(shareBytes(again, first)).isFalse();
    assertThat(first.refCnt()).as("its written duplicate, not the ring").isEqualTo(1);
    assertThat(ByteBufUtil.getBytes(again)).isEqualTo(ByteBufUtil.getBytes(first));
  }

  @Test
  void pastItsByteBudgetTheRingLetsItsOldestFramesGoFirstAndAlwaysHoldsTheNewest() {
    int size = SharedTextFrames.RETAINED_BYTES * 2 / 5; // two fit, three do not
    byte[] one = new byte[size];
    byte[] two = new byte[size];
    byte[] three = new byte[size];
    ByteBuf w1 = wire(one);
    ByteBuf w2 = wire(two);
    ByteBuf w3 = wire(three);
    assertThat(w1.refCnt()).as("the oldest left the ring").isEqualTo(1);
    assertThat(shareBytes(wire(two), w2)).as("the one after it stays").isTrue();
    assertThat(shareBytes(wire(three), w3)).isTrue();
    byte[] huge = new byte[SharedTextFrames.RETAINED_BYTES * 2];
    ByteBuf alone = wire(huge);
    assertThat(w3.refCnt()).as("its two written duplicates, not the ring").isEqualTo(2);
    assertThat(shareBytes(wire(huge), alone)).as("larger than the budget, still shared").isTrue();
  }

  @Test
  void aThreadsRingIsReleasedWhenItsThreadLocalsAre() {
    ByteBuf w = wire(frame("a"));
    assertThat(w.refCnt()).isEqualTo(2);
    FastThreadLocal.removeAll(); // what a terminating Netty thread does
    assertThat(w.refCnt()).as("only the written duplicate holds it").isEqualTo(1);
  }
}
