package dev.parley.testsupport;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Real audio for tests of voice notes: a mono 16-bit PCM WAV at 8 kHz holding a 440 Hz tone, the
 * one audio format whose length the server reads from its header. Stateless.
 */
public final class Wav {
  private static final int RATE = 8000;

  private Wav() {}

  /**
   * A tone of {@code seconds} at {@code amplitude} (0 to 32,767): 44 header bytes and 16,000 bytes
   * a second.
   */
  public static byte[] tone(double seconds, int amplitude) {
    int samples = (int) (seconds * RATE);
    ByteBuffer b = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples * 2);
    b.put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16);
    b.putShort((short) 1).putShort((short) 1).putInt(RATE).putInt(RATE * 2);
    b.putShort((short) 2).putShort((short) 16);
    b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples * 2);
    for (int i = 0; i < samples; i++) {
      b.putShort((short) (amplitude * Math.sin(i * 2 * Math.PI * 440 / RATE)));
    }
    return b.array();
  }
}
