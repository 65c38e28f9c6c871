package dev.parley.bench.jmh;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import java.util.Arrays;
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
 * Server-side WebSocket frame encoding (unmasked text frames) of an event of {@code size} bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameEncodingBenchmark {
  @Param({"250", "4000"})
  int size;

  private EmbeddedChannel channel;
  private byte[] payload;

  @Setup
  public void setUp() {
    channel = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
    payload = new byte[size];
    Arrays.fill(payload, (byte) 'x');
  }

  @Benchmark
  public long encodeTextFrame() {
    channel.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(payload)));
    return FanoutBenchmark.drain(channel);
  }

  @TearDown
  public void tearDown() {
    channel.finishAndReleaseAll();
  }
}
