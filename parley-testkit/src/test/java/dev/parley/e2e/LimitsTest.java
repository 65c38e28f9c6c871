package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.ParleyClient;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The per-connection rate limit and the slow-consumer cut-off, with their metrics. */
@Timeout(90)
class LimitsTest {
  @TempDir Path dir;
  final Codec codec = ChatProtocol.codec();

  static double metric(TestServer server, String series) throws Exception {
    String scrape = server.server().metrics().scrape();
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }

  @Test
  void sendsBeyondTheBurstGetRateLimitedNamingTheirCidAndNothingAcknowledgedIsLost()
      throws Exception {
    // One token back every 100 s: none refills while the 25 are taken, however slow the machine
    // (at one a second, a stall of a second among them would make it 21 acks and 4 refusals).
    try (TestServer server =
            TestServer.start(dir, b -> b.openChannels(true).sendRate(0.01).sendBurst(20));
        RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\"}");
      codec.decodePush(ws.readText());
      ws.sendText("{\"type\":\"join\",\"conv\":\"limited\"}");
      codec.decodePush(ws.readText());
      for (int i = 0; i < 25; i++) {
        ws.sendText(
            "{\"type\":\"send\",\"cid\":\"c"
                + i
                + "\",\"conv\":\"limited\",\"text\":\"m"
                + i
                + "\"}");
      }
      List<String> acked = new ArrayList<>();
      List<String> limited = new ArrayList<>();
      while (acked.size() + limited.size() < 25) {
        Push p = codec.decodePush(ws.readText());
        if (p instanceof Push.Ack a) {
          acked.add(a.cid());
        } else if (p instanceof Push.Error e) {
          assertThat(e.code()).isEqualTo("rate_limited");
          assertThat(e.retry()).isTrue();
          limited.add(e.cid());
        }
      }
      assertThat(acked).hasSize(20);
      assertThat(limited).hasSize(5).doesNotContainAnyElementsOf(acked);
      assertThat(server.server().store().lastSeq("limited")).isEqualTo(20);
      assertThat(metric(server, "parley_commands_rate_limited_total")).isEqualTo(5);
      assertThat(metric(server, "parley_errors_total{code=\"rate_limited\"}")).isEqualTo(5);
    }
  }

  @Test
  void sustainedAbuseIsClosedWith4429() throws Exception {
    try (TestServer server =
            TestServer.start(dir, b -> b.openChannels(true).sendRate(1).sendBurst(5));
        RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\"}");
      codec.decodePush(ws.readText());
      ws.sendText("{\"type\":\"join\",\"conv\":\"abuse\"}");
      codec.decodePush(ws.readText());
      for (int i = 0; i < 150; i++) {
        ws.sendText("{\"type\":\"send\",\"cid\":\"c" + i + "\",\"conv\":\"abuse\",\"text\":\"x\"}");
      }
      assertThat(ws.awaitClose()).isEqualTo(4429);
    }
  }

  @Test
  void aConsumerThatStopsReadingIsClosedWith4503WhileTheSenderCarriesOn() throws Exception {
    try (TestServer server =
            TestServer.start(
                dir,
                b ->
                    b.openChannels(true)
                        .sendRate(1_000_000)
                        .sendBurst(1_000_000)
                        .slowConsumerGrace(Duration.ofMillis(300)));
        RawWebSocket slow =
            RawWebSocket.connect("127.0.0.1", server.port(), "/ws", Map.of(), 4096)) {
      slow.sendText("{\"type\":\"hello\"}");
      codec.decodePush(slow.readText());
      slow.sendText("{\"type\":\"join\",\"conv\":\"firehose\"}");
      codec.decodePush(slow.readText());
      // From here on the slow reader reads nothing.
      try (ParleyClient sender = ParleyClient.builder(server.wsUri()).build()) {
        sender.connect().get(10, TimeUnit.SECONDS);
        sender.join("firehose", 0);
        String big = "x".repeat(3900);
        List<CompletableFuture<Push.Ack>> acks = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
          acks.add(sender.send("firehose", big));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        // The cut is counted when it is decided, the closed connection when its channel goes
        // inactive, a task of its own on the event loop a moment later: a scrape can fall between
        // the two, so wait for both.
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    metric(server, "parley_slow_consumers_closed_total") == 1
                        && metric(
                                server,
                                "parley_connections_closed_total{code=\"4503\",transport=\"websocket\"}")
                            == 1);
        assertThat(sender.state()).isEqualTo(ParleyClient.State.CONNECTED);
        assertThat(server.server().store().lastSeq("firehose")).isEqualTo(3000);
      }
    }
  }
}
