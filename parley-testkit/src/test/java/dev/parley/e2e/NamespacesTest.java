package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Channel namespaces end to end (issue 19): a real server whose sites file configures {@code news}
 * (anyone reads, agents publish) and {@code dash} (only what a token grants), raw WebSockets, and a
 * namespace made through the admin API that applies without a restart.
 */
@Timeout(60)
class NamespacesTest {
  static final String FILE =
      """
      {"sites": [{"id": "shop", "greeting": "Hi from the shop",
                  "identitySecret": "shop-identity-secret-of-32-bytes!!"}],
       "agents": [{"user": "root", "sites": ["shop"], "password": "roots-password", "admin": true}],
       "namespaces": [{"name": "news", "subscribe": "anonymous", "publish": "agents"},
                      {"name": "dash", "subscribe": "granted", "publish": "granted"}]}
      """;

  @TempDir Path dir;
  TestServer server;
  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    server = SitesServer.start(dir, FILE);
  }

  @AfterEach
  void stop() {
    server.close();
    http.close();
  }

  /** A connection that said {@code hello} and got its welcome. */
  RawWebSocket connect(String hello) throws Exception {
    RawWebSocket ws = RawWebSocket.connect(server.port());
    ws.readTimeoutMillis(10_000);
    ws.sendText(hello);
    assertThat(next(ws, "welcome", null)).isNotNull();
    return ws;
  }

  /** The next frame of {@code type} (and {@code ref}, when given), skipping others. */
  JsonNode next(RawWebSocket ws, String type, String ref) throws Exception {
    while (true) {
      JsonNode f = json.readTree(ws.readText());
      if (f.get("type").asText().equals(type)
          && (ref == null || (f.has("ref") && f.get("ref").asText().equals(ref)))) {
        return f;
      }
      if (f.get("type").asText().equals("error") && ref != null && f.has("ref")) {
        assertThat(f.get("ref").asText()).as(f.toString()).isNotEqualTo(ref);
      }
    }
  }

  /** The next {@code error} answering {@code ref}. */
  JsonNode error(RawWebSocket ws, String ref) throws Exception {
    while (true) {
      JsonNode f = json.readTree(ws.readText());
      if (f.get("type").asText().equals("error") && ref.equals(f.path("ref").asText())) {
        return f;
      }
      assertThat(f.get("type").asText()).as(f.toString()).isNotEqualTo("ack");
    }
  }

  @Test
  void visitorsReadWhatAgentsPublishAndANewNamespaceAppliesWithoutARestart() throws Exception {
    try (RawWebSocket visitor = connect("{\"type\":\"hello\",\"site\":\"shop\"}");
        RawWebSocket agent =
            connect("{\"type\":\"hello\",\"user\":\"root\",\"password\":\"roots-password\"}")) {
      visitor.sendText("{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"news:today\"}");
      assertThat(next(visitor, "joined", "j").get("conv").asText()).isEqualTo("news:today");
      agent.sendText("{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"news:today\"}");
      next(agent, "joined", "j");

      visitor.sendText(
          "{\"type\":\"send\",\"ref\":\"s\",\"cid\":\"v1\",\"conv\":\"news:today\",\"text\":\"me\"}");
      JsonNode refused = error(visitor, "s");
      assertThat(refused.get("code").asText()).isEqualTo("forbidden");
      assertThat(refused.get("cid").asText()).isEqualTo("v1");

      agent.sendText(
          "{\"type\":\"send\",\"ref\":\"s\",\"cid\":\"a1\",\"conv\":\"news:today\","
              + "\"text\":\"Doors open at nine\"}");
      assertThat(next(agent, "ack", "s").get("seq").asLong())
          .as("the refused send stored nothing")
          .isEqualTo(1);
      JsonNode m = next(visitor, "message", null);
      assertThat(m.get("text").asText()).isEqualTo("Doors open at nine");
      assertThat(m.get("from").asText()).isEqualTo("root");

      visitor.sendText("{\"type\":\"join\",\"ref\":\"n\",\"conv\":\"nope:x\"}");
      JsonNode unknown = error(visitor, "n");
      assertThat(unknown.get("code").asText()).isEqualTo("unknown_namespace");
      assertThat(unknown.get("conv").asText()).isEqualTo("nope:x");

      // The admin API makes "nope" a namespace anyone may read and write: in force at once.
      String token = SitesServer.login(server, "root", "roots-password");
      HttpResponse<String> made =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:" + server.port() + "/api/admin/namespaces/nope"))
                  .PUT(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"subscribe\":\"anonymous\",\"publish\":\"anonymous\"}"))
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
      visitor.sendText("{\"type\":\"join\",\"ref\":\"n2\",\"conv\":\"nope:x\"}");
      next(visitor, "joined", "n2");
      visitor.sendText(
          "{\"type\":\"send\",\"ref\":\"s2\",\"cid\":\"v2\",\"conv\":\"nope:x\",\"text\":\"hi\"}");
      assertThat(next(visitor, "ack", "s2").get("cid").asText()).isEqualTo("v2");
    }
  }

  @Test
  void aGrantedNamespaceAdmitsWhatTheSitesTokenGrantsAndNothingElse() throws Exception {
    String granted =
        AuthenticationTest.hs256(
            "shop-identity-secret-of-32-bytes!!",
            Map.of(
                "sub",
                "ana",
                "site",
                "shop",
                "channels",
                Map.of(
                    "subscribe", List.of("dash:shop-*"),
                    "publish", List.of("dash:shop-orders"))),
            Duration.ofHours(1));
    try (RawWebSocket holder =
            connect("{\"type\":\"hello\",\"site\":\"shop\",\"token\":\"" + granted + "\"}");
        RawWebSocket anonymous = connect("{\"type\":\"hello\",\"site\":\"shop\"}");
        RawWebSocket admin =
            connect("{\"type\":\"hello\",\"user\":\"root\",\"password\":\"roots-password\"}")) {
      holder.sendText("{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"dash:shop-orders\"}");
      next(holder, "joined", "j");
      holder.sendText(
          "{\"type\":\"send\",\"ref\":\"s\",\"cid\":\"g1\",\"conv\":\"dash:shop-orders\","
              + "\"text\":\"order 17 shipped\"}");
      assertThat(next(holder, "ack", "s").get("seq").asLong()).isEqualTo(1);

      // Subscribe is granted by the pattern, publish only where the token says.
      holder.sendText("{\"type\":\"join\",\"ref\":\"j2\",\"conv\":\"dash:shop-stock\"}");
      next(holder, "joined", "j2");
      holder.sendText(
          "{\"type\":\"send\",\"ref\":\"s2\",\"cid\":\"g2\",\"conv\":\"dash:shop-stock\","
              + "\"text\":\"x\"}");
      assertThat(error(holder, "s2").get("code").asText()).isEqualTo("forbidden");
      holder.sendText("{\"type\":\"join\",\"ref\":\"j3\",\"conv\":\"dash:other\"}");
      assertThat(error(holder, "j3").get("code").asText()).isEqualTo("forbidden");

      // Without a grant, neither a visitor nor an admin joins: the namespace asked for grants.
      anonymous.sendText("{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"dash:shop-orders\"}");
      assertThat(error(anonymous, "j").get("code").asText()).isEqualTo("forbidden");
      admin.sendText("{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"dash:shop-orders\"}");
      assertThat(error(admin, "j").get("code").asText()).isEqualTo("forbidden");

      // A fresh token that grants less is refused in auth: the session keeps no withdrawn grant.
      String withdrawn =
          AuthenticationTest.hs256(
              "shop-identity-secret-of-32-bytes!!",
              Map.of("sub", "ana", "site", "shop"),
              Duration.ofHours(2));
      holder.sendText("{\"type\":\"auth\",\"ref\":\"a\",\"token\":\"" + withdrawn + "\"}");
      assertThat(error(holder, "a").get("code").asText()).isEqualTo("forbidden");
      holder.sendText("{\"type\":\"auth\",\"ref\":\"a2\",\"token\":\"" + granted + "\"}");
      next(holder, "authed", "a2");
    }
  }
}
