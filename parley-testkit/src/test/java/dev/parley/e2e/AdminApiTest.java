package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.client.ParleyClient;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live administration (issue 16): an admin creates a site and an agent through the API and they
 * work at once — the site greets its visitors, the agent logs in — without a restart; versions
 * guard against lost updates, bodies are checked field by field, secrets never come back, every
 * change is in the audit log, and a restart keeps it all (the sites file's entries are imported
 * again without a change).
 */
@Timeout(90)
class AdminApiTest {
  @TempDir Path dir;
  TestServer server;
  final Codec codec = ChatProtocol.codec();
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();
  String root;

  @BeforeEach
  void start() throws Exception {
    server = SitesServer.start(dir, SitesServer.SHOP);
    root = login("root", "roots-password");
  }

  @AfterEach
  void stop() {
    server.close();
    http.close();
  }

  String login(String user, String password) throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText(
          "{\"type\":\"hello\",\"user\":\"" + user + "\",\"password\":\"" + password + "\"}");
      Push p = codec.decodePush(ws.readText());
      assertThat(p).as("login of " + user).isInstanceOf(Push.Welcome.class);
      return ((Push.Welcome) p).token();
    }
  }

  HttpResponse<String> call(
      String method, String path, String token, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    headers.forEach(r::header);
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> call(String method, String path, String body) throws Exception {
    return call(method, path, root, body, Map.of());
  }

  /** A new visitor of {@code site}: the greeting it is shown. */
  String greetingOf(String site) throws Exception {
    RecordingListener rec = new RecordingListener();
    try (ParleyClient v = ParleyClient.builder(server.wsUri()).site(site).listener(rec).build()) {
      v.connect().get(10, TimeUnit.SECONDS);
      return ChatFlowTest.greetingShown(rec, ChatFlowTest.conversationOf(rec));
    }
  }

  @Test
  void aSiteAndAnAgentCreatedThroughTheApiWorkAtOnce() throws Exception {
    HttpResponse<String> site =
        call(
            "POST",
            "/api/admin/sites",
            """
        {"id": "acme", "name": "Acme", "greeting": "Welcome to Acme!", "allowedOrigins": ["https://acme.example"],
         "identitySecret": "an-identity-secret-of-at-least-32-bytes",
         "bot": {"kind": "kb"}}""");
    assertThat(site.statusCode()).as(site.body()).isEqualTo(201);
    assertThat(site.headers().firstValue("ETag")).isPresent();
    JsonNode created = json.readTree(site.body());
    assertThat(created.get("identitySecretSet").asBoolean()).isTrue();
    assertThat(site.body()).doesNotContain("an-identity-secret");

    assertThat(greetingOf("acme")).isEqualTo("Welcome to Acme!");

    HttpResponse<String> agent =
        call(
            "POST",
            "/api/admin/agents",
            """
        {"user": "ana", "name": "Ana", "sites": ["acme"], "capacity": 2, "password": "anas-long-password"}""");
    assertThat(agent.statusCode()).as(agent.body()).isEqualTo(201);
    assertThat(agent.body()).doesNotContain("pbkdf2").doesNotContain("anas-long-password");
    String ana = login("ana", "anas-long-password");
    assertThat(call("GET", "/api/queue?site=acme", ana, null, Map.of()).statusCode())
        .isEqualTo(200);
    assertThat(call("GET", "/api/admin/sites", ana, null, Map.of()).statusCode())
        .as("not an admin")
        .isEqualTo(403);
    assertThat(call("GET", "/api/admin/sites", null, null, Map.of()).statusCode()).isEqualTo(401);
  }

  @Test
  void aChangeOverAnOldVersionIsRefusedAndTheNewOneTakesEffect() throws Exception {
    HttpResponse<String> site =
        call("POST", "/api/admin/sites", "{\"id\": \"acme\", \"greeting\": \"One\"}");
    String etag = site.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> second =
        call(
            "PUT",
            "/api/admin/sites/acme",
            root,
            "{\"greeting\": \"Two\"}",
            Map.of("If-Match", etag));
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    HttpResponse<String> lost =
        call(
            "PUT",
            "/api/admin/sites/acme",
            root,
            "{\"greeting\": \"Lost\"}",
            Map.of("If-Match", etag));
    assertThat(lost.statusCode()).isEqualTo(412);
    assertThat(json.readTree(lost.body()).get("error").asText()).isEqualTo("precondition_failed");
    assertThat(greetingOf("acme")).isEqualTo("Two");
    assertThat(
            call("POST", "/api/admin/sites", "{\"id\": \"acme\", \"greeting\": \"Again\"}")
                .statusCode())
        .isEqualTo(409);
    assertThat(call("PUT", "/api/admin/sites/nope", "{\"greeting\": \"x\"}").statusCode())
        .isEqualTo(404);
  }

  @Test
  void badBodiesAreRefusedNamingTheField() throws Exception {
    assertField(
        call(
            "POST",
            "/api/admin/sites",
            "{\"id\": \"acme\", \"greeting\": \"Hi\", \"colour\": \"red\"}"),
        "colour");
    assertField(
        call(
            "POST",
            "/api/admin/sites",
            "{\"id\": \"acme\", \"greeting\": \"Hi\", \"allowedOrigins\": "
                + "[\"https://ok.example\", \"javascript:alert(1)\"]}"),
        "allowedOrigins[1]");
    assertField(
        call(
            "POST",
            "/api/admin/sites",
            "{\"id\": \"acme\", \"greeting\": \"Hi\", \"bot\": {\"kind\": \"llm\", "
                + "\"llm\": {\"baseUrl\": \"ftp://model\"}}}"),
        "bot.llm.baseUrl");
    assertField(
        call(
            "POST",
            "/api/admin/sites",
            "{\"id\": \"acme\", \"greeting\": \"Hi\", \"confidenceThreshold\": " + "\"high\"}"),
        "confidenceThreshold");
    assertField(
        call(
            "POST",
            "/api/admin/agents",
            "{\"user\": \"bo\", \"sites\": [\"ghost\"], \"password\": " + "\"a-long-password-1\"}"),
        "sites[0]");
    assertField(
        call(
            "POST",
            "/api/admin/agents",
            "{\"user\": \"bo\", \"sites\": [\"shop\"], \"password\": \"short\"}"),
        "password");
    assertThat(call("POST", "/api/admin/sites", "{not json").statusCode()).isEqualTo(400);
    assertThat(json.readTree(call("GET", "/api/admin/sites", null).body()).size())
        .as("nothing was created")
        .isEqualTo(1);
  }

  void assertField(HttpResponse<String> r, String field) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    JsonNode b = json.readTree(r.body());
    assertThat(b.get("error").asText()).isEqualTo("invalid_field");
    assertThat(b.get("field").asText()).isEqualTo(field);
  }

  @Test
  void aDisabledSiteIsGoneForVisitorsAndEveryChangeIsAudited() throws Exception {
    call("POST", "/api/admin/sites", "{\"id\": \"acme\", \"greeting\": \"Hi\"}");
    assertThat(
            call("PUT", "/api/admin/sites/acme", "{\"greeting\": \"Hi\", \"disabled\": true}")
                .statusCode())
        .isEqualTo(200);
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\",\"site\":\"acme\"}");
      codec.decodePush(ws.readText()); // welcome
      Push.Error e = (Push.Error) codec.decodePush(ws.readText());
      assertThat(e.field()).isEqualTo("site");
    }
    JsonNode audit = json.readTree(call("GET", "/api/admin/audit?limit=10", null).body());
    assertThat(audit.get(0).get("action").asText()).isEqualTo("disable");
    assertThat(audit.get(0).get("actor").asText()).isEqualTo("root");
    assertThat(audit.get(1).get("action").asText()).isEqualTo("create");
    assertThat(audit.findValuesAsText("actor")).contains("import");
  }

  @Test
  void aRestartKeepsWhatTheApiMadeAndImportsTheSitesFileWithoutAChange() throws Exception {
    call("POST", "/api/admin/sites", "{\"id\": \"acme\", \"greeting\": \"Kept\"}");
    int auditBefore = json.readTree(call("GET", "/api/admin/audit?limit=100", null).body()).size();
    server.restart();
    root = login("root", "roots-password");
    assertThat(greetingOf("acme")).isEqualTo("Kept");
    assertThat(greetingOf("shop")).isEqualTo("Hi from the shop");
    assertThat(json.readTree(call("GET", "/api/admin/audit?limit=100", null).body()).size())
        .as("importing the same file again writes nothing")
        .isEqualTo(auditBefore);
  }

  @Test
  void namespacesAreCreatedChangedAndDeletedWithVersionsAndAnAuditTrail() throws Exception {
    HttpResponse<String> made =
        call("PUT", "/api/admin/namespaces/news", "{\"subscribe\": \"anonymous\"}");
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    String etag = made.headers().firstValue("ETag").orElseThrow();
    JsonNode doc = json.readTree(made.body());
    assertThat(doc.get("name").asText()).isEqualTo("news");
    assertThat(doc.get("publish").asText()).as("the narrow default").isEqualTo("admins");
    assertThat(doc.get("presence").asBoolean()).isTrue();
    assertThat(doc.has("deleted")).isFalse();

    HttpResponse<String> changed =
        call(
            "PUT",
            "/api/admin/namespaces/news",
            root,
            "{\"subscribe\": \"anonymous\", \"publish\": \"agents\"}",
            Map.of("If-Match", etag));
    assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
    HttpResponse<String> lost =
        call("PUT", "/api/admin/namespaces/news", root, "{}", Map.of("If-Match", etag));
    assertThat(lost.statusCode()).isEqualTo(412);
    JsonNode list = json.readTree(call("GET", "/api/admin/namespaces", null).body());
    assertThat(list.size()).isEqualTo(1);
    assertThat(list.get(0).get("publish").asText()).isEqualTo("agents");

    assertField(call("PUT", "/api/admin/namespaces/news", "{\"publsh\": \"server\"}"), "publsh");
    assertField(call("PUT", "/api/admin/namespaces/agents", "{}"), "name");
    assertField(call("PUT", "/api/admin/namespaces/news", "{\"name\": \"other\"}"), "name");
    assertField(call("PUT", "/api/admin/namespaces/news", "{\"deleted\": true}"), "deleted");
    assertField(
        call(
            "PUT",
            "/api/admin/namespaces/news",
            "{\"durability\": \"ephemeral\", \"historySize\": 10001}"),
        "historySize");
    assertField(
        call("PUT", "/api/admin/namespaces/news", "{\"historyTtlSeconds\": 5}"),
        "historyTtlSeconds");
    // A durable namespace stays durable: positions in the store do not carry over to a window.
    assertField(
        call("PUT", "/api/admin/namespaces/news", "{\"durability\": \"ephemeral\"}"), "durability");
    assertThat(call("GET", "/api/admin/namespaces", null, null, Map.of()).statusCode())
        .isEqualTo(401);

    assertThat(call("DELETE", "/api/admin/namespaces/news", null).statusCode()).isEqualTo(204);
    assertThat(call("GET", "/api/admin/namespaces/news", null).statusCode()).isEqualTo(404);
    assertThat(call("DELETE", "/api/admin/namespaces/news", null).statusCode()).isEqualTo(404);
    assertThat(json.readTree(call("GET", "/api/admin/namespaces", null).body()).size()).isZero();

    JsonNode audit = json.readTree(call("GET", "/api/admin/audit?limit=3", null).body());
    assertThat(audit.findValuesAsText("action")).containsExactly("delete", "update", "create");
    assertThat(audit.findValuesAsText("kind")).containsOnly("namespace"); // as OpenAPI spells it
  }
}
