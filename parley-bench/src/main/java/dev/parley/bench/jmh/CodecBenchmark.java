package dev.parley.bench.jmh;

import dev.parley.protocol.Codec;
import dev.parley.protocol.Command;
import dev.parley.protocol.Push;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** The JSON codec on the hot path: decoding a {@code send}, encoding a {@code message} event. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {
  private final Codec codec = new Codec();
  private final byte[] send =
      ("{\"type\":\"send\",\"cid\":\"4f1c2a9e-8b0d-4d3e-9a57-0c6f1e2b3a4d\",\"conv\":\"chat_Xk2aB9\","
              + "\"text\":\"Hello! How do I run Parley on my own server?\"}")
          .getBytes(StandardCharsets.UTF_8);
  private final Push.Message message =
      new Push.Message(
          "chat_Xk2aB9",
          42,
          "m_Q1x2y3z4",
          "v_Jd9aQ7f3",
          "text",
          "Hello! How do I run Parley on my own server?",
          1763860000000L,
          "4f1c2a9e-8b0d-4d3e-9a57-0c6f1e2b3a4d",
          null);

  @Benchmark
  public Command decodeSend() {
    return codec.decodeCommand(send);
  }

  @Benchmark
  public byte[] encodeMessage() {
    return codec.encode(message);
  }
}
