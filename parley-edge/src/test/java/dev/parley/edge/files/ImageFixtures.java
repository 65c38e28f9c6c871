package dev.parley.edge.files;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Crafted image bytes for the refusal tests. */
final class ImageFixtures {
  private ImageFixtures() {}

  /**
   * A PNG signature and a valid IHDR chunk claiming {@code w} × {@code h} pixels (8-bit RGB), then
   * a tiny IDAT and IEND: a decoder that believed the header would allocate {@code w * h * 3}
   * bytes.
   */
  static byte[] pngHeader(int w, int h) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h);
    ihdr.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /**
   * {@code jpeg} with an EXIF segment (APP1: a minimal little-endian TIFF header with an empty IFD,
   * then {@code secret}) and a comment segment (COM) holding {@code secret}, right after its SOI.
   */
  static byte[] withExifAndComment(byte[] jpeg, String secret) {
    byte[] s = secret.getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream exif = new ByteArrayOutputStream();
    exif.writeBytes("Exif\0\0".getBytes(StandardCharsets.US_ASCII));
    exif.writeBytes(new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    exif.writeBytes(s);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xFF);
    out.write(0xD8);
    segment(out, 0xE1, exif.toByteArray());
    segment(out, 0xFE, s);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  private static void segment(ByteArrayOutputStream out, int marker, byte[] data) {
    out.write(0xFF);
    out.write(marker);
    int len = data.length + 2;
    out.write(len >> 8);
    out.write(len & 0xff);
    out.writeBytes(data);
  }
}
