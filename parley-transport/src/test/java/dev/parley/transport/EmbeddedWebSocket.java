package dev.parley.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A WebSocket client over raw bytes against the server's real pipeline ({@link
 * ParleyChannelInitializer}) in an {@link EmbeddedChannel}: it sends the upgrade request, then any
 * frame at all, and parses what the server writes back. With {@code permessage-deflate} it
 * compresses and inflates as RFC 7692 says. Not thread-safe; drive it from the test thread.
 */
final class EmbeddedWebSocket implements AutoCloseable {
  /** RFC 6455 5.2 opcodes. */
  static final int CONTINUATION = 0x0,
      TEXT = 0x1,
      BINARY = 0x2,
      CLOSE = 0x8,
      PING = 0x9,
      PONG = 0xA;

  /** RFC 6455 5.2 reserved bits, as the three-bit number a frame header carries. */
  static final int RSV1 = 0b100, RSV2 = 0b010, RSV3 = 0b001;

  /** A frame from the server; {@code rsv} as the three-bit number. */
  record Frame(boolean fin, int rsv, int opcode, byte[] payload) {
    int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
    }

    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  final EmbeddedChannel ch;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private int readAt;
  private int status;
  private final Map<String, String> responseHeaders = new LinkedHashMap<>();

  /** The server compresses with context takeover: one inflater for the connection. */
  private final Inflater inflater = new Inflater(true);

  private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);

  EmbeddedWebSocket(ParleyChannelInitializer pipeline) {
    ch = new EmbeddedChannel(pipeline);
    ch.freezeTime();
  }

  /**
   * Sends the upgrade request for {@code /ws} with {@code headers}; returns the HTTP status (101
   * when upgraded).
   */
  int upgrade(Map<String, String> headers) {
    StringBuilder req =
        new StringBuilder(
            String.join(
                "\r\n",
                "GET /ws HTTP/1.1",
                "Host: chat.test",
                "Upgrade: websocket",
                "Connection: Upgrade",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                "Sec-WebSocket-Version: 13",
                ""));
    headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
    writeBytes(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    drain();
    String all = received.toString(StandardCharsets.ISO_8859_1);
    int end = all.indexOf("\r\n\r\n");
    String[] lines = all.substring(0, end).split("\r\n");
    status = Integer.parseInt(lines[0].split(" ")[1]);
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      responseHeaders.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    readAt = end + 4;
    return status;
  }

  String responseHeader(String name) {
    return responseHeaders.get(name.toLowerCase(Locale.ROOT));
  }

  /** Sends one frame exactly as described, in one write. */
  void send(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
    writeBytes(frame(fin, rsv, opcode, payload, masked));
  }

  /** Sends a masked, final, uncompressed text frame. */
  void sendText(String text) {
    send(true, 0, TEXT, text.getBytes(StandardCharsets.UTF_8), true);
  }

  /** Sends several frames in one write, as one TCP segment would carry them. */
  void sendTogether(byte[]... frames) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] f : frames) {
      b.writeBytes(f);
    }
    writeBytes(b.toByteArray());
  }

  /** The bytes of one frame (RFC 6455 5.2), masked with a fixed key when {@code masked}. */
  static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(payload.length + 14);
    b.write((fin ? 0x80 : 0) | (rsv & 7) << 4 | (opcode & 0xf));
    int maskBit = masked ? 0x80 : 0;
    if (payload.length < 126) {
      b.write(maskBit | payload.length);
    } else if (payload.length < 65536) {
      b.write(maskBit | 126);
      b.write(payload.length >>> 8);
      b.write(payload.length & 0xff);
    } else {
      b.write(maskBit | 127);
      b.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
    }
    if (masked) {
      byte[] mask = {0x37, (byte) 0xfa, 0x21, 0x3d};
      b.writeBytes(mask);
      for (int i = 0; i < payload.length; i++) {
        b.write(payload[i] ^ mask[i & 3]);
      }
    } else {
      b.writeBytes(payload);
    }
    return b.toByteArray();
  }

  /** A close frame's payload: the code, then the reason's bytes. */
  static byte[] closePayload(int code, byte[] reason) {
    byte[] p = new byte[2 + reason.length];
    p[0] = (byte) (code >> 8);
    p[1] = (byte) code;
    System.arraycopy(reason, 0, p, 2, reason.length);
    return p;
  }

  /**
   * {@code text} compressed as one permessage-deflate message (RFC 7692 7.2.1: the trailing 00 00
   * ff ff removed).
   */
  byte[] deflate(String text) {
    return deflate(text.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code bytes} compressed as one permessage-deflate message, whatever they are. */
  byte[] deflate(byte[] bytes) {
    deflater.setInput(bytes);
    byte[] buf = new byte[bytes.length + 64];
    int n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
    byte[] out = new byte[n - 4];
    System.arraycopy(buf, 0, out, 0, n - 4);
    return out;
  }

  /**
   * The next frame the server wrote, inflated when it is compressed (RSV1); null when there is
   * none.
   */
  Frame next() {
    drain();
    byte[] all = received.toByteArray();
    if (all.length - readAt < 2) {
      return null;
    }
    int at = readAt;
    int b0 = all[at++] & 0xff;
    int b1 = all[at++] & 0xff;
    long len = b1 & 0x7f;
    if (len == 126) {
      len = ((long) (all[at] & 0xff) << 8) | (all[at + 1] & 0xff);
      at += 2;
    } else if (len == 127) {
      len = ByteBuffer.wrap(all, at, 8).getLong();
      at += 8;
    }
    byte[] payload = new byte[(int) len];
    System.arraycopy(all, at, payload, 0, payload.length);
    readAt = at + payload.length;
    int rsv = (b0 >> 4) & 7;
    if ((rsv & RSV1) != 0) {
      payload = inflate(payload);
    }
    return new Frame((b0 & 0x80) != 0, rsv, b0 & 0xf, payload);
  }

  /**
   * The code of the server's next frame, which must be a close frame; then nothing more may follow
   * and the channel is closed.
   */
  int closeCode() {
    Frame f = next();
    if (f == null || f.opcode() != CLOSE) {
      throw new AssertionError(
          "expected a close frame, got " + (f == null ? "nothing" : "opcode " + f.opcode()));
    }
    Frame after = next();
    if (after != null) {
      throw new AssertionError("a frame after the close frame: opcode " + after.opcode());
    }
    if (ch.isActive()) {
      throw new AssertionError("the channel is still open after the close frame");
    }
    return f.closeCode();
  }

  /** The text of the server's next frame, which must be a text frame. */
  String nextText() {
    Frame f = next();
    if (f == null || f.opcode() != TEXT) {
      throw new AssertionError(
          "expected a text frame, got " + (f == null ? "nothing" : "opcode " + f.opcode()));
    }
    return f.text();
  }

  private byte[] inflate(byte[] compressed) {
    inflater.setInput(concat(compressed, new byte[] {0, 0, (byte) 0xff, (byte) 0xff}));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try {
      int n;
      while ((n = inflater.inflate(buf)) > 0) {
        out.write(buf, 0, n);
      }
    } catch (DataFormatException e) {
      throw new AssertionError("the server's compressed frame does not inflate", e);
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = new byte[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private void writeBytes(byte[] bytes) {
    if (ch.isOpen()) {
      ch.writeInbound(Unpooled.wrappedBuffer(bytes));
    }
    drain();
  }

  /** Runs what the server queued and collects what it wrote. */
  private void drain() {
    ch.runPendingTasks();
    for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
      if (o instanceof ByteBuf b) {
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        received.writeBytes(bytes);
      }
      ReferenceCountUtil.release(o);
    }
  }

  @Override
  public void close() {
    inflater.end();
    deflater.end();
    ch.finishAndReleaseAll();
  }
}
