package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The visitor panel and the pre-chat form (issue 18, part 1) on a real server with its SQLite
 * store: an admin switches the form on through the admin API (checked field by field, with
 * If-Match) or the sites file, the widget's pages get it with the appearance, a visitor's answers
 * are checked per field, and an agent reads the visitor's page, browser and answers at {@code
 * /api/conversations/{id}/visitor} — also after a restart.
 */
@Timeout(120)
class VisitorPanelTest {
  static final String FIREFOX_ON_LINUX =
      "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";

  static final String FORM =
      """
      "prechat": {"enabled": true, "fields": [
        {"key": "name", "kind": "name", "label": "Your name", "required": true},
        {"key": "email", "kind": "email", "required": true},
        {"key": "order", "kind": "text", "label": "Order number"}]}""";

  static final String SECRET = "acme-backend-signs-identities-with-this-32-bytes";

  @TempDir Path dir;
  TestServer server;
  final Codec codec = ChatProtocol.codec();
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void start() throws Exception {
    server =
        SitesServer.start(
            dir,
            "{\"sites\": [{\"id\": \"shop\", \"greeting\": \"Hi from the shop\"},"
                + " {\"id\": \"acme\", \"greeting\": \"hi\", \"identitySecret\": \""
                + SECRET
                + "\", \"appearance\": {"
                + FORM
                + "}}],"
                + " \"agents\": [{\"user\": \"root\", \"sites\": [\"shop\", \"acme\"],"
                + " \"password\": \"roots-password\", \"admin\": true},"
                + " {\"user\": \"maya\", \"sites\": [\"shop\"], \"password\": \"mayas-password\"}]}");
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
      return ((Push.Welcome) codec.decodePush(ws.readText())).token();
    }
  }

  HttpResponse<String> call(String method, String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(r::header);
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json");
  }

  /** The next event of {@code type} on {@code ws} (others skipped). */
  JsonNode next(RawWebSocket ws, String type) throws Exception {
    for (int i = 0; i < 100; i++) {
      JsonNode e = json.readTree(ws.readText());
      if (e.path("type").asText().equals(type)) {
        return e;
      }
    }
    throw new AssertionError("no " + type);
  }

  @Test
  void anAdminSwitchesTheFormOnAndABadFieldIsRefusedNamingIt() throws Exception {
    String root = login("root", "roots-password");
    HttpResponse<String> bad =
        call(
            "POST",
            "/api/admin/sites",
            """
            {"id": "desk", "greeting": "hi", "appearance": {"prechat": {"enabled": true,
              "fields": [{"key": "name", "kind": "name"}, {"key": "fax", "kind": "fax"}]}}}""",
            bearer(root));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json.readTree(bad.body()).get("field").asText())
        .isEqualTo("appearance.prechat.fields[1].kind");
    HttpResponse<String> empty =
        call(
            "POST",
            "/api/admin/sites",
            """
            {"id": "desk", "greeting": "hi", "appearance": {"prechat": {"enabled": true}}}""",
            bearer(root));
    assertThat(json.readTree(empty.body()).get("field").asText())
        .isEqualTo("appearance.prechat.fields");

    HttpResponse<String> made =
        call(
            "POST",
            "/api/admin/sites",
            "{\"id\": \"desk\", \"greeting\": \"hi\", \"appearance\": {" + FORM + "}}",
            bearer(root));
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    JsonNode look = json.readTree(call("GET", "/api/sites/desk/appearance", null, Map.of()).body());
    assertThat(look.at("/prechat/0/key").asText()).isEqualTo("name");
    assertThat(look.at("/prechat/0/required").asBoolean()).isTrue();
    assertThat(look.at("/prechat/1/maxLength").asInt()).isEqualTo(254);
    assertThat(look.at("/prechat/2/label").asText()).isEqualTo("Order number");

    Map<String, String> stale = new HashMap<>(bearer(root));
    stale.put("If-Match", "\"1\"");
    HttpResponse<String> lost =
        call(
            "PUT",
            "/api/admin/sites/desk",
            "{\"greeting\": \"hi\", \"appearance\": {\"prechat\": {\"enabled\": false}}}",
            stale);
    assertThat(lost.statusCode()).as("an old version").isEqualTo(412);
    Map<String, String> current = new HashMap<>(bearer(root));
    current.put("If-Match", made.headers().firstValue("ETag").orElseThrow());
    HttpResponse<String> off =
        call(
            "PUT",
            "/api/admin/sites/desk",
            "{\"greeting\": \"hi\", \"appearance\": {\"prechat\": {\"enabled\": false,"
                + " \"fields\": [{\"key\": \"name\", \"kind\": \"name\"}]}}}",
            current);
    assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
    JsonNode after =
        json.readTree(call("GET", "/api/sites/desk/appearance", null, Map.of()).body());
    assertThat(after.has("prechat")).as("switched off: the widget gets no form").isFalse();
    assertThat(json.readTree(off.body()).at("/appearance/prechat/fields/0/key").asText())
        .as("the admin keeps the fields")
        .isEqualTo("name");
  }

  @Test
  void aVisitorsAnswersPageAndBrowserReachTheSitesAgentsAndSurviveARestart() throws Exception {
    String root = login("root", "roots-password");
    String conv;
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      String identity =
          AuthenticationTest.hs256(
              SECRET,
              Map.of("sub", "layla-1", "site", "acme", "name", "Layla Haddad", "plan", "gold"),
              Duration.ofHours(1));
      ws.sendText(
          "{\"type\":\"hello\",\"site\":\"acme\",\"lang\":\"ar\",\"token\":\"" + identity + "\"}");
      JsonNode welcome = next(ws, "welcome");
      assertThat(welcome.get("profile.name").asText()).isEqualTo("Layla Haddad");
      conv = next(ws, "conversation").get("conv").asText();
      assertThat(next(ws, "prechat").get("done").asBoolean()).isFalse();
      ws.sendText(
          "{\"type\":\"context\",\"conv\":\""
              + conv
              + "\",\"url\":\"https://acme.example/orders/7\",\"title\":\"Order 7\","
              + "\"timeZone\":\"Asia/Riyadh\",\"utcOffsetMinutes\":180,\"userAgent\":\""
              + FIREFOX_ON_LINUX
              + "\"}");
      ws.sendText(
          "{\"type\":\"prechat\",\"ref\":\"f1\",\"conv\":\""
              + conv
              + "\",\"fields\":{\"name\":\"Layla\",\"email\":\"layla@\"}}");
      JsonNode refused = next(ws, "error");
      assertThat(refused.get("code").asText()).isEqualTo("invalid_field");
      assertThat(refused.get("field").asText()).isEqualTo("email");
      assertThat(refused.get("ref").asText()).isEqualTo("f1");
      ws.sendText(
          "{\"type\":\"prechat\",\"ref\":\"f2\",\"conv\":\""
              + conv
              + "\",\"fields\":{\"name\":\"Layla\",\"email\":\"layla@example.com\","
              + "\"order\":\"A-7\"}}");
      assertThat(next(ws, "prechat").get("done").asBoolean()).isTrue();
    }

    String url = "/api/conversations/" + conv + "/visitor";
    assertThat(call("GET", url, null, Map.of()).statusCode()).isEqualTo(401);
    String maya = login("maya", "mayas-password");
    assertThat(call("GET", url, null, bearer(maya)).statusCode())
        .as("maya is no agent of acme")
        .isEqualTo(404);

    JsonNode panel = json.readTree(call("GET", url, null, bearer(root)).body());
    assertPanel(panel);

    server.restart();
    String again = login("root", "roots-password");
    assertPanel(json.readTree(call("GET", url, null, bearer(again)).body()));
  }

  static void assertPanel(JsonNode panel) {
    assertThat(panel.at("/visitor").asText()).isEqualTo("acme:layla-1");
    assertThat(panel.at("/identity/name").asText()).isEqualTo("Layla Haddad");
    assertThat(panel.at("/identity/plan").asText()).isEqualTo("gold");
    assertThat(panel.at("/prechat/name").asText()).isEqualTo("Layla");
    assertThat(panel.at("/prechat/email").asText()).isEqualTo("layla@example.com");
    assertThat(panel.at("/prechat/order").asText()).isEqualTo("A-7");
    assertThat(panel.at("/url").asText()).isEqualTo("https://acme.example/orders/7");
    assertThat(panel.at("/title").asText()).isEqualTo("Order 7");
    assertThat(panel.at("/lang").asText()).isEqualTo("ar");
    assertThat(panel.at("/timeZone").asText()).isEqualTo("Asia/Riyadh");
    assertThat(panel.at("/utcOffsetMinutes").asInt()).isEqualTo(180);
    assertThat(panel.at("/browser/name").asText()).isEqualTo("Firefox");
    assertThat(panel.at("/os/name").asText()).isEqualTo("Linux");
    assertThat(panel.at("/earlier").isArray()).isTrue();
  }
}
