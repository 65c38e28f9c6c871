package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Codec;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.protocol.Push;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 6455 over raw sockets: each violation gets the close code the RFC asks for (section 5, 7.4.1,
 * 8.1), and after each the server still serves a fresh connection.
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

  @Test
  void anUnmaskedClientFrameIs1002() throws Exception {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(true, 0, RawWebSocket.TEXT, "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8), false);
      assertThat(ws.awaitClose()).isEqualTo(1002);
    }
  }

  @Test
  void reservedBitsWithoutAnExtensionAre1002() throws Exception {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(true, 0b010, RawWebSocket.TEXT, "{}".getBytes(StandardCharsets.UTF_8), true);
      assertThat(ws.awaitClose()).isEqualTo(1002);
    }
  }

  @Test
  void reservedOpcodesAre1002() throws Exception {
    for (int opcode : new int[] {0x3, 0x7, 0xB, 0xF}) {
      try (RawWebSocket ws = open()) {
        ws.sendFrame(true, 0, opcode, new byte[] {1, 2}, true);
        assertThat(ws.awaitClose()).as("opcode %x", opcode).isEqualTo(1002);
      }
    }
  }

  @Test
  void aControlFrameOver125BytesIs1002() throws Exception {
    try (RawWebSocket ws = open()) {
      byte[] big = new byte[126];
      Arrays.fill(big, (byte) 'p');
      ws.sendFrame(true, 0, RawWebSocket.PING, big, true);
      assertThat(ws.awaitClose()).isEqualTo(1002);
    }
  }

  @Test
  void aFragmentedControlFrameIs1002() throws Exception {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(false, 0, RawWebSocket.PING, new byte[] {1}, true);
      assertThat(ws.awaitClose()).isEqualTo(1002);
    }
  }

  @Test
  void aContinuationWithoutAStartIs1002() throws Exception {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(true, 0, RawWebSocket.CONTINUATION, "{}".getBytes(StandardCharsets.UTF_8), true);
      assertThat(ws.awaitClose()).isEqualTo(1002);
    }
  }

  @Test
  void aNewDataFrameInsideAFragmentedMessageIs1002() throws Exception {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(false, 0, RawWebSocket.TEXT, "{\"type\":".getBytes(StandardCharsets.UTF_8), true);
      ws.sendFrame(true, 0, RawWebSocket.TEXT, "{}".getBytes(StandardCharsets.UTF_8), true);
      assertThat(ws.awaitClose()).isEqualTo(1002);
    }
  }

  @Test
  void invalidCloseCodesAre1002() throws Exception {
    for (int code : new int[] {999, 1004, 1005, 1006, 1015, 2999, 5000}) {
      try (RawWebSocket ws = open()) {
        ws.sendFrame(true, 0, RawWebSocket.CLOSE, new byte[] {(byte) (code >> 8), (byte) code}, true);
        assertThat(ws.awaitClose()).as("close code %d", code).isEqualTo(1002);
      }
    }
  }

  @Test
  void aValidCloseIsEchoed() throws Exception {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(true, 0, RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xE8}, true);
      assertThat(ws.awaitClose()).isEqualTo(1000);
    }
  }

  @Test
  void invalidUtf8InOneFrameIs1007() throws Exception {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(true, 0, RawWebSocket.TEXT, new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'}, true);
      assertThat(ws.awaitClose()).isEqualTo(1007);
    }
  }

  @Test
  void invalidUtf8SplitAcrossFragmentsIs1007() throws Exception {
    try (RawWebSocket ws = open()) {
      // A valid 3-byte lead split from a continuation byte that is not one.
      ws.sendFrame(false, 0, RawWebSocket.TEXT, new byte[] {'{', '"', (byte) 0xE2, (byte) 0x82}, true);
      ws.sendFrame(true, 0, RawWebSocket.CONTINUATION, new byte[] {(byte) 0x28, '"', '}'}, true);
      assertThat(ws.awaitClose()).isEqualTo(1007);
    }
  }

  @Test
  void validUtf8SplitAcrossFragmentsIsAccepted() throws Exception {
    try (RawWebSocket ws = open()) {
      byte[] json = "{\"type\":\"ping\",\"ref\":\"€\"}".getBytes(StandardCharsets.UTF_8);
      int cut = new String(json, StandardCharsets.UTF_8).indexOf('€') + 1; // inside the 3-byte euro sign
      ws.sendFrame(false, 0, RawWebSocket.TEXT, Arrays.copyOfRange(json, 0, cut), true);
      ws.sendFrame(true, 0, RawWebSocket.CONTINUATION, Arrays.copyOfRange(json, cut, json.length), true);
      assertThat(codec.decodePush(ws.readText())).isEqualTo(new Push.Pong("€"));
    }
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
