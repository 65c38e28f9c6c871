package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import dev.parley.testsupport.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ephemeral namespace on two nodes sharing PostgreSQL and a Redis of the test's own: a
 * subscriber on node B gets what is published on node A; when Redis loses the window (FLUSHALL),
 * the channel starts a new epoch and the subscriber is told continuity was lost, then follows it;
 * when its node goes away, it resumes on the other inside the window with exactly what it missed.
 */
@Timeout(120)
class EphemeralChannelsClusterTest {
  @TempDir Path dir;
  final ObjectMapper json = new ObjectMapper();

  RawWebSocket connect(TestServer node) throws Exception {
    RawWebSocket ws = RawWebSocket.connect(node.port());
    ws.readTimeoutMillis(15_000);
    ws.sendText("{\"type\":\"hello\",\"site\":\"shop\"}");
    next(ws, "welcome");
    return ws;
  }

  /** The next frame of {@code type} not about another conversation. */
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

  void send(RawWebSocket ws, String text) throws Exception {
    ws.sendText(
        "{\"type\":\"send\",\"cid\":\""
            + text
            + "\",\"conv\":\"ticks:eur\",\"text\":\""
            + text
            + "\"}");
    next(ws, "ack");
  }

  @Test
  void aSubscriberFollowsTheOtherNodeIsToldWhenRedisLosesTheWindowAndResumesWhenItsNodeGoes()
      throws Exception {
    String schema = "parley_ephemeral_" + Long.toHexString(System.nanoTime());
    Path sites =
        Files.writeString(
            dir.resolve("sites.json"),
            """
            {"sites": [{"id": "shop", "greeting": "Hi"}],
             "namespaces": [{"name": "ticks", "subscribe": "anonymous", "publish": "anonymous",
                             "durability": "ephemeral"}]}
            """);
    String secret = Base64.getEncoder().encodeToString(new byte[32]);
    try (RedisServerProcess redis = RedisServerProcess.start(dir);
        TestServer a =
            LiveConfigurationClusterTest.node(dir.resolve("a"), sites, schema, redis, secret);
        TestServer b =
            LiveConfigurationClusterTest.node(dir.resolve("b"), sites, schema, redis, secret);
        RawWebSocket pub = connect(a);
        RawWebSocket sub = connect(b)) {
      sub.sendText("{\"type\":\"join\",\"conv\":\"ticks:eur\"}");
      String before = next(sub, "joined").get("epoch").asText();
      pub.sendText("{\"type\":\"join\",\"conv\":\"ticks:eur\"}");
      assertThat(next(pub, "joined").get("epoch").asText()).isEqualTo(before);
      send(pub, "1.08");
      send(pub, "1.09");
      assertThat(next(sub, "message").get("text").asText()).isEqualTo("1.08");
      assertThat(next(sub, "message").get("seq").asLong()).isEqualTo(2);

      RedisClient client = RedisClient.create(redis.uri());
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        c.sync().flushall();
      } finally {
        client.shutdown();
      }
      send(pub, "1.10");
      JsonNode lost = next(sub, "continuity_lost");
      String after = lost.get("epoch").asText();
      assertThat(after).isNotEqualTo(before);
      assertThat(lost.get("from").asLong()).isZero();
      JsonNode m = next(sub, "message");
      assertThat(m.get("seq").asLong()).isEqualTo(1);
      assertThat(m.get("text").asText()).isEqualTo("1.10");

      try (RawWebSocket back = connect(a)) {
        back.sendText(
            "{\"type\":\"join\",\"conv\":\"ticks:eur\",\"after\":2,\"epoch\":\"" + before + "\"}");
        assertThat(next(back, "joined").get("epoch").asText()).isEqualTo(after);
        assertThat(next(back, "continuity_lost").get("lastSeq").asLong()).isEqualTo(1);
        assertThat(next(back, "message").get("text").asText()).isEqualTo("1.10");
      }
      assertThat(a.server().store().lastSeq("ticks:eur")).isZero();

      // The subscriber's node goes away (its connections closed, 1012: resume elsewhere) while
      // the channel goes on through the other; it resumes there from its position, inside the
      // window: exactly what it missed, in order, and no continuity_lost.
      b.close();
      assertThat(sub.awaitClose()).isIn(1012, -1);
      send(pub, "1.11");
      send(pub, "1.12");
      try (RawWebSocket resumed = connect(a)) {
        resumed.sendText(
            "{\"type\":\"join\",\"conv\":\"ticks:eur\",\"after\":1,\"epoch\":\"" + after + "\"}");
        assertThat(next(resumed, "joined").get("epoch").asText()).isEqualTo(after);
        JsonNode first =
            Frames.next(
                resumed,
                f ->
                    f.path("conv").asText().equals("ticks:eur")
                        && !f.path("type").asText().equals("presence"));
        assertThat(first.get("type").asText()).isEqualTo("message");
        assertThat(first.get("seq").asLong()).isEqualTo(2);
        assertThat(first.get("text").asText()).isEqualTo("1.11");
        JsonNode second = next(resumed, "message");
        assertThat(second.get("seq").asLong()).isEqualTo(3);
        assertThat(second.get("text").asText()).isEqualTo("1.12");
      }
    } finally {
      try (Connection c =
              DriverManager.getConnection(ClusterTest.PG_URL, ClusterTest.PG_USER, null);
          Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }
}
