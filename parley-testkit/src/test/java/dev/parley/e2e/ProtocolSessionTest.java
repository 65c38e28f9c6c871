package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The example session of docs/PROTOCOL.md, frame by frame, over a raw socket. */
@Timeout(60)
class ProtocolSessionTest {
  @TempDir Path dir;
  TestServer server;
  final Codec codec = ChatProtocol.codec();

  @BeforeEach
  void start() {
    server = TestServer.start(dir, b -> b.openChannels(true));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  Push read(RawWebSocket ws) throws IOException {
    String text = ws.readText();
    return codec.decodePush(text);
  }

  @Test
  void aVisitorWithoutCredentialsGetsWelcomeAndTheExampleSessionWorks() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      assertThat(ws.status()).isEqualTo(101);
      ws.sendText("{\"type\":\"hello\",\"v\":1}");
      Push.Welcome welcome = (Push.Welcome) read(ws);
      assertThat(welcome.user()).startsWith("v_");
      assertThat(welcome.claim("role")).isEqualTo("visitor");
      assertThat(welcome.token())
          .as("anonymous tokens of the second format, with a key of their own")
          .startsWith("v2.");
      assertThat(welcome.heartbeatMs()).isEqualTo(30_000);

      ws.sendText("{\"type\":\"join\",\"ref\":\"j1\",\"conv\":\"demo-1\",\"after\":0}");
      Push.Joined joined = (Push.Joined) read(ws);
      assertThat(joined.ref()).isEqualTo("j1");
      assertThat(joined.conv()).isEqualTo("demo-1");
      assertThat(joined.lastSeq()).isZero();

      ws.sendText("{\"type\":\"send\",\"cid\":\"c-1\",\"conv\":\"demo-1\",\"text\":\"Hello!\"}");
      Push first = read(ws);
      Push second = read(ws);
      Push.Ack ack = (Push.Ack) (first instanceof Push.Ack ? first : second);
      Push.Message msg = (Push.Message) (first instanceof Push.Message ? first : second);
      assertThat(ack.cid()).isEqualTo("c-1");
      assertThat(ack.seq()).isEqualTo(1);
      assertThat(msg.seq()).isEqualTo(1);
      assertThat(msg.text()).isEqualTo("Hello!");
      assertThat(msg.from()).isEqualTo(welcome.user());
      assertThat(msg.cid()).isEqualTo("c-1");
      assertThat(msg.id()).isEqualTo(ack.id());

      ws.sendText("{\"type\":\"receipt\",\"conv\":\"demo-1\",\"kind\":\"read\",\"seq\":1}");
      Push.Receipt receipt = (Push.Receipt) read(ws);
      assertThat(receipt).isEqualTo(new Push.Receipt("demo-1", welcome.user(), "read", 1));

      ws.sendText("{\"type\":\"typing\",\"conv\":\"demo-1\",\"on\":true}");
      Push.Typing typing = (Push.Typing) read(ws);
      assertThat(typing.on()).isTrue();
      assertThat(typing.user()).isEqualTo(welcome.user());
      assertThat(typing.ttlMs()).isPositive();

      ws.sendText("{\"type\":\"history\",\"ref\":\"h1\",\"conv\":\"demo-1\",\"limit\":10}");
      Push.History history = (Push.History) read(ws);
      assertThat(history.ref()).isEqualTo("h1");
      assertThat(history.messages()).extracting(Push.Message::text).containsExactly("Hello!");
      assertThat(history.more()).isFalse();

      ws.sendText("{\"type\":\"ping\",\"ref\":\"p1\"}");
      assertThat(read(ws)).isEqualTo(new Push.Pong("p1"));

      ws.sendText("{\"type\":\"leave\",\"ref\":\"l1\",\"conv\":\"demo-1\"}");
      assertThat(read(ws)).isEqualTo(new Push.Left("l1", "demo-1"));
    }
  }

  @Test
  void aSecondConnectionWithTheTokenIsTheSameUserAndResumesFromItsPosition() throws Exception {
    String token;
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\"}");
      token = ((Push.Welcome) read(ws)).token();
      ws.sendText("{\"type\":\"join\",\"conv\":\"r\"}");
      read(ws);
      for (int i = 1; i <= 3; i++) {
        ws.sendText(
            "{\"type\":\"send\",\"cid\":\"c" + i + "\",\"conv\":\"r\",\"text\":\"m" + i + "\"}");
        read(ws);
        read(ws);
      }
    }
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\",\"token\":\"" + token + "\",\"resume\":{\"r\":1}}");
      Push.Welcome w = (Push.Welcome) read(ws);
      assertThat(w.token()).as("a token the client brought is not echoed").isNull();
      assertThat(((Push.Joined) read(ws)).lastSeq()).isEqualTo(3);
      assertThat(((Push.Message) read(ws)).seq()).isEqualTo(2);
      assertThat(((Push.Message) read(ws)).seq()).isEqualTo(3);
      // The same cid from the same user is a duplicate: acked with the first seq, nothing stored.
      ws.sendText("{\"type\":\"send\",\"cid\":\"c2\",\"conv\":\"r\",\"text\":\"m2\"}");
      Push p = read(ws);
      Push.Ack ack = (Push.Ack) (p instanceof Push.Ack ? p : read(ws));
      assertThat(ack.seq()).isEqualTo(2);
    }
    assertThat(server.server().store().lastSeq("r")).isEqualTo(3);
  }
}
