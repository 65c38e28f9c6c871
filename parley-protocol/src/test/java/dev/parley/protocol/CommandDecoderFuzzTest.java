package dev.parley.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the command decoder with Jazzer: whatever bytes arrive, decoding either yields a valid
 * command or a {@link ProtocolException} with an error code — never another exception, a hang or an
 * out-of-memory. In a plain test run it replays the corpus in {@code
 * src/test/resources/dev/parley/protocol/CommandDecoderFuzzTestInputs}; with {@code JAZZER_FUZZ=1}
 * (as {@code .ci/run} does, for a bounded time) it explores new inputs.
 */
class CommandDecoderFuzzTest {
  private static final Codec CODEC = new Codec();

  @FuzzTest(maxDuration = "30s")
  void decodeNeverFailsUnexpectedly(byte[] frame) {
    try {
      Command c = CODEC.decodeCommand(frame);
      c.validate(); // a decoded command is a valid one
    } catch (ProtocolException expected) {
      if (expected.code() == null) {
        throw new AssertionError("a rejection without an error code", expected);
      }
    }
  }
}
