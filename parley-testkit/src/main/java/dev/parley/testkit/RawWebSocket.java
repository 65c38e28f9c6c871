package dev.parley.testkit;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A WebSocket client written by hand over a plain socket (RFC 6455), so tests can send what no
 * well-behaved client library would: oversized, unmasked, fragmented or invalid frames, and a
 * client that never answers pings. Not thread-safe.
 */
public final class RawWebSocket implements AutoCloseable {
  /** RFC 6455 section 5.2 opcodes. */
  public static final int CONTINUATION = 0x0,
      TEXT = 0x1,
      BINARY = 0x2,
      CLOSE = 0x8,
      PING = 0x9,
      PONG = 0xA;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final int status;
  private final Map<String, String> responseHeaders;

  /** A frame read from the server. */
  public record Frame(boolean fin, int opcode, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** For a close frame: the status code, or -1 when it carried none. */
    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
    }
  }

  private RawWebSocket(Socket socket, int status, Map<String, String> headers) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.status = status;
    this.responseHeaders = headers;
  }

  /**
   * Connects and performs the opening handshake with {@code extraHeaders}; see {@link #status()}.
   */
  public static RawWebSocket connect(
      String host, int port, String path, Map<String, String> extraHeaders) throws IOException {
    return connect(host, port, path, extraHeaders, 0);
  }

  /**
   * Like the others, with a small receive buffer ({@code receiveBufferBytes} > 0) to play a slow
   * reader.
   */
  public static RawWebSocket connect(
      String host, int port, String path, Map<String, String> extraHeaders, int receiveBufferBytes)
      throws IOException {
    Socket s = new Socket();
    if (receiveBufferBytes > 0) {
      s.setReceiveBufferSize(receiveBufferBytes);
    }
    s.connect(new InetSocketAddress(host, port));
    s.setSoTimeout(10_000);
    s.setTcpNoDelay(true);
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    String key = Base64.getEncoder().encodeToString(nonce);
    StringBuilder req =
        new StringBuilder()
            .append("GET ")
            .append(path)
            .append(" HTTP/1.1\r\n")
            .append("Host: ")
            .append(host)
            .append(':')
            .append(port)
            .append("\r\n")
            .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
            .append("Sec-WebSocket-Key: ")
            .append(key)
            .append("\r\n")
            .append("Sec-WebSocket-Version: 13\r\n");
    extraHeaders.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
    req.append("\r\n");
    s.getOutputStream().write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
    InputStream in = s.getInputStream();
    String statusLine = readLine(in);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    if (status == 101) {
      String expected = accept(key);
      if (!expected.equals(headers.get("sec-websocket-accept"))) {
        s.close();
        throw new IOException("bad Sec-WebSocket-Accept: " + headers.get("sec-websocket-accept"));
      }
    }
    return new RawWebSocket(s, status, headers);
  }

  /** Connects to {@code /ws} with no extra headers. */
  public static RawWebSocket connect(int port) throws IOException {
    return connect("127.0.0.1", port, "/ws", Map.of());
  }

  /** The RFC 6455 section 4.2.2 accept value for a key. */
  public static String accept(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] d =
          sha1.digest(
              (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The handshake's HTTP status (101 when upgraded). */
  public int status() {
    return status;
  }

  public Map<String, String> responseHeaders() {
    return responseHeaders;
  }

  /** Sets how long reads wait before failing with {@link SocketTimeoutException}. */
  public void readTimeoutMillis(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  /** Sends one frame exactly as described. {@code rsv} is the three RSV bits (0-7). */
  public void sendFrame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked)
      throws IOException {
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
      byte[] mask = new byte[4];
      RANDOM.nextBytes(mask);
      b.writeBytes(mask);
      byte[] m = payload.clone();
      for (int i = 0; i < m.length; i++) {
        m[i] ^= mask[i & 3];
      }
      b.writeBytes(m);
    } else {
      b.writeBytes(payload);
    }
    out.write(b.toByteArray());
    out.flush();
  }

  /** Sends a masked, final text frame. */
  public void sendText(String text) throws IOException {
    sendFrame(true, 0, TEXT, text.getBytes(StandardCharsets.UTF_8), true);
  }

  /** Reads the next frame, whatever it is. */
  public Frame readFrame() throws IOException {
    int b0 = in.read();
    if (b0 < 0) {
      throw new EOFException("connection closed by the server");
    }
    int b1 = readByte();
    long len = b1 & 0x7f;
    if (len == 126) {
      len = ((long) readByte() << 8) | readByte();
    } else if (len == 127) {
      len = ByteBuffer.wrap(in.readNBytes(8)).getLong();
    }
    byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
    byte[] payload = in.readNBytes((int) len);
    if (payload.length != len) {
      throw new EOFException("connection closed mid-frame");
    }
    if (mask != null) {
      for (int i = 0; i < payload.length; i++) {
        payload[i] ^= mask[i & 3];
      }
    }
    return new Frame((b0 & 0x80) != 0, b0 & 0xf, payload);
  }

  /** Reads frames until a text frame, answering pings with pongs; returns its text. */
  public String readText() throws IOException {
    while (true) {
      Frame f = readFrame();
      if (f.opcode() == TEXT) {
        return f.text();
      }
      if (f.opcode() == PING) {
        sendFrame(true, 0, PONG, f.payload(), true);
      } else if (f.opcode() == CLOSE) {
        throw new EOFException("server closed with " + f.closeCode());
      }
    }
  }

  /**
   * Reads until the server's close frame and returns its code; -1 if the connection ended without
   * one. Data frames on the way are skipped.
   */
  public int awaitClose() throws IOException {
    while (true) {
      Frame f;
      try {
        f = readFrame();
      } catch (EOFException e) {
        return -1;
      } catch (SocketException e) {
        return -1;
      }
      if (f.opcode() == CLOSE) {
        return f.closeCode();
      }
    }
  }

  /** True once the server has closed the TCP connection (reads end). */
  public boolean isClosedByServer() throws IOException {
    try {
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true;
    }
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("connection closed mid-frame");
    }
    return b;
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int prev = -1;
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed during the handshake");
      }
      if (prev == '\r' && c == '\n') {
        byte[] b = line.toByteArray();
        return new String(b, 0, b.length - 1, StandardCharsets.ISO_8859_1);
      }
      line.write(c);
      prev = c;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
