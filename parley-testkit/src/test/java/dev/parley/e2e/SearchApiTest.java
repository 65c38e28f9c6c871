package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.client.ParleyClient;
import dev.parley.server.SitesFile;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Search over conversations through the REST API of a real server (SQLite): an agent finds its
 * sites' conversations and only those, an admin every site's; typed syntax stays literal; every
 * limit answers 400 naming its field; an erased visitor's words are gone from the results.
 */
@Timeout(120)
class SearchApiTest {
  @TempDir Path dir;
  TestServer server;
  final List<ParleyClient> clients = new ArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void start() throws Exception {
    Path sites = dir.resolve("sites.json");
    Files.writeString(
        sites,
        """
        {"sites": [{"id": "demo", "name": "Demo", "greeting": "Hi!"},
                   {"id": "other", "name": "Other", "greeting": "Hello!"}],
         "agents": [
           {"user": "maya", "name": "Maya", "sites": ["other"], "capacity": 0, "password": "pw", "admin": true},
           {"user": "sam", "name": "Sam", "sites": ["demo"], "capacity": 0, "password": "pw"},
           {"user": "zed", "name": "Zed", "sites": ["other"], "capacity": 0, "password": "pw"}]}
        """);
    server =
        TestServer.start(
            dir.resolve("data"),
            b -> b.sites(SitesFile.load(sites)).agents(null).botPacing(Duration.ZERO));
  }

  @AfterEach
  void stop() {
    clients.forEach(ParleyClient::close);
    server.close();
    http.close();
  }

  /** A visitor of {@code site} who says {@code text}; returns its conversation. */
  String visitorSays(String site, String text) throws Exception {
    RecordingListener rec = new RecordingListener();
    ParleyClient c = ParleyClient.builder(server.wsUri()).site(site).listener(rec).build();
    clients.add(c);
    c.connect().get(10, TimeUnit.SECONDS);
    String conv = ChatFlowTest.conversationOf(rec);
    ChatFlowTest.greetingShown(rec, conv);
    c.send(conv, text).get(10, TimeUnit.SECONDS);
    return conv;
  }

  String tokenOf(String user) throws Exception {
    ParleyClient c =
        ParleyClient.builder(server.wsUri())
            .login(user, "pw")
            .listener(new RecordingListener())
            .build();
    clients.add(c);
    c.connect().get(10, TimeUnit.SECONDS);
    return c.token();
  }

  HttpResponse<String> call(String method, String pathAndQuery, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode search(String token, String query) throws Exception {
    HttpResponse<String> r = call("GET", "/api/search?" + query, token);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json.readTree(r.body()).get("results");
  }

  static String q(String text) {
    return "q=" + URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  void refused(String token, String query, int status, String code, String field) throws Exception {
    HttpResponse<String> r = call("GET", "/api/search?" + query, token);
    assertThat(r.statusCode()).as(query + " " + r.body()).isEqualTo(status);
    JsonNode body = json.readTree(r.body());
    assertThat(body.get("error").asText()).as(query).isEqualTo(code);
    if (field != null) {
      assertThat(body.get("field").asText()).as(query).isEqualTo(field);
    }
  }

  @Test
  void anAgentFindsItsSitesConversationsAtTheMatchingMessageAndAnAdminEverySites()
      throws Exception {
    String demo = visitorSays("demo", "My zanzibar parcel never arrived");
    String other = visitorSays("other", "Is the zanzibar office open?");
    String sam = tokenOf("sam");
    String zed = tokenOf("zed");
    String maya = tokenOf("maya");

    JsonNode hits = search(sam, q("Zanzibar"));
    assertThat(hits).hasSize(1);
    JsonNode hit = hits.get(0);
    assertThat(hit.get("conv").asText()).isEqualTo(demo);
    assertThat(hit.get("seq").asLong()).isEqualTo(2); // after the stored greeting
    assertThat(hit.get("note").asBoolean()).isFalse();
    assertThat(hit.get("site").asText()).isEqualTo("demo");
    assertThat(hit.get("snippet").toString())
        .isEqualTo(
            "[{\"text\":\"My \",\"match\":false},{\"text\":\"zanzibar\",\"match\":true},"
                + "{\"text\":\" parcel never arrived\",\"match\":false}]");

    assertThat(search(zed, q("zanzibar")).get(0).get("conv").asText()).isEqualTo(other);
    assertThat(search(zed, q("zanzibar"))).hasSize(1);
    assertThat(search(maya, q("zanzibar"))).as("an admin searches every site").hasSize(2);
    assertThat(search(maya, q("zanzibar") + "&site=demo")).hasSize(1);
    refused(zed, q("zanzibar") + "&site=demo", 404, "not_found", "site");
    assertThat(search(sam, q("zanzibar") + "&status=resolved")).isEmpty();
    assertThat(search(sam, q("zanzibar") + "&status=bot")).hasSize(1);
    assertThat(search(sam, q("zanzibar") + "&from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z"))
        .isEmpty();
    assertThat(search(sam, q("\"zanzibar* AND NEAR(parcel: '")).size())
        .as("typed syntax is literal: the words \"and\" and \"near\" are not in the message")
        .isZero();
    assertThat(search(sam, q("\"zanzibar* (parcel: '"))).hasSize(1);
  }

  @Test
  void everyLimitIsA400NamingItsFieldAndCredentialsAreRequired() throws Exception {
    String sam = tokenOf("sam");
    refused(sam, "", 400, "invalid_field", "q");
    refused(sam, q("x".repeat(201)), 400, "invalid_field", "q");
    assertThat(search(sam, q("x".repeat(200)))).isEmpty();
    refused(sam, q("\"*:()"), 400, "invalid_field", "q");
    refused(sam, q("a") + "&limit=0", 400, "invalid_field", "limit");
    refused(sam, q("a") + "&limit=101", 400, "invalid_field", "limit");
    refused(sam, q("a") + "&limit=ten", 400, "invalid_field", "limit");
    assertThat(search(sam, q("a") + "&limit=100")).isEmpty();
    refused(sam, q("a") + "&status=sleeping", 400, "invalid_field", "status");
    refused(sam, q("a") + "&label=VIP!", 400, "invalid_field", "label");
    refused(sam, q("a") + "&from=yesterday", 400, "invalid_field", "from");
    refused(sam, q("a") + "&to=2026-12-01", 400, "invalid_field", "to");
    refused(
        sam,
        q("a") + "&from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z",
        400,
        "invalid_field",
        "to");
    refused(sam, q("a") + "&cursor=nonsense", 400, "invalid_field", "cursor");
    refused(null, q("a"), 401, "unauthorized", null);
    assertThat(call("POST", "/api/search?" + q("a"), sam).statusCode()).isEqualTo(405);
  }

  @Test
  void pagesFollowTheCursorNewestFirst() throws Exception {
    for (int i = 0; i < 3; i++) {
      visitorSays("demo", "quokka story " + i);
    }
    String sam = tokenOf("sam");
    HttpResponse<String> first = call("GET", "/api/search?" + q("quokka") + "&limit=2", sam);
    JsonNode page = json.readTree(first.body());
    assertThat(page.get("results")).hasSize(2);
    assertThat(page.get("results").get(0).get("snippet").get(1).get("text").asText())
        .isEqualTo(" story 2");
    String next = page.get("next").asText();
    JsonNode second =
        json.readTree(
            call(
                    "GET",
                    "/api/search?"
                        + q("quokka")
                        + "&limit=2&cursor="
                        + URLEncoder.encode(next, StandardCharsets.UTF_8),
                    sam)
                .body());
    assertThat(second.get("results")).hasSize(1);
    assertThat(second.get("results").get(0).get("snippet").get(1).get("text").asText())
        .isEqualTo(" story 0");
    assertThat(second.has("next") && !second.get("next").isNull()).isFalse();
  }

  @Test
  void anErasedVisitorsWordsAreGoneFromTheResults() throws Exception {
    visitorSays("demo", "Please forget my quixotic request");
    String maya = tokenOf("maya");
    JsonNode hit = search(maya, q("quixotic")).get(0);
    String visitor = hit.get("visitor").asText();
    HttpResponse<String> erased =
        call(
            "DELETE",
            "/api/admin/sites/demo/visitors/" + URLEncoder.encode(visitor, StandardCharsets.UTF_8),
            maya);
    assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
    assertThat(search(maya, q("quixotic"))).isEmpty();
  }
}
