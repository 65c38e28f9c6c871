package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.server.SitesFile;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's own channel {@code parley:stats} end to end (issue 19, part 5): a real server
 * publishes its live figures there about once a second; an admin and the holder of a token that
 * grants it receive them, a visitor is refused, nobody but the server sends into it, and its
 * presence is a count that names nobody.
 */
@Timeout(60)
class ServerChannelsTest {
  static final String FILE =
      """
      {"sites": [{"id": "shop", "greeting": "Hi from the shop",
                  "identitySecret": "shop-identity-secret-of-32-bytes!!"}],
       "agents": [{"user": "root", "sites": ["shop"], "password": "roots-password", "admin": true},
                  {"user": "ann", "sites": ["shop"], "password": "anns-password"}]}
      """;

  @TempDir Path dir;
  TestServer server;
  final ObjectMapper json = new ObjectMapper();

  /** The deployment's JWT key: the only one that may grant the server's channels. */
  static final String DEPLOYMENT_KEY = "the-deployments-own-key-of-32-bytes";

  @BeforeEach
  void start() throws Exception {
    Path sites = Files.writeString(dir.resolve("sites.json"), FILE);
    server =
        TestServer.start(
            dir.resolve("data"),
            b -> b.sites(SitesFile.load(sites)).agents(null).jwtSecret(DEPLOYMENT_KEY));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  RawWebSocket connect(String hello) throws Exception {
    RawWebSocket ws = RawWebSocket.connect(server.port());
    ws.readTimeoutMillis(10_000);
    ws.sendText(hello);
    next(ws, "welcome", null);
    return ws;
  }

  /** The next frame of {@code type} (and {@code ref}, when given), skipping others. */
  JsonNode next(RawWebSocket ws, String type, String ref) throws Exception {
    while (true) {
      JsonNode f = json.readTree(ws.readText());
      if (f.get("type").asText().equals(type)
          && (ref == null || ref.equals(f.path("ref").asText()))) {
        return f;
      }
      assertThat(f.get("type").asText()).as(f.toString()).isNotEqualTo("error");
    }
  }

  /** The next {@code error} answering {@code ref}, skipping the figures meanwhile. */
  JsonNode error(RawWebSocket ws, String ref) throws Exception {
    while (true) {
      JsonNode f = json.readTree(ws.readText());
      if (f.get("type").asText().equals("error") && ref.equals(f.path("ref").asText())) {
        return f;
      }
      assertThat(f.get("type").asText()).as(f.toString()).isNotEqualTo("ack");
    }
  }

  /** The figures of the next message in {@code parley:stats}. */
  JsonNode figures(RawWebSocket ws) throws Exception {
    JsonNode m = next(ws, "message", null);
    assertThat(m.get("conv").asText()).isEqualTo("parley:stats");
    assertThat(m.get("kind").asText()).isEqualTo("server");
    assertThat(m.get("from").asText()).isEqualTo("server");
    return json.readTree(m.get("text").asText());
  }

  @Test
  void anAdminReceivesTheLiveFiguresAndNobodyButTheServerSendsIntoThem() throws Exception {
    try (RawWebSocket admin =
        connect("{\"type\":\"hello\",\"user\":\"root\",\"password\":\"roots-password\"}")) {
      admin.sendText("{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"parley:stats\"}");
      JsonNode joined = next(admin, "joined", "j");
      assertThat(joined.get("epoch").asText()).as("an ephemeral channel").isNotBlank();

      JsonNode f = figures(admin);
      assertThat(f.get("node").asText()).startsWith("n_");
      assertThat(f.get("connections").asInt()).isGreaterThanOrEqualTo(1);
      assertThat(f.get("sessions").asInt()).isGreaterThanOrEqualTo(1);
      assertThat(f.get("queueBySite").get("shop").asInt()).isZero();
      assertThat(f.has("messagesReceived")).isTrue();
      long firstAt = f.get("at").asLong();
      assertThat(figures(admin).get("at").asLong()).isGreaterThan(firstAt);

      admin.sendText(
          "{\"type\":\"send\",\"ref\":\"s\",\"cid\":\"x1\",\"conv\":\"parley:stats\","
              + "\"text\":\"{}\"}");
      JsonNode refused = error(admin, "s");
      assertThat(refused.get("code").asText()).isEqualTo("forbidden");
      assertThat(refused.get("cid").asText()).isEqualTo("x1");
      // Nor a receipt: it would be stored and told to every watcher with the admin's id.
      admin.sendText(
          "{\"type\":\"receipt\",\"ref\":\"r\",\"conv\":\"parley:stats\",\"kind\":\"read\","
              + "\"seq\":1}");
      assertThat(error(admin, "r").get("code").asText()).isEqualTo("forbidden");

      admin.sendText("{\"type\":\"join\",\"ref\":\"o\",\"conv\":\"parley:other\"}");
      assertThat(error(admin, "o").get("code").asText()).isEqualTo("forbidden");
    }
  }

  @Test
  void theChannelsPresenceIsCountedButNamesNobody() throws Exception {
    String granted =
        AuthenticationTest.hs256(
            DEPLOYMENT_KEY,
            Map.of("sub", "board", "channels", Map.of("subscribe", List.of("parley:stats"))),
            Duration.ofHours(1));
    try (RawWebSocket board = connect("{\"type\":\"hello\",\"token\":\"" + granted + "\"}");
        RawWebSocket admin =
            connect("{\"type\":\"hello\",\"user\":\"root\",\"password\":\"roots-password\"}")) {
      admin.sendText("{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"parley:stats\"}");
      JsonNode first = next(admin, "joined", "j");
      assertThat(first.get("presenceCount").asInt()).isEqualTo(1);
      assertThat(first.path("presence")).as("no user ids").isEmpty();

      board.sendText("{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"parley:stats\"}");
      JsonNode joined = next(board, "joined", "j");
      assertThat(joined.get("presenceCount").asInt()).isEqualTo(2);
      assertThat(joined.path("presence")).as("not the admin's name").isEmpty();
      board.sendText("{\"type\":\"presence_list\",\"ref\":\"p\",\"conv\":\"parley:stats\"}");
      JsonNode page = next(board, "presence_list", "p");
      assertThat(page.get("count").asInt()).isEqualTo(2);
      assertThat(page.path("users")).isEmpty();
      assertThat(page.has("next")).isFalse();
    }
  }

  @Test
  void visitorsAndAgentsAreRefusedUnlessTheDeploymentsTokenGrantsTheChannel() throws Exception {
    Map<String, Object> grant =
        Map.of("sub", "board", "channels", Map.of("subscribe", List.of("parley:stats")));
    String granted = AuthenticationTest.hs256(DEPLOYMENT_KEY, grant, Duration.ofHours(1));
    // A site's identity secret cannot grant it: the figures are every site's.
    Map<String, Object> bySite = new HashMap<>(grant);
    bySite.put("site", "shop");
    String siteSigned =
        AuthenticationTest.hs256("shop-identity-secret-of-32-bytes!!", bySite, Duration.ofHours(1));
    try (RawWebSocket refused = RawWebSocket.connect(server.port())) {
      refused.readTimeoutMillis(10_000);
      refused.sendText("{\"type\":\"hello\",\"site\":\"shop\",\"token\":\"" + siteSigned + "\"}");
      JsonNode e = Frames.ofType(refused, "error");
      assertThat(e.get("code").asText()).isEqualTo("unauthorized");
      assertThat(e.get("message").asText()).contains("cannot grant the server's channels");
    }
    try (RawWebSocket visitor = connect("{\"type\":\"hello\",\"site\":\"shop\"}");
        RawWebSocket agent =
            connect("{\"type\":\"hello\",\"user\":\"ann\",\"password\":\"anns-password\"}");
        RawWebSocket board = connect("{\"type\":\"hello\",\"token\":\"" + granted + "\"}")) {
      visitor.sendText("{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"parley:stats\"}");
      assertThat(error(visitor, "j").get("code").asText()).isEqualTo("forbidden");
      agent.sendText("{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"parley:stats\"}");
      assertThat(error(agent, "j").get("code").asText()).isEqualTo("forbidden");

      board.sendText("{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"parley:stats\"}");
      next(board, "joined", "j");
      assertThat(figures(board).get("connections").asInt()).isGreaterThanOrEqualTo(3);
      board.sendText(
          "{\"type\":\"send\",\"ref\":\"s\",\"cid\":\"b1\",\"conv\":\"parley:stats\","
              + "\"text\":\"{}\"}");
      assertThat(error(board, "s").get("code").asText()).isEqualTo("forbidden");
    }
  }
}
