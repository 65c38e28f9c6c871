package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.ParleyClient;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.server.SitesFile;
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
 * Two nodes on one PostgreSQL and one Redis: a site an admin creates or changes on one node serves
 * visitors on the other without a restart, its secret sealed on one node and opened on the other.
 * (That the change event, not the version check, carries it at once is {@code ConfigSyncTest}'s.)
 */
@Timeout(120)
class LiveConfigurationClusterTest {
  @TempDir Path dir;
  final Codec codec = ChatProtocol.codec();

  static String greetingOn(TestServer node, String site) throws Exception {
    RecordingListener rec = new RecordingListener();
    try (ParleyClient v = ParleyClient.builder(node.wsUri()).site(site).listener(rec).build()) {
      v.connect().get(10, TimeUnit.SECONDS);
      return ChatFlowTest.greetingShown(rec, ChatFlowTest.conversationOf(rec));
    } catch (Exception e) {
      return null; // not there yet: the site is unknown to this node
    }
  }

  @Test
  void aSiteMadeOnOneNodeServesVisitorsOnTheOther() throws Exception {
    String schema = "parley_live_config_" + Long.toHexString(System.nanoTime());
    Path sites =
        Files.writeString(
            dir.resolve("sites.json"),
            """
        {"sites": [{"id": "shop", "greeting": "Hi from the shop"}],
         "agents": [{"user": "root", "sites": ["shop"], "password": "roots-password", "admin": true}]}
        """);
    String secret = Base64.getEncoder().encodeToString(new byte[32]);
    try (RedisServerProcess redis = RedisServerProcess.start(dir);
        TestServer a = node(dir.resolve("a"), sites, schema, redis, secret);
        TestServer b = node(dir.resolve("b"), sites, schema, redis, secret);
        HttpClient http = HttpClient.newHttpClient()) {
      String root;
      try (RawWebSocket ws = RawWebSocket.connect(a.port())) {
        ws.sendText("{\"type\":\"hello\",\"user\":\"root\",\"password\":\"roots-password\"}");
        root = ((Push.Welcome) codec.decodePush(ws.readText())).token();
      }
      HttpResponse<String> created =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + a.port() + "/api/admin/sites"))
                  .header("Authorization", "Bearer " + root)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"id\": \"acme\", \"greeting\": \"Made on A\", "
                              + "\"bot\": {\"kind\": \"webhook\", \"webhook\": {\"url\": \"http://127.0.0.1:9/hook\", "
                              + "\"secret\": \"a-webhook-secret-sealed-on-a\"}}}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      await().atMost(Duration.ofSeconds(20)).until(() -> "Made on A".equals(greetingOn(b, "acme")));
      // Node B opened the secret node A sealed: its bot for acme is the webhook bot, not none.
      assertThat(b.server().bots().apply(b.server().directory().site("acme"))).isNotNull();
    } finally {
      try (Connection c =
              DriverManager.getConnection(ClusterTest.PG_URL, ClusterTest.PG_USER, null);
          Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  static TestServer node(
      Path data, Path sites, String schema, RedisServerProcess redis, String secret) {
    return TestServer.start(
        data,
        b ->
            b.sites(SitesFile.load(sites))
                .agents(null)
                .store("postgres")
                .postgresUrl(ClusterTest.PG_URL)
                .postgresUser(ClusterTest.PG_USER)
                .postgresSchema(schema)
                .broker("redis")
                .redisUrl(redis.uri())
                .tokenSecret(secret));
  }
}
