package dev.parley.bots;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Small valid audio files made here, for the speech stand-in ({@link FakeSpeechServer}): an MP3 of
 * silence (MPEG-1 Layer III frames at 128 kbit/s, 44.1 kHz, with zeroed side information and main
 * data, which decoders play as silence) and an Ogg Opus stream of silence (the {@code OpusHead} and
 * {@code OpusTags} pages of RFC 7845, then pages of 20 ms silent packets, each page with its CRC).
 * Stateless.
 */
public final class TestAudio {
  private TestAudio() {}

  /** One MPEG-1 Layer III frame is 1152 samples: 144 × bitrate / sample rate bytes. */
  static final int MP3_FRAME_BYTES = 144 * 128_000 / 44_100;

  /** An MP3 of {@code frames} frames of silence (26 ms each). */
  public static byte[] mp3(int frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < frames; i++) {
      byte[] frame = new byte[MP3_FRAME_BYTES];
      frame[0] = (byte) 0xff; // sync
      frame[1] = (byte) 0xfb; // sync, MPEG-1, Layer III, no CRC
      frame[2] = (byte) 0x90; // 128 kbit/s, 44.1 kHz, no padding
      frame[3] = (byte) 0xc4; // mono, original
      out.writeBytes(frame);
    }
    return out.toByteArray();
  }

  /** A libopus silent packet: CELT, full band, 20 ms, one frame. */
  private static final byte[] OPUS_SILENCE = {(byte) 0xf8, (byte) 0xff, (byte) 0xfe};

  /** An Ogg Opus stream of {@code packets} silent 20 ms packets, mono at 48 kHz. */
  public static byte[] oggOpus(int packets) {
    ByteBuffer head = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN);
    head.put("OpusHead".getBytes(StandardCharsets.US_ASCII));
    head.put((byte) 1).put((byte) 1).putShort((short) 312).putInt(48_000).putShort((short) 0);
    head.put((byte) 0);
    byte[] vendor = "parley-test".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer tags = ByteBuffer.allocate(8 + 4 + vendor.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    tags.put("OpusTags".getBytes(StandardCharsets.US_ASCII)).putInt(vendor.length).put(vendor);
    tags.putInt(0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int serial = 0x5041524c;
    out.writeBytes(page(0x02, 0, serial, 0, new byte[][] {head.array()}));
    out.writeBytes(page(0x00, 0, serial, 1, new byte[][] {tags.array()}));
    byte[][] audio = new byte[packets][];
    for (int i = 0; i < packets; i++) {
      audio[i] = OPUS_SILENCE;
    }
    long granule = 312L + 960L * packets; // pre-skip plus 20 ms at 48 kHz per packet
    out.writeBytes(page(0x04, granule, serial, 2, audio));
    return out.toByteArray();
  }

  /** One Ogg page holding whole {@code packets} (each under 255 bytes). */
  private static byte[] page(int flags, long granule, int serial, int sequence, byte[][] packets) {
    int size = 0;
    for (byte[] p : packets) {
      size += p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(27 + packets.length + size).order(ByteOrder.LITTLE_ENDIAN);
    b.put("OggS".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put((byte) flags);
    b.putLong(granule).putInt(serial).putInt(sequence).putInt(0); // CRC filled in below
    b.put((byte) packets.length);
    for (byte[] p : packets) {
      b.put((byte) p.length);
    }
    for (byte[] p : packets) {
      b.put(p);
    }
    byte[] page = b.array();
    ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).putInt(22, crc(page));
    return page;
  }

  /** Ogg's CRC-32: polynomial 0x04c11db7, not reflected, initial value 0. */
  static int crc(byte[] data) {
    int crc = 0;
    for (byte x : data) {
      crc ^= (x & 0xff) << 24;
      for (int k = 0; k < 8; k++) {
        crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
      }
    }
    return crc;
  }
}
