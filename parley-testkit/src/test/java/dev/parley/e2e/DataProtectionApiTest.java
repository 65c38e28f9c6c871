package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data protection through the admin API on a real server with its SQLite file (issue 16): an admin
 * exports a visitor, erases it — its words are gone from the database file, an agent who joins the
 * conversation again reads every seq in order with tombstones in the visitor's places — and deletes
 * a conversation; each request is in the audit log.
 */
@Timeout(90)
class DataProtectionApiTest {
  static final String SECRET = "my card is 4111-SECRET";

  @TempDir Path dir;
  TestServer server;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();
  String root;

  @BeforeEach
  void start() throws Exception {
    server = SitesServer.start(dir, SitesServer.SHOP);
    root = SitesServer.login(server, "root", "roots-password");
  }

  @AfterEach
  void stop() {
    server.close();
    http.close();
  }

  /** The next frame of {@code type}, skipping others. */
  HttpResponse<String> call(String method, String path, String token) throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A visitor of the shop that said {@link #SECRET} twice: its user id and conversation. */
  String[] visitorWhoSaidTheSecret(RawWebSocket ws) throws Exception {
    ws.sendText("{\"type\":\"hello\",\"site\":\"shop\"}");
    String user = Frames.ofType(ws, "welcome").get("user").asText();
    String conv = Frames.ofType(ws, "conversation").get("conv").asText();
    for (int i = 1; i <= 2; i++) {
      ws.sendText(
          "{\"type\":\"send\",\"cid\":\"c"
              + i
              + "\",\"conv\":\""
              + conv
              + "\",\"text\":\""
              + SECRET
              + " "
              + i
              + "\"}");
      Frames.ofType(ws, "ack");
    }
    ws.sendText("{\"type\":\"receipt\",\"conv\":\"" + conv + "\",\"kind\":\"read\",\"seq\":1}");
    Frames.ofType(ws, "receipt");
    return new String[] {user, conv};
  }

  /** What root reads when it joins {@code conv} from the start. */
  List<JsonNode> rootReads(String conv) throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\",\"token\":\"" + root + "\"}");
      Frames.ofType(ws, "welcome");
      ws.sendText("{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"" + conv + "\",\"after\":0}");
      JsonNode joined;
      do {
        joined = Frames.ofType(ws, "joined");
      } while (!joined.path("ref").asText().equals("j"));
      List<JsonNode> out = new ArrayList<>();
      while (out.size() < joined.get("lastSeq").asLong()) {
        out.add(Frames.ofType(ws, "message"));
      }
      return out;
    }
  }

  long count(String sql, String... args) throws Exception {
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data").resolve("parley.db"));
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  void anErasedVisitorsWordsAreGoneFromTheFileAndTheAgentReadsTombstonesInSeqOrder()
      throws Exception {
    String user;
    String conv;
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      String[] v = visitorWhoSaidTheSecret(ws);
      user = v[0];
      conv = v[1];
    }
    String visitorPath =
        "/api/admin/sites/shop/visitors/" + URLEncoder.encode(user, StandardCharsets.UTF_8);

    HttpResponse<String> export = call("GET", visitorPath + "/export", root);
    assertThat(export.statusCode()).as(export.body()).isEqualTo(200);
    JsonNode e = json.readTree(export.body());
    assertThat(e.get("visitor").asText()).isEqualTo(user);
    assertThat(e.get("conversations").get(0).get("id").asText()).isEqualTo(conv);
    assertThat(e.get("conversations").get(0).get("messages").findValuesAsText("text"))
        .contains(SECRET + " 1", SECRET + " 2");
    assertThat(count("SELECT COUNT(*) FROM messages WHERE body LIKE ?", "%SECRET%")).isEqualTo(2);

    assertThat(call("DELETE", visitorPath, null).statusCode()).isEqualTo(401);
    HttpResponse<String> erased = call("DELETE", visitorPath, root);
    assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
    assertThat(json.readTree(erased.body()).get("messages").asInt()).isEqualTo(2);

    assertThat(count("SELECT COUNT(*) FROM messages WHERE body LIKE ?", "%SECRET%")).isZero();
    assertThat(count("SELECT COUNT(*) FROM messages WHERE sender = ?", user)).isZero();
    assertThat(count("SELECT COUNT(*) FROM receipts WHERE user_id = ?", user)).isZero();
    assertThat(count("SELECT COUNT(*) FROM chat_conversations WHERE visitor = ?", user)).isZero();
    assertThat(count("SELECT COUNT(*) FROM chat_conversations WHERE id = ?", conv)).isEqualTo(1);

    List<JsonNode> read = rootReads(conv);
    assertThat(read).isNotEmpty();
    for (int i = 0; i < read.size(); i++) {
      assertThat(read.get(i).get("seq").asLong()).isEqualTo(i + 1L);
      assertThat(read.get(i).path("text").asText()).doesNotContain("SECRET");
    }
    List<JsonNode> tombstones =
        read.stream().filter(m -> m.get("kind").asText().equals("erased")).toList();
    assertThat(tombstones).hasSize(2);
    assertThat(tombstones)
        .allSatisfy(
            m -> {
              assertThat(m.get("from").asText()).isEqualTo("erased");
              assertThat(m.path("text").asText()).isEmpty();
              assertThat(m.has("cid")).isFalse();
            });

    JsonNode after = json.readTree(call("GET", visitorPath + "/export", root).body());
    assertThat(after.get("conversations")).isEmpty();
    JsonNode audit = json.readTree(call("GET", "/api/admin/audit?limit=10", root).body());
    assertThat(audit.findValuesAsText("action")).contains("erase-visitor", "export-visitor");
  }

  @Test
  void aDeletedConversationIsGoneFromTheFileAndOnlyItsSitesAdminPathFindsIt() throws Exception {
    String conv;
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      conv = visitorWhoSaidTheSecret(ws)[1];
    }
    assertThat(call("DELETE", "/api/admin/sites/nosuch/conversations/" + conv, root).statusCode())
        .isEqualTo(404);
    assertThat(call("DELETE", "/api/admin/sites/shop/conversations/" + conv, root).statusCode())
        .as("an open conversation")
        .isEqualTo(409);
    assertThat(call("POST", "/api/conversations/" + conv + "/accept", root).statusCode())
        .isEqualTo(200);
    assertThat(call("POST", "/api/conversations/" + conv + "/resolve", root).statusCode())
        .isEqualTo(200);

    HttpResponse<String> deleted =
        call("DELETE", "/api/admin/sites/shop/conversations/" + conv, root);

    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
    assertThat(count("SELECT COUNT(*) FROM messages WHERE conversation = ?", conv)).isZero();
    assertThat(count("SELECT COUNT(*) FROM receipts WHERE conversation = ?", conv)).isZero();
    // The record stays as an anonymous tombstone, so the id is never handed out again.
    assertThat(count("SELECT COUNT(*) FROM chat_conversations WHERE id = ?", conv)).isEqualTo(1);
    assertThat(
            count(
                "SELECT COUNT(*) FROM chat_conversations WHERE id = ? AND visitor = ?",
                conv,
                "deleted:" + conv))
        .isEqualTo(1);
    assertThat(call("DELETE", "/api/admin/sites/shop/conversations/" + conv, root).statusCode())
        .isEqualTo(404);
    JsonNode audit = json.readTree(call("GET", "/api/admin/audit?limit=10", root).body());
    assertThat(audit.findValuesAsText("action")).contains("delete-conversation");
  }

  @Test
  void theExportHoldsTheSourcesABotAnswerCited() throws Exception {
    String user;
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\",\"site\":\"shop\"}");
      user = Frames.ofType(ws, "welcome").get("user").asText();
      String conv = Frames.ofType(ws, "conversation").get("conv").asText();
      ws.sendText(
          "{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\""
              + conv
              + "\",\"text\":\"What is the heartbeat?\"}");
      JsonNode answer;
      do {
        answer = Frames.ofType(ws, "message");
      } while (!answer.get("kind").asText().equals("bot") || answer.get("seq").asLong() < 3);
      assertThat(answer.at("/meta/sources/0/title").asText()).endsWith(".md");
    }
    JsonNode e =
        json.readTree(
            call(
                    "GET",
                    "/api/admin/sites/shop/visitors/"
                        + URLEncoder.encode(user, StandardCharsets.UTF_8)
                        + "/export",
                    root)
                .body());
    JsonNode messages = e.get("conversations").get(0).get("messages");
    assertThat(messages.get(2).at("/meta/sources/0/title").asText()).endsWith(".md");
    assertThat(messages.get(1).has("meta")).as("the visitor's message has none").isFalse();
  }

  @Test
  void theRetentionPeriodIsASiteSettingWithBounds() throws Exception {
    HttpRequest put =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/api/admin/sites/shop"))
            .PUT(
                HttpRequest.BodyPublishers.ofString("{\"greeting\": \"Hi\", \"retentionDays\": 0}"))
            .header("Authorization", "Bearer " + root)
            .header("Content-Type", "application/json")
            .build();
    HttpResponse<String> bad = http.send(put, HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json.readTree(bad.body()).get("field").asText()).isEqualTo("retentionDays");

    HttpRequest good =
        HttpRequest.newBuilder(put.uri())
            .PUT(
                HttpRequest.BodyPublishers.ofString(
                    "{\"greeting\": \"Hi\", \"retentionDays\": 90}"))
            .header("Authorization", "Bearer " + root)
            .header("Content-Type", "application/json")
            .build();
    HttpResponse<String> ok = http.send(good, HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(json.readTree(ok.body()).get("retentionDays").asInt()).isEqualTo(90);
  }
}
