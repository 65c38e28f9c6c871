package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ephemeral namespace end to end on one node (issue 19): {@code ticks} keeps the last 3 messages
 * of each channel in memory, stores none, and tells a resume it cannot serve that continuity was
 * lost.
 */
@Timeout(60)
class EphemeralChannelsTest {
  static final String FILE =
      """
      {"sites": [{"id": "shop", "greeting": "Hi"}],
       "namespaces": [{"name": "ticks", "subscribe": "anonymous", "publish": "anonymous",
                       "durability": "ephemeral", "historySize": 3}]}
      """;

  @TempDir Path dir;
  TestServer server;
  final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void start() throws Exception {
    server = SitesServer.start(dir, FILE);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  RawWebSocket connect() throws Exception {
    RawWebSocket ws = RawWebSocket.connect(server.port());
    ws.readTimeoutMillis(10_000);
    ws.sendText("{\"type\":\"hello\",\"site\":\"shop\"}");
    next(ws, "welcome");
    return ws;
  }

  /**
   * The next frame of {@code type} that is not about another conversation, skipping others (the
   * visitor's own conversation's events).
   */
  JsonNode next(RawWebSocket ws, String type) throws Exception {
    while (true) {
      JsonNode f = json.readTree(ws.readText());
      assertThat(f.get("type").asText()).as(f.toString()).isNotEqualTo("error");
      if (f.get("type").asText().equals(type)
          && (!f.has("conv") || f.get("conv").asText().equals("ticks:eur"))) {
        return f;
      }
    }
  }

  /** Publishes {@code texts} from {@code ws} and waits for each ack; answers the last seq. */
  long publish(RawWebSocket ws, String... texts) throws Exception {
    long seq = 0;
    for (String t : texts) {
      ws.sendText(
          "{\"type\":\"send\",\"cid\":\""
              + t
              + "\",\"conv\":\"ticks:eur\",\"text\":\""
              + t
              + "\"}");
      seq = next(ws, "ack").get("seq").asLong();
    }
    return seq;
  }

  @Test
  void liveSubscribersGetEveryTickAResumeInsideTheWindowGetsExactlyTheMissedOnesNothingIsStored()
      throws Exception {
    try (RawWebSocket pub = connect();
        RawWebSocket live = connect()) {
      pub.sendText("{\"type\":\"join\",\"conv\":\"ticks:eur\"}");
      String epoch = next(pub, "joined").get("epoch").asText();
      live.sendText("{\"type\":\"join\",\"conv\":\"ticks:eur\"}");
      assertThat(next(live, "joined").get("epoch").asText()).isEqualTo(epoch);

      assertThat(publish(pub, "1.08", "1.09")).isEqualTo(2);
      assertThat(next(live, "message").get("text").asText()).isEqualTo("1.08");
      assertThat(next(live, "message").get("seq").asLong()).isEqualTo(2);
      publish(pub, "1.10", "1.11");

      try (RawWebSocket back = connect()) {
        back.sendText(
            "{\"type\":\"join\",\"conv\":\"ticks:eur\",\"after\":2,\"epoch\":\"" + epoch + "\"}");
        JsonNode joined = next(back, "joined");
        assertThat(joined.get("from").asLong()).isEqualTo(2);
        assertThat(joined.get("lastSeq").asLong()).isEqualTo(4);
        JsonNode m = next(back, "message");
        assertThat(m.get("seq").asLong()).isEqualTo(3);
        assertThat(next(back, "message").get("text").asText()).isEqualTo("1.11");
        back.sendText("{\"type\":\"ping\",\"ref\":\"fence\"}");
        for (JsonNode f = json.readTree(back.readText());
            !f.get("type").asText().equals("pong");
            f = json.readTree(back.readText())) {
          assertThat(f.get("type").asText())
              .as("nothing more of ticks:eur")
              .isNotEqualTo("message");
        }
      }

      try (RawWebSocket late = connect()) {
        late.sendText(
            "{\"type\":\"join\",\"conv\":\"ticks:eur\",\"after\":0,\"epoch\":\"" + epoch + "\"}");
        next(late, "joined");
        JsonNode lost = next(late, "continuity_lost");
        assertThat(lost.get("epoch").asText()).isEqualTo(epoch);
        assertThat(lost.get("from").asLong()).isEqualTo(1);
        assertThat(lost.get("lastSeq").asLong()).isEqualTo(4);
        assertThat(next(late, "message").get("seq").asLong()).isEqualTo(2);
      }
    }
    assertThat(server.server().store().lastSeq("ticks:eur")).isZero();
  }
}
