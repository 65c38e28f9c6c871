package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.chat.Agent;
import dev.parley.chat.Site;
import dev.parley.client.ParleyClient;
import dev.parley.edge.Passwords;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The agents' REST API over real HTTP, next to a visitor on the WebSocket. */
@Timeout(60)
class RestApiTest {
  @TempDir Path dir;
  TestServer server;
  ParleyClient visitor;
  final RecordingListener rec = new RecordingListener();
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();
  String ann;
  String zed;
  String conv;

  @BeforeEach
  void start() throws Exception {
    String hash = Passwords.hash("pw");
    // Capacity 0: nobody is assigned automatically, so the API does it.
    server =
        TestServer.start(
            dir,
            b ->
                b.botPacing(Duration.ZERO)
                    .agents(
                        List.of(
                            new Agent("ann", "Ann", Set.of("demo"), 0, hash),
                            new Agent("zed", "Zed", Set.of("other"), 0, hash))));
    ann = login("ann");
    zed = login("zed");
    visitor = ParleyClient.builder(server.wsUri()).site("demo").listener(rec).build();
    visitor.connect().get(10, TimeUnit.SECONDS);
    conv = ChatFlowTest.conversationOf(rec);
    ChatFlowTest.greetingShown(rec, conv); // the greeting is stored with the first message
    visitor.handoff(conv);
    HandoffTest.awaitStatus(rec, conv, "queued");
  }

  @AfterEach
  void stop() {
    visitor.close();
    server.close();
    http.close();
  }

  String login(String user) throws Exception {
    Codec codec = ChatProtocol.codec();
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\",\"user\":\"" + user + "\",\"password\":\"pw\"}");
      return ((Push.Welcome) codec.decodePush(ws.readText())).token();
    }
  }

  HttpResponse<String> call(String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode ok(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return json.readTree(r.body());
  }

  @Test
  void anAgentWorksAConversationThroughTheApi() throws Exception {
    JsonNode queue = ok(call("GET", "/api/queue", ann, null), 200);
    assertThat(queue).hasSize(1);
    assertThat(queue.get(0).get("id").asText()).isEqualTo(conv);
    assertThat(queue.get(0).get("status").asText()).isEqualTo("queued");

    ok(call("POST", "/api/conversations/" + conv + "/accept", ann, null), 200);
    HandoffTest.awaitStatus(rec, conv, "assigned");
    assertThat(ok(call("GET", "/api/conversations/" + conv, ann, null), 200).get("agent").asText())
        .isEqualTo("ann");

    JsonNode posted =
        ok(
            call(
                "POST",
                "/api/conversations/" + conv + "/messages",
                ann,
                "{\"cid\":\"r1\",\"text\":\"Hello from the API\"}"),
            201);
    JsonNode again =
        ok(
            call(
                "POST",
                "/api/conversations/" + conv + "/messages",
                ann,
                "{\"cid\":\"r1\",\"text\":\"Hello from the API\"}"),
            201);
    assertThat(again.get("seq").asLong())
        .as("same cid, same message")
        .isEqualTo(posted.get("seq").asLong());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                rec.messages(conv).stream()
                    .anyMatch(
                        m -> m.text().equals("Hello from the API") && m.from().equals("ann")));

    JsonNode page =
        ok(call("GET", "/api/conversations/" + conv + "/messages?limit=2", ann, null), 200);
    assertThat(page.get("messages")).hasSize(2);
    assertThat(page.get("more").asBoolean()).isTrue();
    assertThat(page.get("messages").get(1).get("text").asText()).isEqualTo("Hello from the API");

    ok(call("POST", "/api/conversations/" + conv + "/resolve", ann, null), 200);
    HandoffTest.awaitStatus(rec, conv, "resolved");
    assertThat(ok(call("GET", "/api/sites/demo", ann, null), 200).get("greeting").asText())
        .isEqualTo(Site.demo().greeting());
  }

  @Test
  void theApiRefusesStrangersAndOtherSites() throws Exception {
    assertThat(call("GET", "/api/queue", null, null).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/api/queue", visitor.token(), null).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/api/queue", ann + "x", null).statusCode()).isEqualTo(401);
    // An agent of site "other" cannot see or touch a demo conversation.
    assertThat(call("GET", "/api/conversations/" + conv, zed, null).statusCode()).isEqualTo(404);
    assertThat(call("POST", "/api/conversations/" + conv + "/accept", zed, null).statusCode())
        .isEqualTo(403);
    assertThat(call("GET", "/api/queue?site=demo", zed, null).statusCode()).isEqualTo(403);
    // Cookies carry no authority: a cross-site form post cannot write.
    HttpRequest forged =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + server.port()
                        + "/api/conversations/"
                        + conv
                        + "/messages"))
            .header("Cookie", "token=" + ann)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"forged\"}"))
            .build();
    assertThat(http.send(forged, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    // Writing without being the assigned agent, and bad bodies.
    assertThat(
            call("POST", "/api/conversations/" + conv + "/messages", ann, "{\"text\":\"not yet\"}")
                .statusCode())
        .isEqualTo(403);
    assertThat(
            call("POST", "/api/conversations/" + conv + "/messages", ann, "{\"text\":")
                .statusCode())
        .isEqualTo(400);
    HttpResponse<String> cites =
        call(
            "POST",
            "/api/conversations/" + conv + "/messages",
            ann,
            "{\"text\":\"see\",\"sources\":[{\"title\":\"FAQ\"}]}");
    assertThat(cites.statusCode()).as("sources are the bots' only").isEqualTo(400);
    assertThat(cites.body()).contains("sources are set by the bots only");
    assertThat(call("GET", "/api/conversations?status=sleeping", ann, null).statusCode())
        .isEqualTo(400);
  }

  @Test
  void theOpenApiDocumentIsServedAndNamesEveryRoute() throws Exception {
    JsonNode doc = ok(call("GET", "/api/openapi.json", null, null), 200);
    assertThat(doc.get("openapi").asText()).startsWith("3.");
    Set<String> paths = new HashSet<>();
    doc.get("paths").fieldNames().forEachRemaining(paths::add);
    assertThat(paths)
        .containsExactlyInAnyOrder(
            "/api/openapi.json",
            "/api/logout",
            "/api/admin/sites",
            "/api/admin/sites/{site}",
            "/api/admin/sites/{site}/knowledge",
            "/api/admin/sites/{site}/report",
            "/api/admin/sites/{site}/knowledge/{id}",
            "/api/admin/sites/{site}/knowledge/reindex",
            "/api/admin/sites/{site}/knowledge/fetch",
            "/api/admin/sites/{site}/knowledge/crawl",
            "/api/admin/sites/{site}/knowledge/crawl/{id}",
            "/api/admin/agents",
            "/api/admin/agents/{user}",
            "/api/admin/agents/{user}/password",
            "/api/admin/audit",
            "/api/admin/namespaces",
            "/api/admin/namespaces/{name}",
            "/api/admin/api-keys",
            "/api/admin/api-keys/{id}",
            "/api/v1/publish",
            "/api/v1/broadcast",
            "/api/v1/channels/{channel}/presence",
            "/api/v1/channels/{channel}/history",
            "/api/v1/users/{user}/disconnect",
            "/api/admin/sites/{site}/deliveries",
            "/api/admin/sites/{site}/visitors/{visitor}/export",
            "/api/admin/sites/{site}/visitors/{visitor}",
            "/api/admin/sites/{site}/conversations/{conv}",
            "/api/admin/mail",
            "/api/queue",
            "/api/conversations",
            "/api/conversations/{id}",
            "/api/conversations/{id}/messages",
            "/api/conversations/{id}/accept",
            "/api/conversations/{id}/transfer",
            "/api/conversations/{id}/resolve",
            "/api/conversations/{id}/labels",
            "/api/conversations/{id}/visitor",
            "/api/conversations/{id}/files",
            "/api/conversations/{id}/messages/{seq}/speech",
            "/api/files/{id}",
            "/api/files/{id}/content",
            "/api/files/{id}/thumbnail",
            "/api/search",
            "/api/sites/{site}/canned",
            "/api/sites/{site}/canned/{shortcut}",
            "/api/sites/{site}",
            "/api/sites/{site}/appearance");
  }
}
