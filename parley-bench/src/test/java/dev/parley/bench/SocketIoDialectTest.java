package dev.parley.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The load generator's Socket.IO client side, packet by packet (Engine.IO v4 over WebSocket, as the
 * Socket.IO 4.8 server sends them): what it answers on an {@link EmbeddedChannel} and when the
 * connection counts as ready.
 */
@Timeout(10)
class SocketIoDialectTest {
  final EmbeddedChannel ch = new EmbeddedChannel();
  final CompletableFuture<Void> ready = new CompletableFuture<>();
  final List<String> data = new ArrayList<>();
  final List<String> errors = new ArrayList<>();

  Dialect.Session session(String conv) {
    return Dialect.SOCKET_IO.session(
        conv,
        ready,
        (c, text) -> data.add(text.toString(StandardCharsets.UTF_8)),
        (code, event) -> errors.add(code));
  }

  void receive(Dialect.Session s, String packet) {
    ByteBuf b = Unpooled.copiedBuffer(packet, StandardCharsets.UTF_8);
    try {
      s.onFrame(ch, b);
    } finally {
      b.release();
    }
  }

  /** The next text frame the client wrote, or null. */
  String sent() {
    TextWebSocketFrame f = ch.readOutbound();
    if (f == null) {
      return null;
    }
    try {
      return f.text();
    } finally {
      f.release();
    }
  }

  @AfterEach
  void nothingLeft() {
    assertThat(ch.finishAndReleaseAll()).as("no frame left unread").isFalse();
  }

  @Test
  void connectsToTheNamespaceJoinsTheRoomAndIsReadyAtTheJoinAck() {
    Dialect.Session s = session("room-1");
    s.upgraded(ch);
    assertThat(sent()).as("the server speaks first").isNull();
    receive(
        s,
        "0{\"sid\":\"zb9t1AjrZN0kGmGQAAAA\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}");
    assertThat(sent()).isEqualTo("40");
    receive(s, "40{\"sid\":\"lB3PsW8jTRxApLU2AAAA\"}");
    assertThat(sent()).isEqualTo("420[\"join\",{\"conv\":\"room-1\"}]");
    assertThat(ready).isNotDone();
    receive(s, "430[{\"joined\":\"room-1\"}]");
    assertThat(ready).isCompleted();
    assertThat(data).isEmpty();
  }

  @Test
  void withoutARoomItIsReadyWhenConnected() {
    Dialect.Session s = session(null);
    receive(
        s,
        "0{\"sid\":\"x\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}");
    assertThat(sent()).isEqualTo("40");
    receive(s, "40{\"sid\":\"y\"}");
    assertThat(ready).isCompleted();
    assertThat(sent()).isNull();
  }

  @Test
  void answersEveryPingWithAPongAndPassesEventsAndAcksOn() {
    Dialect.Session s = session(null);
    receive(s, "0{\"sid\":\"x\"}");
    receive(s, "40{\"sid\":\"y\"}");
    assertThat(sent()).isEqualTo("40");
    receive(s, "2");
    assertThat(sent()).isEqualTo("3");
    receive(s, "431[{\"cid\":\"123\",\"seq\":1}]");
    receive(
        s,
        "42[\"message\",{\"conv\":\"c1\",\"seq\":1,\"cid\":\"123\",\"text\":\"123xx\",\"ts\":1}]");
    assertThat(data).hasSize(2);
    ByteBuf ack = Unpooled.copiedBuffer(data.get(0), StandardCharsets.UTF_8);
    ByteBuf msg = Unpooled.copiedBuffer(data.get(1), StandardCharsets.UTF_8);
    assertThat(Dialect.SOCKET_IO.isAck(ack)).isTrue();
    assertThat(Dialect.SOCKET_IO.isDelivery(ack)).isFalse();
    assertThat(Dialect.SOCKET_IO.isDelivery(msg)).isTrue();
    assertThat(Load.numberAfter(ack, Dialect.CID)).isEqualTo(123);
    assertThat(Load.numberAfter(msg, Dialect.TEXT)).isEqualTo(123);
    ack.release();
    msg.release();
  }

  @Test
  void aConnectErrorIsCountedAndTheConnectionIsNotReady() {
    Dialect.Session s = session("room-1");
    receive(s, "0{\"sid\":\"x\"}");
    assertThat(sent()).isEqualTo("40");
    receive(s, "44{\"message\":\"Not authorized\"}");
    assertThat(errors).containsExactly("connect_error");
    assertThat(ready).isNotDone();
  }

  @Test
  void aSendIsAnEventWithAnAckIdCarryingTheCidAndText() {
    assertThat(Dialect.SOCKET_IO.send("c1", 42, "42xx", 7))
        .isEqualTo("427[\"send\",{\"conv\":\"c1\",\"cid\":\"42\",\"text\":\"42xx\"}]");
  }
}
