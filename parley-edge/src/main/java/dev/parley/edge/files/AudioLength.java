package dev.parley.edge.files;

import dev.parley.chat.VoiceSettings;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * How long a voice note may be ({@link VoiceSettings#maxSeconds}). A WAV's length is read from its
 * header (the {@code fmt } chunk's byte rate and the {@code data} chunk's size: no decoding); for
 * compressed audio (Ogg, WebM, MP4, MP3) nothing on the classpath reads the duration without
 * parsing the container, so its size is bounded instead ({@link VoiceSettings#maxCompressedBytes}:
 * {@link VoiceSettings#BYTES_PER_SECOND} per second allowed). A WAV whose header cannot be read is
 * bounded the same way.
 *
 * <p>Stateless and thread-safe.
 */
final class AudioLength {
  private AudioLength() {}

  /** The length in seconds (to a tenth) of WAV {@code b}, or null when its header is not read. */
  static Double wavSeconds(byte[] b) {
    if (b.length < 12 || !ascii(b, 0).equals("RIFF") || !ascii(b, 8).equals("WAVE")) {
      return null;
    }
    ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    long byteRate = 0;
    int at = 12;
    while (at + 8 <= b.length) {
      String id = ascii(b, at);
      long size = le.getInt(at + 4) & 0xffffffffL;
      int body = at + 8;
      if (id.equals("fmt ") && body + 12 <= b.length) {
        byteRate = le.getInt(body + 8) & 0xffffffffL;
      } else if (id.equals("data")) {
        if (byteRate == 0) {
          return null;
        }
        long data = Math.min(size, b.length - body); // a streamed WAV may say 0 or 0xffffffff
        return Math.round(data * 10.0 / byteRate) / 10.0;
      }
      long next = body + size + (size & 1);
      if (next > b.length) {
        return null;
      }
      at = (int) next;
    }
    return null;
  }

  /**
   * Why audio {@code b} of detected type {@code type} is too long for {@code voice}, or null when
   * it is not; {@code seconds} is its length when known (a WAV's).
   */
  static String tooLong(String type, byte[] b, Double seconds, VoiceSettings voice) {
    if (seconds != null) {
      return seconds > voice.maxSeconds()
          ? "the voice note lasts "
              + seconds
              + " seconds; this site accepts at most "
              + voice.maxSeconds()
          : null;
    }
    return b.length > voice.maxCompressedBytes()
        ? "the "
            + type
            + " file has "
            + b.length
            + " bytes, more than a voice note of "
            + voice.maxSeconds()
            + " seconds (the most this site accepts) takes at "
            + VoiceSettings.BYTES_PER_SECOND
            + " bytes a second"
        : null;
  }

  private static String ascii(byte[] b, int at) {
    return new String(b, at, 4, StandardCharsets.ISO_8859_1);
  }
}
