package dev.parley.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The JFR summary's tallies, on text in the format {@code jfr print --events jdk.ExecutionSample}
 * writes.
 */
class ProfilerTest {
  static final String SAMPLES =
      """
      jdk.ExecutionSample {
        startTime = 15:04:06.894 (2026-12-01)
        sampledThread = "parley-io-3-1" (javaThreadId = 34)
        state = "STATE_RUNNABLE"
        stackTrace = [
          com.fasterxml.jackson.core.json.UTF8JsonGenerator._writeStringSegment(String, int, int) line: 1
          dev.parley.protocol.Codec.encode(Object) line: 2
          io.netty.channel.AbstractChannelHandlerContext.invokeChannelRead(Object) line: 3
          ...
        ]
      }

      jdk.ExecutionSample {
        startTime = 15:04:06.910 (2026-12-01)
        sampledThread = "parley-io-3-2" (javaThreadId = 36)
        state = "STATE_RUNNABLE"
        stackTrace = [
          io.netty.handler.codec.MessageToMessageEncoder.write(ChannelHandlerContext, Object, ChannelPromise) line: 4
          io.netty.channel.AbstractChannelHandlerContext.invokeWrite(Object) line: 5
        ]
      }

      jdk.ExecutionSample {
        startTime = 15:04:06.920 (2026-12-01)
        sampledThread = "parley-store-writer" (javaThreadId = 40)
        state = "STATE_RUNNABLE"
        stackTrace = [
          org.sqlite.core.DB.execute(long, Object[]) line: 6
          dev.parley.store.jdbc.GroupCommitWriter.lambda$run$0() line: 7
        ]
      }
      """;

  @Test
  void samplesAreCountedByThreadWithDigitsFolded() {
    String s = Profiler.byThread(SAMPLES);
    assertThat(s)
        .contains(
            " 66.7 %       2  parley-io-N-N",
            " 33.3 %       1  parley-store-writer", "total 3 samples");
  }

  @Test
  void aSampleCountsOnceForEveryPackageOnItsStackAndOnceForItsTopFrame() {
    String s = Profiler.byPackage(SAMPLES, 10);
    assertThat(s)
        .contains(
            "    66.7      0.0   io.netty.channel",
            "    33.3     33.3   com.fasterxml.jackson",
            "    33.3     33.3   io.netty.handler",
            "    33.3     33.3   org.sqlite.core",
            "    33.3      0.0   dev.parley.store",
            "total 3 samples");
  }
}
