package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.ParleyClient;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gets the documented error or close code, and a second, well-behaved connection keeps
 * working throughout (checked after every case).
 */
@Timeout(60)
class BadInputTest {
  @TempDir static Path dir;
  static TestServer server;
  static ParleyClient witness;
  static final Codec codec = ChatProtocol.codec();
  static int witnessSends;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(dir, b -> b.openChannels(true));
    witness = ParleyClient.builder(server.wsUri()).build();
    witness.connect().get(10, TimeUnit.SECONDS);
    witness.join("witness");
  }

  @AfterAll
  static void stop() {
    witness.close();
    server.close();
  }

  @AfterEach
  void witnessStillWorks() throws Exception {
    witnessSends++;
    Push.Ack ack = witness.send("witness", "still here " + witnessSends).get(10, TimeUnit.SECONDS);
    assertThat(ack.seq()).isEqualTo(witnessSends);
  }

  static RawWebSocket helloed() throws IOException {
    RawWebSocket ws = RawWebSocket.connect(server.port());
    ws.sendText("{\"type\":\"hello\"}");
    assertThat(codec.decodePush(ws.readText())).isInstanceOf(Push.Welcome.class);
    return ws;
  }

  static Push.Error errorFor(RawWebSocket ws, String frame) throws IOException {
    ws.sendText(frame);
    Push p = codec.decodePush(ws.readText());
    assertThat(p).isInstanceOf(Push.Error.class);
    return (Push.Error) p;
  }

  static void stillOpen(RawWebSocket ws) throws IOException {
    ws.sendText("{\"type\":\"ping\",\"ref\":\"alive\"}");
    assertThat(codec.decodePush(ws.readText())).isEqualTo(new Push.Pong("alive"));
  }

  @Test
  void oversizedFrameClosesWith1009() throws Exception {
    try (RawWebSocket ws = helloed()) {
      byte[] big = new byte[64 * 1024 + 1];
      Arrays.fill(big, (byte) 'a');
      ws.sendFrame(true, 0, RawWebSocket.TEXT, big, true);
      assertThat(ws.awaitClose()).isEqualTo(1009);
    }
  }

  @Test
  void oversizedMessageInFragmentsClosesWith1009() throws Exception {
    try (RawWebSocket ws = helloed()) {
      byte[] part = new byte[30 * 1024];
      Arrays.fill(part, (byte) 'a');
      ws.sendFrame(false, 0, RawWebSocket.TEXT, part, true);
      ws.sendFrame(false, 0, RawWebSocket.CONTINUATION, part, true);
      ws.sendFrame(true, 0, RawWebSocket.CONTINUATION, part, true);
      assertThat(ws.awaitClose()).isEqualTo(1009);
    }
  }

  @Test
  void invalidUtf8ClosesWith1007() throws Exception {
    try (RawWebSocket ws = helloed()) {
      ws.sendFrame(
          true, 0, RawWebSocket.TEXT, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}, true);
      assertThat(ws.awaitClose()).isEqualTo(1007);
    }
  }

  @Test
  void binaryGarbageClosesWith1003() throws Exception {
    try (RawWebSocket ws = helloed()) {
      ws.sendFrame(
          true, 0, RawWebSocket.BINARY, new byte[] {0, (byte) 0xff, 17, 42, (byte) 0x80}, true);
      assertThat(ws.awaitClose()).isEqualTo(1003);
    }
  }

  @Test
  void malformedJsonGetsBadJsonAndTheConnectionStaysOpen() throws Exception {
    try (RawWebSocket ws = helloed()) {
      assertThat(errorFor(ws, "{\"type\":\"send\",").code()).isEqualTo("bad_json");
      assertThat(errorFor(ws, "[1,2,3]").code()).isEqualTo("bad_json");
      assertThat(errorFor(ws, "not json at all").code()).isEqualTo("bad_json");
      stillOpen(ws);
    }
  }

  @Test
  void unknownCommandGetsUnknownTypeNamingItsCid() throws Exception {
    try (RawWebSocket ws = helloed()) {
      Push.Error e = errorFor(ws, "{\"type\":\"dance\",\"cid\":\"d1\"}");
      assertThat(e.code()).isEqualTo("unknown_type");
      assertThat(e.cid()).isEqualTo("d1");
      assertThat(e.retry()).isFalse();
      assertThat(errorFor(ws, "{\"cid\":\"d2\"}").code()).isEqualTo("unknown_type");
      stillOpen(ws);
    }
  }

  @Test
  void missingOrWronglyTypedFieldsGetInvalidFieldNamingTheFieldAndCid() throws Exception {
    try (RawWebSocket ws = helloed()) {
      ws.sendText("{\"type\":\"join\",\"conv\":\"bad-input\"}");
      codec.decodePush(ws.readText());

      Push.Error missing =
          errorFor(ws, "{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"bad-input\"}");
      assertThat(missing.code()).isEqualTo("invalid_field");
      assertThat(missing.field()).isEqualTo("text");
      assertThat(missing.cid()).isEqualTo("c1");

      Push.Error wrongType =
          errorFor(ws, "{\"type\":\"send\",\"cid\":\"c2\",\"conv\":5,\"text\":\"x\"}");
      assertThat(wrongType.code()).isEqualTo("invalid_field");
      assertThat(wrongType.field()).isEqualTo("conv");
      assertThat(wrongType.cid()).isEqualTo("c2");

      Push.Error numberAsString =
          errorFor(ws, "{\"type\":\"join\",\"conv\":\"bad-input\",\"after\":\"3\"}");
      assertThat(numberAsString.field()).isEqualTo("after");

      Push.Error badConv = errorFor(ws, "{\"type\":\"join\",\"conv\":\"has spaces\"}");
      assertThat(badConv.field()).isEqualTo("conv");

      Push.Error tooLong =
          errorFor(
              ws,
              "{\"type\":\"send\",\"cid\":\"c3\",\"conv\":\"bad-input\",\"text\":\""
                  + "x".repeat(4001)
                  + "\"}");
      assertThat(tooLong.code()).isEqualTo("too_long");
      assertThat(tooLong.cid()).isEqualTo("c3");

      Push.Error notJoined =
          errorFor(ws, "{\"type\":\"send\",\"cid\":\"c4\",\"conv\":\"elsewhere\",\"text\":\"x\"}");
      assertThat(notJoined.code()).isEqualTo("not_joined");
      assertThat(notJoined.cid()).isEqualTo("c4");
      stillOpen(ws);
    }
    assertThat(server.server().store().lastSeq("bad-input")).isZero();
  }

  @Test
  void commandsBeforeHelloGetHelloRequiredAndASecondHelloIsRefused() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      assertThat(errorFor(ws, "{\"type\":\"join\",\"conv\":\"x\",\"ref\":\"r1\"}").code())
          .isEqualTo("hello_required");
      ws.sendText("{\"type\":\"hello\"}");
      codec.decodePush(ws.readText());
      assertThat(errorFor(ws, "{\"type\":\"hello\"}").code()).isEqualTo("already_hello");
      assertThat(errorFor(ws, "{\"type\":\"hello\",\"token\":\"forged\"}").code())
          .isEqualTo("already_hello");
    }
  }

  @Test
  void aForgedTokenIsRefusedWithUnauthorized() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      Push.Error e =
          errorFor(ws, "{\"type\":\"hello\",\"token\":\"v1.v_someone.bm90LWEtc2lnbmF0dXJl\"}");
      assertThat(e.code()).isEqualTo("unauthorized");
      stillOpen(ws);
    }
  }

  @Test
  void plainHttpToTheWebSocketPathIsABadRequest() throws Exception {
    var http = HttpClient.newHttpClient();
    var res =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/ws")).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertThat(res.statusCode()).isEqualTo(400);
  }
}
