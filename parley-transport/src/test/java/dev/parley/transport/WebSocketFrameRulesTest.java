package dev.parley.transport;

import static dev.parley.transport.EmbeddedWebSocket.BINARY;
import static dev.parley.transport.EmbeddedWebSocket.CLOSE;
import static dev.parley.transport.EmbeddedWebSocket.CONTINUATION;
import static dev.parley.transport.EmbeddedWebSocket.PING;
import static dev.parley.transport.EmbeddedWebSocket.PONG;
import static dev.parley.transport.EmbeddedWebSocket.RSV1;
import static dev.parley.transport.EmbeddedWebSocket.RSV2;
import static dev.parley.transport.EmbeddedWebSocket.RSV3;
import static dev.parley.transport.EmbeddedWebSocket.TEXT;
import static dev.parley.transport.EmbeddedWebSocket.frame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.HandshakePolicy;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.UploadGate;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RFC 6455 5.2 framing, 5.5 control frames, 7.4 close codes and 8.1 UTF-8, for data and control
 * frames alike, through the server's real pipeline in an {@link
 * io.netty.channel.embedded.EmbeddedChannel}: Netty's frame decoder as configured, {@link
 * WebSocketFrameGuard}, permessage-deflate, the UTF-8 validator, the protocol handler and {@link
 * WebSocketSessionHandler} on a real core. Each violation gets exactly one close frame with its
 * code (1002, 1007, 1009) and the connection ends; nothing after it reaches the session.
 */
@Timeout(30)
class WebSocketFrameRulesTest {
  static final byte[] PING_COMMAND =
      "{\"type\":\"ping\",\"ref\":\"r\"}".getBytes(StandardCharsets.UTF_8);

  /**
   * A command the session answers with an error, which it counts: proof that a frame reached it.
   */
  static final byte[] UNKNOWN_COMMAND = "{\"type\":\"juggle\"}".getBytes(StandardCharsets.UTF_8);

  static final int[] CONTROL = {PING, PONG, CLOSE};

  TestNodes core;
  final RecordingMetrics metrics = new RecordingMetrics();
  ParleyChannelInitializer pipeline;
  final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  @BeforeEach
  void start() {
    core = new TestNodes(metrics, HandshakePolicy.ALLOW_ALL);
    pipeline =
        new ParleyChannelInitializer(
            TransportConfig.newBuilder().maxFrameBytes(1024).maxMessageBytes(4096).build(),
            core.node,
            connections,
            HttpApi.NONE,
            UploadGate.NONE);
  }

  @AfterEach
  void stop() {
    core.close();
  }

  EmbeddedWebSocket open() {
    return open(Map.of());
  }

  EmbeddedWebSocket open(Map<String, String> headers) {
    EmbeddedWebSocket ws = new EmbeddedWebSocket(pipeline);
    assertThat(ws.upgrade(headers)).isEqualTo(101);
    return ws;
  }

  /**
   * Sends {@code frames} in one write; returns the code of the one close frame that answers them.
   */
  int closeAfter(byte[]... frames) {
    try (EmbeddedWebSocket ws = open()) {
      // A command right behind the violation, in the same segment: it must not reach the session.
      byte[][] all = Arrays.copyOf(frames, frames.length + 1);
      all[frames.length] = frame(true, 0, TEXT, UNKNOWN_COMMAND, true);
      ws.sendTogether(all);
      int code = ws.closeCode();
      assertThat(metrics.events)
          .as("a frame after the violation reached the session")
          .noneMatch(e -> e.startsWith("command-rejected"));
      return code;
    }
  }

  /** A payload that suits the opcode: a close code for close frames, a command for text. */
  static byte[] payloadFor(int opcode) {
    return opcode == CLOSE ? EmbeddedWebSocket.closePayload(1000, new byte[0]) : PING_COMMAND;
  }

  @Test
  void aValidTextFrameIsCarriedOutAndAPingIsAnswered() {
    try (EmbeddedWebSocket ws = open()) {
      ws.sendText("{\"type\":\"ping\",\"ref\":\"r\"}");
      assertThat(ws.nextText()).isEqualTo("{\"type\":\"pong\",\"ref\":\"r\"}");
      ws.send(true, 0, PING, new byte[] {7, 8, 9}, true);
      EmbeddedWebSocket.Frame pong = ws.next();
      assertThat(pong.opcode()).isEqualTo(PONG);
      assertThat(pong.payload()).containsExactly(7, 8, 9);
    }
  }

  @Test
  void theHttpOnlyHandlersLeaveThePipelineAtTheUpgrade() {
    try (EmbeddedWebSocket ws = open()) {
      assertThat(ws.ch.pipeline().names())
          .doesNotContain("http-body-limit", "fallback", "ws-guard", "http-routes")
          .contains("ws-frames", "session");
      ws.sendText("{\"type\":\"ping\",\"ref\":\"r\"}");
      assertThat(ws.nextText()).isEqualTo("{\"type\":\"pong\",\"ref\":\"r\"}");
    }
  }

  @Test
  void reservedBitsWithoutAnExtensionAre1002OnEveryFrameType() {
    for (int rsv : new int[] {RSV1, RSV2, RSV3}) {
      for (int opcode : new int[] {TEXT, BINARY, PING, PONG, CLOSE}) {
        assertThat(closeAfter(frame(true, rsv, opcode, payloadFor(opcode), true)))
            .as("rsv %s on opcode %x", Integer.toBinaryString(rsv), opcode)
            .isEqualTo(1002);
      }
      assertThat(
              closeAfter(
                  frame(false, 0, TEXT, "{\"type\":".getBytes(StandardCharsets.UTF_8), true),
                  frame(
                      true, rsv, CONTINUATION, "\"ping\"}".getBytes(StandardCharsets.UTF_8), true)))
          .as("rsv %s on a continuation", Integer.toBinaryString(rsv))
          .isEqualTo(1002);
    }
  }

  @Test
  void withPermessageDeflateRsv1IsAllowedOnTheFirstFrameOfADataMessageAndNowhereElse() {
    Map<String, String> deflate = Map.of("Sec-WebSocket-Extensions", "permessage-deflate");
    try (EmbeddedWebSocket ws = open(deflate)) {
      assertThat(ws.responseHeader("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
      ws.send(true, RSV1, TEXT, ws.deflate("{\"type\":\"ping\",\"ref\":\"zipped\"}"), true);
      assertThat(ws.nextText()).isEqualTo("{\"type\":\"pong\",\"ref\":\"zipped\"}");
      ws.send(true, 0, TEXT, PING_COMMAND, true); // an uncompressed message is fine too
      assertThat(ws.nextText()).contains("pong");
    }
    for (int opcode : CONTROL) {
      try (EmbeddedWebSocket ws = open(deflate)) {
        ws.send(true, RSV1, opcode, payloadFor(opcode), true);
        assertThat(ws.closeCode())
            .as("RSV1 on control opcode %x with deflate", opcode)
            .isEqualTo(1002);
      }
    }
    try (EmbeddedWebSocket ws = open(deflate)) {
      byte[] z = ws.deflate("{\"type\":\"ping\",\"ref\":\"split\"}");
      ws.send(false, RSV1, TEXT, Arrays.copyOfRange(z, 0, 5), true);
      ws.send(true, RSV1, CONTINUATION, Arrays.copyOfRange(z, 5, z.length), true);
      assertThat(ws.closeCode()).as("RSV1 on a continuation (RFC 7692 6)").isEqualTo(1002);
    }
    for (int rsv : new int[] {RSV2, RSV3, RSV1 | RSV2}) {
      try (EmbeddedWebSocket ws = open(deflate)) {
        ws.send(true, rsv, TEXT, ws.deflate("{\"type\":\"ping\"}"), true);
        assertThat(ws.closeCode())
            .as("rsv %s on text with deflate", Integer.toBinaryString(rsv))
            .isEqualTo(1002);
      }
    }
  }

  @Test
  void compressedDataThatDoesNotInflateIs1007AndOneThatInflatesPastTheLimitIs1009() {
    Map<String, String> deflate = Map.of("Sec-WebSocket-Extensions", "permessage-deflate");
    try (EmbeddedWebSocket ws = open(deflate)) {
      ws.send(true, RSV1, TEXT, new byte[] {(byte) 0xff, (byte) 0xfe, 0x10, 0x20, 0x30}, true);
      assertThat(ws.closeCode()).isEqualTo(1007);
    }
    try (EmbeddedWebSocket ws = open(deflate)) {
      char[] big =
          new char[20_000]; // compresses to a few dozen bytes, inflates past the 4,096-byte message
      // limit
      Arrays.fill(big, 'a');
      ws.send(true, RSV1, TEXT, ws.deflate(new String(big)), true);
      assertThat(ws.closeCode()).isEqualTo(1009);
    }
  }

  @Test
  void reservedOpcodesAre1002InTheDataAndTheControlRange() {
    for (int opcode : new int[] {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
      assertThat(closeAfter(frame(true, 0, opcode, new byte[] {1, 2}, true)))
          .as("opcode %x", opcode)
          .isEqualTo(1002);
    }
  }

  @Test
  void unmaskedClientFramesAre1002ForDataAndControlFrames() {
    for (int opcode : new int[] {TEXT, BINARY, PING, PONG, CLOSE}) {
      assertThat(closeAfter(frame(true, 0, opcode, payloadFor(opcode), false)))
          .as("opcode %x", opcode)
          .isEqualTo(1002);
    }
    assertThat(
            closeAfter(
                frame(false, 0, TEXT, "{\"type\":".getBytes(StandardCharsets.UTF_8), true),
                frame(true, 0, CONTINUATION, "\"ping\"}".getBytes(StandardCharsets.UTF_8), false)))
        .as("an unmasked continuation")
        .isEqualTo(1002);
  }

  @Test
  void controlFramesOver125BytesAre1002AndDataFramesOverTheFrameLimitAre1009() {
    for (int opcode : CONTROL) {
      byte[] payload = new byte[126];
      if (opcode == CLOSE) {
        payload = EmbeddedWebSocket.closePayload(1000, new byte[124]);
        Arrays.fill(payload, 2, payload.length, (byte) 'r');
      }
      assertThat(closeAfter(frame(true, 0, opcode, payload, true)))
          .as("opcode %x", opcode)
          .isEqualTo(1002);
    }
    for (int opcode : new int[] {TEXT, BINARY}) {
      assertThat(closeAfter(frame(true, 0, opcode, new byte[1025], true)))
          .as("opcode %x", opcode)
          .isEqualTo(1009);
    }
  }

  @Test
  void fragmentedControlFramesAre1002AndFragmentedDataMessagesPastTheMessageLimitAre1009() {
    for (int opcode : CONTROL) {
      assertThat(closeAfter(frame(false, 0, opcode, payloadFor(opcode), true)))
          .as("opcode %x", opcode)
          .isEqualTo(1002);
    }
    byte[] kb = new byte[1000];
    Arrays.fill(kb, (byte) ' ');
    assertThat(
            closeAfter(
                frame(false, 0, TEXT, kb, true),
                frame(false, 0, CONTINUATION, kb, true),
                frame(false, 0, CONTINUATION, kb, true),
                frame(false, 0, CONTINUATION, kb, true),
                frame(true, 0, CONTINUATION, kb, true)))
        .as("5,000 bytes in fragments of a 4,096-byte message")
        .isEqualTo(1009);
  }

  @Test
  void fragmentationOutOfOrderIs1002AndAControlFrameBetweenFragmentsIsAnswered() {
    assertThat(closeAfter(frame(true, 0, CONTINUATION, PING_COMMAND, true)))
        .as("continuation without a start")
        .isEqualTo(1002);
    for (int opcode : new int[] {TEXT, BINARY}) {
      assertThat(
              closeAfter(
                  frame(false, 0, TEXT, "{\"type\":".getBytes(StandardCharsets.UTF_8), true),
                  frame(true, 0, opcode, PING_COMMAND, true)))
          .as("opcode %x inside a fragmented message", opcode)
          .isEqualTo(1002);
    }
    try (EmbeddedWebSocket ws = open()) {
      ws.send(false, 0, TEXT, "{\"type\":\"ping\",".getBytes(StandardCharsets.UTF_8), true);
      ws.send(true, 0, PING, new byte[] {5}, true);
      assertThat(ws.next().opcode()).isEqualTo(PONG);
      ws.send(true, 0, CONTINUATION, "\"ref\":\"joined\"}".getBytes(StandardCharsets.UTF_8), true);
      assertThat(ws.nextText()).isEqualTo("{\"type\":\"pong\",\"ref\":\"joined\"}");
    }
  }

  @Test
  void closePayloadsAreChecked() {
    assertThat(closeAfter(frame(true, 0, CLOSE, new byte[] {0x03}, true)))
        .as("one byte")
        .isEqualTo(1002);
    byte[] badReason =
        EmbeddedWebSocket.closePayload(1000, new byte[] {'o', (byte) 0xC3, (byte) 0x28});
    assertThat(closeAfter(frame(true, 0, CLOSE, badReason, true)))
        .as("a reason that is not UTF-8")
        .isEqualTo(1007);
    for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535}) {
      assertThat(
              closeAfter(
                  frame(true, 0, CLOSE, EmbeddedWebSocket.closePayload(code, new byte[0]), true)))
          .as("close code %d", code)
          .isEqualTo(1002);
    }
  }

  @Test
  void validCloseCodesAreEchoedAndAnEmptyCloseIsAnsweredWithOne() {
    for (int code :
        new int[] {
          1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999
        }) {
      try (EmbeddedWebSocket ws = open()) {
        ws.send(
            true,
            0,
            CLOSE,
            EmbeddedWebSocket.closePayload(code, "bye €".getBytes(StandardCharsets.UTF_8)),
            true);
        assertThat(ws.closeCode()).as("close code %d", code).isEqualTo(code);
      }
    }
    try (EmbeddedWebSocket ws = open()) {
      ws.send(true, 0, CLOSE, new byte[0], true);
      assertThat(ws.closeCode()).isEqualTo(-1);
    }
  }

  @Test
  void textThatIsNotUtf8Is1007WholeAndAcrossFragmentsAndValidUtf8SplitAcrossFragmentsIsAccepted() {
    assertThat(
            closeAfter(
                frame(
                    true,
                    0,
                    TEXT,
                    new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'},
                    true)))
        .as("a surrogate in one frame")
        .isEqualTo(1007);
    assertThat(
            closeAfter(
                frame(false, 0, TEXT, new byte[] {'{', '"', (byte) 0xE2, (byte) 0x82}, true),
                frame(true, 0, CONTINUATION, new byte[] {0x28, '"', '}'}, true)))
        .as("split across fragments")
        .isEqualTo(1007);
    assertThat(
            closeAfter(
                frame(
                    false, 0, TEXT, new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80}, true)))
        .as("a first fragment, at once: the message need not end first")
        .isEqualTo(1007);
    try (EmbeddedWebSocket ws = open()) {
      byte[] json = "{\"type\":\"ping\",\"ref\":\"€\"}".getBytes(StandardCharsets.UTF_8);
      int cut =
          new String(json, StandardCharsets.UTF_8).indexOf('€')
              + 1; // inside the euro sign's three bytes
      ws.send(false, 0, TEXT, Arrays.copyOfRange(json, 0, cut), true);
      ws.send(true, 0, CONTINUATION, Arrays.copyOfRange(json, cut, json.length), true);
      assertThat(ws.nextText()).isEqualTo("{\"type\":\"pong\",\"ref\":\"€\"}");
    }
  }

  @Test
  void compressedTextThatInflatesToNotUtf8Is1007WholeAndAcrossFragments() {
    Map<String, String> deflate = Map.of("Sec-WebSocket-Extensions", "permessage-deflate");
    byte[] notUtf8 = {
      '{', '"', (byte) 0xE2, (byte) 0x82, 0x28, '"', '}'
    }; // 0x28 is no continuation
    try (EmbeddedWebSocket ws = open(deflate)) {
      ws.send(true, RSV1, TEXT, ws.deflate(notUtf8), true);
      assertThat(ws.closeCode()).as("in one frame").isEqualTo(1007);
    }
    try (EmbeddedWebSocket ws = open(deflate)) {
      byte[] z = ws.deflate(notUtf8);
      ws.sendTogether(
          frame(false, RSV1, TEXT, Arrays.copyOfRange(z, 0, z.length / 2), true),
          frame(true, 0, CONTINUATION, Arrays.copyOfRange(z, z.length / 2, z.length), true),
          frame(true, 0, TEXT, UNKNOWN_COMMAND, true));
      assertThat(ws.closeCode()).as("across fragments").isEqualTo(1007);
      assertThat(metrics.events)
          .as("a frame after the violation reached the session")
          .noneMatch(e -> e.startsWith("command-rejected"));
    }
  }

  @Test
  void aBinaryFrameIs1003() {
    byte[] random = new byte[16];
    new Random(1).nextBytes(random);
    assertThat(closeAfter(frame(true, 0, BINARY, random, true))).isEqualTo(1003);
  }
}
