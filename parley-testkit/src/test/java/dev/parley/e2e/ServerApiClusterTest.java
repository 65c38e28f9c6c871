package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.client.ParleyException;
import dev.parley.client.ParleyServerApi;
import dev.parley.testkit.RawWebSocket;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server API on two nodes of one PostgreSQL and one Redis: a key made on one node works on the
 * other, a publication through one reaches a subscriber of the other, a retry through the other
 * node stores nothing twice, and a disconnect asked of one node closes the user's socket on the
 * other.
 */
@Timeout(120)
class ServerApiClusterTest {
  @TempDir Path dir;
  final ObjectMapper json = new ObjectMapper();

  @Test
  void aPublicationThroughOneNodeReachesTheOtherAndARetryThereIsStoredOnce() throws Exception {
    String schema = "parley_server_api_" + Long.toHexString(System.nanoTime());
    Path sites = Files.writeString(dir.resolve("sites.json"), ServerApiTest.FILE);
    String secret = Base64.getEncoder().encodeToString(new byte[32]);
    try (RedisServerProcess redis = RedisServerProcess.start(dir);
        TestServer a =
            LiveConfigurationClusterTest.node(dir.resolve("a"), sites, schema, redis, secret);
        TestServer b =
            LiveConfigurationClusterTest.node(dir.resolve("b"), sites, schema, redis, secret);
        HttpClient http = HttpClient.newHttpClient()) {
      String admin = SitesServer.login(a, "root", "roots-password");
      HttpResponse<String> made =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + a.port() + "/api/admin/api-keys"))
                  .header("Authorization", "Bearer " + admin)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"name\":\"backend\",\"namespaces\":[\"*\"]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
      String key = json.readTree(made.body()).get("key").asText();
      var viaA = ParleyServerApi.of(URI.create("http://127.0.0.1:" + a.port()), key);
      var viaB = ParleyServerApi.of(URI.create("http://127.0.0.1:" + b.port()), key);

      try (RawWebSocket visitor = RawWebSocket.connect(b.port())) {
        visitor.readTimeoutMillis(20_000);
        visitor.sendText("{\"type\":\"hello\",\"site\":\"shop\"}");
        String user = Frames.ofType(visitor, "welcome").get("user").asText();
        visitor.sendText("{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"news:eu\"}");
        Frames.ofType(visitor, "joined");

        ParleyServerApi.Published p = viaA.publish("news:eu", "Markets open", "m-1");
        JsonNode m = Frames.ofType(visitor, "message");
        assertThat(m.get("seq").asLong()).isEqualTo(p.seq());
        assertThat(m.get("text").asText()).isEqualTo("Markets open");
        // B may not have the key yet when it is asked first: its configuration follows within
        // the poll; the key's own node answered at once above.
        ParleyServerApi.Published again =
            await()
                .atMost(Duration.ofSeconds(15))
                .ignoreException(ParleyException.class)
                .until(() -> viaB.publish("news:eu", "Markets open", "m-1"), x -> true);
        assertThat(again).isEqualTo(p);
        assertThat(viaB.publish("news:eu", "Later", null).seq()).isEqualTo(p.seq() + 1);
        assertThat(Frames.ofType(visitor, "message").get("seq").asLong())
            .as("the retry through B was not delivered again")
            .isEqualTo(p.seq() + 1);

        viaA.disconnect(user);
        assertThat(visitor.awaitClose()).isEqualTo(4409);
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
