package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.ParleyClient;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class HeartbeatTest {
  /**
   * Short, to keep the tests short, but not so short that a thread of this loaded JVM (the test's
   * reader, the SDK's) descheduled for a few hundred milliseconds misses a pong: at 300 ms and 200
   * ms a connection that answered could be cut with 4408.
   */
  static final Duration PING = Duration.ofMillis(700);

  static final Duration PONG_TIMEOUT = Duration.ofMillis(500);

  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server =
        TestServer.start(
            dir, b -> b.openChannels(true).pingInterval(PING).pongTimeout(PONG_TIMEOUT));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aClientThatStopsAnsweringPingsIsClosedWithin4408AndItsSessionIsCleanedUp() throws Exception {
    Codec codec = ChatProtocol.codec();
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\"}");
      assertThat(codec.decodePush(ws.readText())).isInstanceOf(Push.Welcome.class);
      ws.sendText("{\"type\":\"join\",\"conv\":\"hb\"}");
      assertThat(codec.decodePush(ws.readText())).isInstanceOf(Push.Joined.class);
      assertThat(server.server().node().sessionCount()).isEqualTo(1);
      assertThat(server.server().node().subscribedConversations()).isEqualTo(1);

      // Read frames without ever answering: the first ping arrives, then the 4408 close. Not left
      // hanging: a read waits at most this long (the defaults, a 30 s ping and a 10 s time-out,
      // could not close it within it), and no wall clock is asked.
      ws.readTimeoutMillis(10_000);
      RawWebSocket.Frame first = ws.readFrame();
      assertThat(first.opcode()).isEqualTo(RawWebSocket.PING);
      assertThat(ws.awaitClose()).isEqualTo(4408);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(server.server().node().sessionCount()).isZero();
              assertThat(server.server().node().subscribedConversations()).isZero();
              assertThat(server.server().transport().connectionCount()).isZero();
            });
  }

  @Test
  void aClientThatAnswersPingsStaysConnectedAcrossManyIntervals() throws Exception {
    RecordingListener rec = new RecordingListener();
    try (ParleyClient client = ParleyClient.builder(server.wsUri()).listener(rec).build()) {
      client.connect().get(10, TimeUnit.SECONDS);
      await()
          .during(PING.multipliedBy(6))
          .atMost(PING.multipliedBy(6).plusSeconds(20))
          .until(
              () ->
                  client.state() == ParleyClient.State.CONNECTED
                      && server.server().node().sessionCount() == 1);
      assertThat(rec.connections()).isEqualTo(1);
    }
  }
}
