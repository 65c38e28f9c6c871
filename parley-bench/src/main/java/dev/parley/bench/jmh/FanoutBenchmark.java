package dev.parley.bench.jmh;

import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Delivering one event to {@code subscribers} WebSocket channels: JSON-encoded once and the bytes
 * shared by every write (what Parley does), against encoding it again for every subscriber. Time
 * per event for all subscribers.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FanoutBenchmark {
  @Param({"100", "1000"})
  int subscribers;

  private final Codec codec = new Codec();
  private final Push.Message message =
      new Push.Message(
          "bench-fanout",
          42,
          "m_Q1x2y3z4",
          "v_Jd9aQ7f3",
          "text",
          "A message for every subscriber of the conversation.",
          1763860000000L,
          "c-1",
          null);
  private EmbeddedChannel[] channels;

  @Setup
  public void setUp() {
    channels = new EmbeddedChannel[subscribers];
    for (int i = 0; i < subscribers; i++) {
      channels[i] = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
    }
  }

  @Benchmark
  public long encodeOnceWriteMany() {
    byte[] json = codec.encode(message);
    long bytes = 0;
    for (EmbeddedChannel ch : channels) {
      ch.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(json)));
      bytes += drain(ch);
    }
    return bytes;
  }

  @Benchmark
  public long encodePerSubscriber() {
    long bytes = 0;
    for (EmbeddedChannel ch : channels) {
      ch.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(codec.encode(message))));
      bytes += drain(ch);
    }
    return bytes;
  }

  /** Reads and releases everything the channel wrote; returns the bytes. */
  static long drain(EmbeddedChannel ch) {
    long n = 0;
    for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
      n += b.readableBytes();
      b.release();
    }
    return n;
  }

  @TearDown
  public void tearDown() {
    for (EmbeddedChannel ch : channels) {
      ch.finishAndReleaseAll();
    }
  }
}
