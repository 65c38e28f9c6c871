package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testsupport.NodeProcess;
import dev.parley.testsupport.Ports;
import dev.parley.testsupport.RedisServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19's failures, on two nodes in processes of their own sharing PostgreSQL and a Redis of the
 * test's own: a node SIGKILLed and Redis killed and restarted, with a subscriber to an ephemeral
 * channel ({@code ticks:eur}) and to a durable one ({@code alerts:eur}) throughout.
 *
 * <ul>
 *   <li>The subscriber's node is killed: it resumes on the other node from its positions, and gets
 *       exactly what it missed from both — the ephemeral one from the window in Redis, inside it,
 *       with no {@code continuity_lost}; the durable one from the store.
 *   <li>Redis is killed and started again, empty: the ephemeral channel's window is gone, so the
 *       next publication starts a new epoch and the subscriber is told continuity was lost before
 *       it gets it; the durable channel loses nothing and goes on in order.
 * </ul>
 */
@Timeout(180)
class EphemeralChannelsChaosTest {
  static final String TICKS = "ticks:eur";
  static final String ALERTS = "alerts:eur";

  @TempDir Path dir;
  final String schema = "parley_eph_chaos_" + Long.toHexString(System.nanoTime());
  final List<AutoCloseable> owned = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = owned.size() - 1; i >= 0; i--) {
      owned.get(i).close();
    }
    try (Connection c = DriverManager.getConnection(ClusterTest.PG_URL, ClusterTest.PG_USER, null);
        Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  @Test
  void anEphemeralSubscriberResumesInsideTheWindowAfterANodeKillAndIsToldWhenRedisRestarts()
      throws Exception {
    RedisServerProcess redis = own(RedisServerProcess.start(dir));
    List<String> args = nodeArgs(redis);
    NodeProcess a = own(NodeProcess.start(dir, Ports.free(), args));
    NodeProcess b = own(NodeProcess.start(dir, Ports.free(), args));

    Inbox pub = own(connect(a));
    Inbox sub = own(connect(b));
    String epoch = join(sub, TICKS, null, null).get("epoch").asText();
    join(sub, ALERTS, null, null);
    join(pub, TICKS, null, null);
    join(pub, ALERTS, null, null);
    for (int i = 1; i <= 2; i++) {
      publish(pub, TICKS, "t" + i);
      publish(pub, ALERTS, "a" + i);
    }
    assertThat(texts(sub, TICKS, 2)).containsExactly("t1", "t2");
    assertThat(texts(sub, ALERTS, 2)).containsExactly("a1", "a2");

    // The subscriber's node dies with its connections; the channels go on through the other.
    b.kill();
    assertThat(sub.ws.awaitClose()).as("the killed node's socket ends").isIn(-1, 1006);
    for (int i = 3; i <= 4; i++) {
      publish(pub, TICKS, "t" + i);
      publish(pub, ALERTS, "a" + i);
    }
    Inbox back = own(connect(a));
    assertThat(join(back, TICKS, 2L, epoch).get("epoch").asText()).isEqualTo(epoch);
    join(back, ALERTS, 2L, null);
    List<JsonNode> missed = frames(back, TICKS, 2);
    assertThat(missed).extracting(f -> f.get("type").asText()).containsOnly("message");
    assertThat(missed).extracting(f -> f.get("seq").asLong()).containsExactly(3L, 4L);
    assertThat(missed).extracting(f -> f.get("text").asText()).containsExactly("t3", "t4");
    assertThat(texts(back, ALERTS, 2)).containsExactly("a3", "a4");

    // Redis dies and comes back empty: the window is lost and says so; the store is not.
    redis.kill();
    redis.start();
    publish(pub, TICKS, "t5");
    publish(pub, ALERTS, "a5");
    JsonNode lost = frames(back, TICKS, 1).get(0);
    assertThat(lost.get("type").asText()).isEqualTo("continuity_lost");
    assertThat(lost.get("epoch").asText()).isNotEqualTo(epoch);
    JsonNode t5 = frames(back, TICKS, 1).get(0);
    assertThat(t5.get("type").asText()).isEqualTo("message");
    assertThat(t5.get("seq").asLong()).isEqualTo(1);
    assertThat(t5.get("text").asText()).isEqualTo("t5");
    JsonNode a5 = frames(back, ALERTS, 1).get(0);
    assertThat(a5.get("seq").asLong()).isEqualTo(5);
    assertThat(a5.get("text").asText()).isEqualTo("a5");
  }

  List<String> nodeArgs(RedisServerProcess redis) throws Exception {
    Path sites =
        Files.writeString(
            dir.resolve("sites.json"),
            """
            {"sites": [{"id": "shop", "greeting": "Hi"}],
             "namespaces": [
               {"name": "ticks", "subscribe": "anonymous", "publish": "anonymous",
                "durability": "ephemeral"},
               {"name": "alerts", "subscribe": "anonymous", "publish": "anonymous"}]}
            """);
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return List.of(
        "--sites=" + sites,
        "--store=postgres",
        "--pg-url=" + ClusterTest.PG_URL,
        "--pg-user=" + ClusterTest.PG_USER,
        "--pg-schema=" + schema,
        "--broker=redis",
        "--redis-url=" + redis.uri(),
        "--data-dir=" + dir.resolve("data"),
        "--token-secret=" + Base64.getEncoder().encodeToString(secret),
        "--admin-port=0");
  }

  /**
   * A socket's events read in order, with the ones a reader skipped kept for the next reader: the
   * two channels' events interleave, and each assertion reads one channel.
   */
  static final class Inbox implements AutoCloseable {
    final RawWebSocket ws;
    final List<JsonNode> kept = new ArrayList<>();

    Inbox(RawWebSocket ws) {
      this.ws = ws;
    }

    JsonNode take(Predicate<JsonNode> wanted) throws Exception {
      for (int i = 0; i < kept.size(); i++) {
        if (wanted.test(kept.get(i))) {
          return kept.remove(i);
        }
      }
      while (true) {
        JsonNode f = Frames.next(ws, x -> true);
        if (wanted.test(f)) {
          return f;
        }
        kept.add(f);
      }
    }

    void send(String text) throws Exception {
      ws.sendText(text);
    }

    @Override
    public void close() throws Exception {
      ws.close();
    }
  }

  <T extends AutoCloseable> T own(T c) {
    owned.add(c);
    return c;
  }

  Inbox connect(NodeProcess node) throws Exception {
    RawWebSocket ws = RawWebSocket.connect(node.port());
    ws.readTimeoutMillis(30_000);
    ws.sendText("{\"type\":\"hello\",\"site\":\"shop\"}");
    Frames.ofType(ws, "welcome");
    return new Inbox(ws);
  }

  /** Joins {@code conv} (from {@code after} in {@code epoch} when given); its {@code joined}. */
  JsonNode join(Inbox ws, String conv, Long after, String epoch) throws Exception {
    ws.send(
        "{\"type\":\"join\",\"conv\":\""
            + conv
            + "\""
            + (after == null ? "" : ",\"after\":" + after)
            + (epoch == null ? "" : ",\"epoch\":\"" + epoch + "\"")
            + "}");
    return ws.take(
        f -> f.path("type").asText().equals("joined") && f.path("conv").asText().equals(conv));
  }

  /**
   * Sends {@code text} into {@code conv} as a client does: again with the same cid after a
   * retryable refusal (Redis coming back), until it is acknowledged.
   */
  void publish(Inbox ws, String conv, String text) throws Exception {
    String send =
        "{\"type\":\"send\",\"cid\":\"" + text + "\",\"conv\":\"" + conv + "\",\"text\":\"" + text;
    ws.send(send + "\"}");
    for (int attempt = 0; attempt < 60; attempt++) {
      JsonNode f =
          ws.take(
              e ->
                  text.equals(e.path("cid").asText())
                      && (e.path("type").asText().equals("ack")
                          || e.path("type").asText().equals("error")));
      if (f.get("type").asText().equals("ack")) {
        return;
      }
      assertThat(f.path("retry").asBoolean()).as(f.toString()).isTrue();
      Thread.sleep(Math.max(200, f.path("retryAfterMs").asLong()));
      ws.send(send + "\"}");
    }
    throw new AssertionError(text + " was refused 60 times");
  }

  /**
   * The next {@code n} events about {@code conv} other than presence, acks and joins: messages and
   * continuity_lost.
   */
  List<JsonNode> frames(Inbox ws, String conv, int n) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    while (out.size() < n) {
      out.add(
          ws.take(
              f -> {
                String type = f.path("type").asText();
                assertThat(type).as(f.toString()).isNotEqualTo("error");
                return f.path("conv").asText().equals(conv)
                    && (type.equals("message") || type.equals("continuity_lost"));
              }));
    }
    return out;
  }

  List<String> texts(Inbox ws, String conv, int n) throws Exception {
    return frames(ws, conv, n).stream().map(f -> f.path("text").asText()).toList();
  }
}
