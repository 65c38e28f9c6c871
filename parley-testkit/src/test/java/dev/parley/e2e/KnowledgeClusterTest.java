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
import dev.parley.testsupport.RedisServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL and one Redis: a document uploaded through one node is in the other
 * node's index of the site (built from the store, told over the broker), and a document deleted
 * through one node leaves the other's.
 */
@Timeout(120)
class KnowledgeClusterTest {
  @TempDir Path dir;
  final Codec codec = ChatProtocol.codec();

  /** What the bot of {@code site} on {@code node} answers a new visitor's {@code question}. */
  static String answerOn(TestServer node, String site, String question) throws Exception {
    RecordingListener rec = new RecordingListener();
    try (ParleyClient v = ParleyClient.builder(node.wsUri()).site(site).listener(rec).build()) {
      v.connect().get(10, TimeUnit.SECONDS);
      String conv = ChatFlowTest.conversationOf(rec);
      v.send(conv, question).get(10, TimeUnit.SECONDS);
      return rec.nextOf(
              Push.Message.class,
              m -> m.conv().equals(conv) && m.kind().equals("bot") && m.seq() > 2)
          .text();
    }
  }

  @Test
  void aDocumentUploadedOnOneNodeAnswersOnTheOtherAndGoesWhenDeleted() throws Exception {
    String schema = "parley_knowledge_cluster_" + Long.toHexString(System.nanoTime());
    Path sites =
        Files.writeString(
            dir.resolve("sites.json"),
            """
        {"sites": [{"id": "shop", "greeting": "Hi from the shop"}],
         "agents": [{"user": "root", "sites": ["shop"], "password": "roots-password", "admin": true}]}
        """);
    String secret = Base64.getEncoder().encodeToString(new byte[32]);
    try (RedisServerProcess redis = RedisServerProcess.start(dir);
        TestServer a =
            LiveConfigurationClusterTest.node(dir.resolve("a"), sites, schema, redis, secret);
        TestServer b =
            LiveConfigurationClusterTest.node(dir.resolve("b"), sites, schema, redis, secret);
        HttpClient http = HttpClient.newHttpClient()) {
      String root;
      try (RawWebSocket ws = RawWebSocket.connect(a.port())) {
        ws.sendText("{\"type\":\"hello\",\"user\":\"root\",\"password\":\"roots-password\"}");
        root = ((Push.Welcome) codec.decodePush(ws.readText())).token();
      }
      String question = "Which colours do the teapots come in?";
      assertThat(answerOn(b, "shop", question)).doesNotContain("cobalt");
      HttpResponse<String> up =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + a.port()
                              + "/api/admin/sites/shop/knowledge?filename=teapots.md"))
                  .header("Authorization", "Bearer " + root)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "# Teapot colours\nOur teapots come in cobalt blue and jade green.\n"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
      String id = up.body().replaceFirst(".*\"id\":\"([^\"]+)\".*", "$1");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> answerOn(b, "shop", question).contains("cobalt blue"));

      HttpResponse<String> gone =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:" + b.port() + "/api/admin/sites/shop/knowledge/" + id))
                  .header("Authorization", "Bearer " + root)
                  .DELETE()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(gone.statusCode()).as(gone.body()).isEqualTo(204);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> !answerOn(a, "shop", question).contains("cobalt"));
    } finally {
      try (Connection c =
              DriverManager.getConnection(ClusterTest.PG_URL, ClusterTest.PG_USER, null);
          Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }
}
