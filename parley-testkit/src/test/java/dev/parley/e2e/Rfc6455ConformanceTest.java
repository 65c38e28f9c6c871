package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 6455 over raw sockets: each violation, on data and control frames alike, gets the one close
 * frame with the code the RFC asks for (sections 5.2, 5.5, 7.4.1, 8.1; RFC 7692 6 for
 * permessage-deflate), then the server hangs up; after each the server still serves a fresh
 * connection.
 */
@Timeout(60)
class Rfc6455ConformanceTest {
  @TempDir static Path dir;
  static TestServer server;
  final Codec codec = ChatProtocol.codec();

  @BeforeAll
  static void start() {
    server = TestServer.start(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void aFreshConnectionStillWorks() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"ping\",\"ref\":\"fresh\"}");
      assertThat(codec.decodePush(ws.readText())).isEqualTo(new Push.Pong("fresh"));
    }
  }

  RawWebSocket open() throws Exception {
    RawWebSocket ws = RawWebSocket.connect(server.port());
    assertThat(ws.status()).isEqualTo(101);
    return ws;
  }

  /**
   * The RFC's names for the reserved bits, as the three-bit number {@link RawWebSocket#sendFrame}
   * takes.
   */
  static final int RSV1 = 0b100, RSV2 = 0b010, RSV3 = 0b001;

  static final int[] CONTROL = {RawWebSocket.PING, RawWebSocket.PONG, RawWebSocket.CLOSE};
  static final byte[] PING_COMMAND =
      "{\"type\":\"ping\",\"ref\":\"r\"}".getBytes(StandardCharsets.UTF_8);
  static final Map<String, String> DEFLATE =
      Map.of("Sec-WebSocket-Extensions", "permessage-deflate");

  /** A payload that suits the opcode: a close code for close frames, a command otherwise. */
  static byte[] payloadFor(int opcode) {
    return opcode == RawWebSocket.CLOSE ? new byte[] {0x03, (byte) 0xE8} : PING_COMMAND;
  }

  /** The code of the server's close frame; then the server must hang up without another frame. */
  static int closeThenEnd(RawWebSocket ws) throws Exception {
    int code = ws.awaitClose();
    ws.readTimeoutMillis(5_000);
    try {
      RawWebSocket.Frame extra = ws.readFrame();
      throw new AssertionError("a frame after the close frame: opcode " + extra.opcode());
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server did not close the connection after its close frame", e);
    } catch (IOException e) {
      return code; // the connection ended
    }
  }

  /** A frame to send, exactly as described. */
  record Out(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {}

  static Out f(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
    return new Out(fin, rsv, opcode, payload, masked);
  }

  /** The close code the server answers {@code frames} with, sent on a fresh connection. */
  int closeAfter(Map<String, String> headers, Out... frames) throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect("127.0.0.1", server.port(), "/ws", headers)) {
      assertThat(ws.status()).isEqualTo(101);
      for (Out o : frames) {
        ws.sendFrame(o.fin(), o.rsv(), o.opcode(), o.payload(), o.masked());
      }
      return closeThenEnd(ws);
    }
  }

  int closeAfter(Out... frames) throws Exception {
    return closeAfter(Map.of(), frames);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void reservedBitsWithoutAnExtensionAre1002OnDataAndControlFramesAlike() throws Exception {
    for (int rsv : new int[] {RSV1, RSV2, RSV3}) {
      for (int opcode :
          new int[] {
            RawWebSocket.TEXT,
            RawWebSocket.BINARY,
            RawWebSocket.PING,
            RawWebSocket.PONG,
            RawWebSocket.CLOSE
          }) {
        assertThat(closeAfter(f(true, rsv, opcode, payloadFor(opcode), true)))
            .as("rsv %s on opcode %x", Integer.toBinaryString(rsv), opcode)
            .isEqualTo(1002);
      }
      assertThat(
              closeAfter(
                  f(false, 0, RawWebSocket.TEXT, utf8("{\"type\":"), true),
                  f(true, rsv, RawWebSocket.CONTINUATION, utf8("\"ping\"}"), true)))
          .as("rsv %s on a continuation", Integer.toBinaryString(rsv))
          .isEqualTo(1002);
    }
  }

  @Test
  void withPermessageDeflateRsv1MarksACompressedMessageAndIs1002OnControlFramesAndContinuations()
      throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect("127.0.0.1", server.port(), "/ws", DEFLATE)) {
      assertThat(ws.responseHeaders().get("sec-websocket-extensions"))
          .startsWith("permessage-deflate");
      ws.sendFrame(
          true, RSV1, RawWebSocket.TEXT, deflate("{\"type\":\"ping\",\"ref\":\"zipped\"}"), true);
      RawWebSocket.Frame reply = ws.readFrame();
      assertThat(new String(inflate(reply.payload()), StandardCharsets.UTF_8))
          .isEqualTo("{\"type\":\"pong\",\"ref\":\"zipped\"}");
    }
    for (int opcode : CONTROL) {
      assertThat(closeAfter(DEFLATE, f(true, RSV1, opcode, payloadFor(opcode), true)))
          .as("RSV1 on control opcode %x with deflate negotiated", opcode)
          .isEqualTo(1002);
    }
    byte[] z = deflate("{\"type\":\"ping\",\"ref\":\"split\"}");
    assertThat(
            closeAfter(
                DEFLATE,
                f(false, RSV1, RawWebSocket.TEXT, Arrays.copyOfRange(z, 0, 5), true),
                f(true, RSV1, RawWebSocket.CONTINUATION, Arrays.copyOfRange(z, 5, z.length), true)))
        .as("RSV1 on a continuation (RFC 7692 6)")
        .isEqualTo(1002);
    assertThat(closeAfter(DEFLATE, f(true, RSV2, RawWebSocket.TEXT, z, true))).isEqualTo(1002);
  }

  @Test
  void reservedOpcodesAre1002InTheDataAndTheControlRange() throws Exception {
    for (int opcode : new int[] {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
      assertThat(closeAfter(f(true, 0, opcode, new byte[] {1, 2}, true)))
          .as("opcode %x", opcode)
          .isEqualTo(1002);
    }
  }

  @Test
  void unmaskedClientFramesAre1002ForDataAndControlFrames() throws Exception {
    for (int opcode :
        new int[] {
          RawWebSocket.TEXT,
          RawWebSocket.BINARY,
          RawWebSocket.PING,
          RawWebSocket.PONG,
          RawWebSocket.CLOSE
        }) {
      assertThat(closeAfter(f(true, 0, opcode, payloadFor(opcode), false)))
          .as("opcode %x", opcode)
          .isEqualTo(1002);
    }
  }

  @Test
  void controlFramesOver125BytesAre1002AndDataFramesOverTheFrameLimitAre1009() throws Exception {
    for (int opcode : CONTROL) {
      byte[] big = new byte[126];
      Arrays.fill(big, (byte) 'p');
      big[0] = 0x03;
      big[1] = (byte) 0xE8;
      assertThat(closeAfter(f(true, 0, opcode, big, true))).as("opcode %x", opcode).isEqualTo(1002);
    }
    for (int opcode : new int[] {RawWebSocket.TEXT, RawWebSocket.BINARY}) {
      assertThat(closeAfter(f(true, 0, opcode, new byte[64 * 1024 + 1], true)))
          .as("opcode %x", opcode)
          .isEqualTo(1009);
    }
  }

  @Test
  void fragmentedControlFramesAre1002AndFragmentedMessagesOverTheLimitAre1009() throws Exception {
    for (int opcode : CONTROL) {
      assertThat(closeAfter(f(false, 0, opcode, payloadFor(opcode), true)))
          .as("opcode %x", opcode)
          .isEqualTo(1002);
    }
    byte[] part = new byte[40 * 1024];
    Arrays.fill(part, (byte) ' ');
    assertThat(
            closeAfter(
                f(false, 0, RawWebSocket.TEXT, part, true),
                f(true, 0, RawWebSocket.CONTINUATION, part, true)))
        .as("80 KiB in two fragments of a 64 KiB message")
        .isEqualTo(1009);
  }

  @Test
  void fragmentsOutOfOrderAre1002AndAControlFrameBetweenFragmentsIsAnswered() throws Exception {
    assertThat(closeAfter(f(true, 0, RawWebSocket.CONTINUATION, utf8("{}"), true))).isEqualTo(1002);
    for (int opcode : new int[] {RawWebSocket.TEXT, RawWebSocket.BINARY}) {
      assertThat(
              closeAfter(
                  f(false, 0, RawWebSocket.TEXT, utf8("{\"type\":"), true),
                  f(true, 0, opcode, utf8("{}"), true)))
          .as("opcode %x inside a fragmented message", opcode)
          .isEqualTo(1002);
    }
    try (RawWebSocket ws = open()) {
      ws.sendFrame(false, 0, RawWebSocket.TEXT, utf8("{\"type\":\"ping\","), true);
      ws.sendFrame(true, 0, RawWebSocket.PING, new byte[] {5}, true);
      assertThat(ws.readFrame().opcode()).isEqualTo(RawWebSocket.PONG);
      ws.sendFrame(true, 0, RawWebSocket.CONTINUATION, utf8("\"ref\":\"joined\"}"), true);
      assertThat(codec.decodePush(ws.readText())).isEqualTo(new Push.Pong("joined"));
    }
  }

  @Test
  void closePayloadsAreChecked() throws Exception {
    assertThat(closeAfter(f(true, 0, RawWebSocket.CLOSE, new byte[] {0x03}, true)))
        .as("one byte")
        .isEqualTo(1002);
    assertThat(
            closeAfter(
                f(
                    true,
                    0,
                    RawWebSocket.CLOSE,
                    new byte[] {0x03, (byte) 0xE8, 'o', (byte) 0xC3, 0x28},
                    true)))
        .as("a reason that is not UTF-8")
        .isEqualTo(1007);
    for (int code : new int[] {999, 1004, 1005, 1006, 1015, 2999, 5000}) {
      assertThat(
              closeAfter(
                  f(
                      true,
                      0,
                      RawWebSocket.CLOSE,
                      new byte[] {(byte) (code >> 8), (byte) code},
                      true)))
          .as("close code %d", code)
          .isEqualTo(1002);
    }
  }

  @Test
  void aValidCloseIsEchoed() throws Exception {
    for (int code : new int[] {1000, 1001, 3000, 4999}) {
      try (RawWebSocket ws = open()) {
        ws.sendFrame(
            true, 0, RawWebSocket.CLOSE, new byte[] {(byte) (code >> 8), (byte) code}, true);
        assertThat(closeThenEnd(ws)).isEqualTo(code);
      }
    }
  }

  @Test
  void invalidUtf8IsTheSame1007WholeOrSplitAcrossFragments() throws Exception {
    assertThat(
            closeAfter(
                f(
                    true,
                    0,
                    RawWebSocket.TEXT,
                    new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'},
                    true)))
        .isEqualTo(1007);
    // A valid 3-byte lead split from a continuation byte that is not one.
    assertThat(
            closeAfter(
                f(
                    false,
                    0,
                    RawWebSocket.TEXT,
                    new byte[] {'{', '"', (byte) 0xE2, (byte) 0x82},
                    true),
                f(true, 0, RawWebSocket.CONTINUATION, new byte[] {(byte) 0x28, '"', '}'}, true)))
        .isEqualTo(1007);
  }

  @Test
  void validUtf8SplitAcrossFragmentsIsAccepted() throws Exception {
    try (RawWebSocket ws = open()) {
      byte[] json = "{\"type\":\"ping\",\"ref\":\"€\"}".getBytes(StandardCharsets.UTF_8);
      int cut =
          new String(json, StandardCharsets.UTF_8).indexOf('€') + 1; // inside the 3-byte euro sign
      ws.sendFrame(false, 0, RawWebSocket.TEXT, Arrays.copyOfRange(json, 0, cut), true);
      ws.sendFrame(
          true, 0, RawWebSocket.CONTINUATION, Arrays.copyOfRange(json, cut, json.length), true);
      assertThat(codec.decodePush(ws.readText())).isEqualTo(new Push.Pong("€"));
    }
  }

  /**
   * {@code text} as one permessage-deflate message (RFC 7692 7.2.1: the trailing 00 00 ff ff
   * removed).
   */
  static byte[] deflate(String text) {
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    d.setInput(text.getBytes(StandardCharsets.UTF_8));
    byte[] buf = new byte[text.length() + 64];
    int n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
    d.end();
    return Arrays.copyOf(buf, n - 4);
  }

  /** The server's compressed message, inflated (RFC 7692 7.2.2: 00 00 ff ff appended). */
  static byte[] inflate(byte[] payload) throws Exception {
    Inflater i = new Inflater(true);
    byte[] in = Arrays.copyOf(payload, payload.length + 4);
    in[payload.length + 2] = (byte) 0xff;
    in[payload.length + 3] = (byte) 0xff;
    i.setInput(in);
    byte[] out = new byte[4096];
    int n = i.inflate(out);
    i.end();
    return Arrays.copyOf(out, n);
  }

  @Test
  void aPingIsAnsweredWithAPongCarryingItsPayload() throws Exception {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(true, 0, RawWebSocket.PING, new byte[] {7, 8, 9}, true);
      RawWebSocket.Frame f = ws.readFrame();
      assertThat(f.opcode()).isEqualTo(RawWebSocket.PONG);
      assertThat(f.payload()).containsExactly(7, 8, 9);
    }
  }
}
