package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.protocol.Codec;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site's widget appearance (issue 16, part 8) on a real server: an admin sets it through the
 * admin API, the widget's pages get it from {@code /api/sites/{site}/appearance} (cached,
 * versioned, only for the site's origins), and a visitor who says its language in {@code hello} is
 * greeted in it.
 */
@Timeout(90)
class WidgetAppearanceTest {
  @TempDir Path dir;
  TestServer server;
  final Codec codec = ChatProtocol.codec();
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

  HttpResponse<String> admin(String method, String path, String body) throws Exception {
    return call(
        method,
        path,
        body,
        Map.of("Authorization", "Bearer " + root, "Content-Type", "application/json"));
  }

  /** The greeting a new visitor of {@code site} who says {@code lang} (null: none) is shown. */
  String greetingIn(String site, String lang) throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText(
          "{\"type\":\"hello\",\"site\":\""
              + site
              + "\""
              + (lang == null ? "" : ",\"lang\":\"" + lang + "\"")
              + "}");
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < 50; i++) {
        JsonNode e = json.readTree(ws.readText());
        if (e.path("type").asText().equals("error")) {
          return "error: " + e;
        }
        if (e.path("type").asText().equals("answer") && e.path("id").asText().startsWith("m_hi_")) {
          if (e.path("phase").asText().equals("end")) {
            return text.toString();
          }
          text.append(e.path("text").asText(""));
        }
      }
      throw new AssertionError("no greeting");
    }
  }

  @Test
  void anAdminRestylesASiteAndItsPagesGetTheNewLookWhileOthersGetNothing() throws Exception {
    HttpResponse<String> made =
        admin(
            "POST",
            "/api/admin/sites",
            """
            {"id": "acme", "greeting": "Welcome to Acme!", "allowedOrigins": ["https://acme.example"],
             "appearance": {"accent": "#0a7d4f", "position": "bottom-left", "title": "Acme help",
                            "avatarUrl": "/logo.svg",
                            "texts": {"de": {"greeting": "Willkommen bei Acme!", "title": "Acme-Hilfe"}}}}""");
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    assertThat(json.readTree(made.body()).at("/appearance/accent").asText()).isEqualTo("#0a7d4f");

    Map<String, String> acme = Map.of("Origin", "https://acme.example");
    HttpResponse<String> look = call("GET", "/api/sites/acme/appearance", null, acme);
    assertThat(look.statusCode()).as(look.body()).isEqualTo(200);
    JsonNode view = json.readTree(look.body());
    assertThat(view.get("accent").asText()).isEqualTo("#0a7d4f");
    assertThat(view.get("position").asText()).isEqualTo("bottom-left");
    assertThat(view.at("/texts/de/title").asText()).isEqualTo("Acme-Hilfe");
    assertThat(look.headers().firstValue("Access-Control-Allow-Origin"))
        .contains("https://acme.example");
    assertThat(look.headers().firstValue("Cache-Control")).contains("public, max-age=60");
    String etag = look.headers().firstValue("ETag").orElseThrow();

    Map<String, String> revalidate =
        Map.of("Origin", "https://acme.example", "If-None-Match", etag);
    assertThat(call("GET", "/api/sites/acme/appearance", null, revalidate).statusCode())
        .isEqualTo(304);
    assertThat(
            call(
                    "GET",
                    "/api/sites/acme/appearance",
                    null,
                    Map.of("Origin", "https://evil.example"))
                .statusCode())
        .isEqualTo(403);
    assertThat(call("GET", "/api/sites/nope/appearance", null, Map.of()).statusCode())
        .isEqualTo(404);

    String version = made.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> changed =
        call(
            "PUT",
            "/api/admin/sites/acme",
            """
            {"greeting": "Welcome to Acme!", "allowedOrigins": ["https://acme.example"],
             "appearance": {"accent": "#aa3300"}}""",
            Map.of(
                "Authorization",
                "Bearer " + root,
                "Content-Type",
                "application/json",
                "If-Match",
                version));
    assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
    HttpResponse<String> after = call("GET", "/api/sites/acme/appearance", null, revalidate);
    assertThat(after.statusCode()).as("a new version").isEqualTo(200);
    assertThat(json.readTree(after.body()).get("accent").asText()).isEqualTo("#aa3300");
    assertThat(after.headers().firstValue("ETag").orElseThrow()).isNotEqualTo(etag);
  }

  @Test
  void aVisitorIsGreetedInItsLanguageOrInTheSitesDefault() throws Exception {
    HttpResponse<String> made =
        admin(
            "POST",
            "/api/admin/sites",
            """
            {"id": "acme", "greeting": "Welcome to Acme!",
             "appearance": {"texts": {"de": {"greeting": "Willkommen bei Acme!"}}}}""");
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    assertThat(greetingIn("acme", "de-AT")).isEqualTo("Willkommen bei Acme!");
    assertThat(greetingIn("acme", "fr")).isEqualTo("Welcome to Acme!");
    assertThat(greetingIn("acme", null)).isEqualTo("Welcome to Acme!");
    assertThat(greetingIn("acme", "not a language")).contains("error").contains("lang");
  }

  @Test
  void aBadAppearanceIsRefusedNamingTheField() throws Exception {
    HttpResponse<String> bad =
        admin(
            "POST",
            "/api/admin/sites",
            """
            {"id": "acme", "greeting": "hi", "appearance": {"avatarUrl": "javascript:alert(1)"}}""");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json.readTree(bad.body()).get("field").asText()).isEqualTo("appearance.avatarUrl");
  }
}
