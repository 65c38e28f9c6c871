package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.client.ParleyException;
import dev.parley.client.ParleyServerApi;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server API end to end (issue 19 part 3): a real server whose sites file configures {@code
 * news} (anyone reads, only the server publishes) and {@code dash} (anyone reads, agents publish),
 * keys made through the admin API, the Java helper {@link ParleyServerApi} and raw WebSockets.
 */
@Timeout(60)
class ServerApiTest {
  static final String FILE =
      """
      {"sites": [{"id": "shop", "greeting": "Hi from the shop"}],
       "agents": [{"user": "root", "sites": ["shop"], "password": "roots-password", "admin": true}],
       "namespaces": [{"name": "news", "subscribe": "anonymous", "publish": "server"},
                      {"name": "dash", "subscribe": "anonymous", "publish": "agents"},
                      {"name": "live", "subscribe": "anonymous", "publish": "server",
                       "durability": "ephemeral"}]}
      """;

  @TempDir Path dir;
  TestServer server;
  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();
  String admin;

  @BeforeEach
  void start() throws Exception {
    server = SitesServer.start(dir, FILE);
    admin = SitesServer.login(server, "root", "roots-password");
  }

  @AfterEach
  void stop() {
    server.close();
    http.close();
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  /** A key made through the admin API for {@code namespaces}: its {@code key} and {@code id}. */
  JsonNode newKey(String... namespaces) throws Exception {
    HttpResponse<String> made =
        call(
            "POST",
            "/api/admin/api-keys",
            admin,
            json.writeValueAsString(
                json.createObjectNode()
                    .put("name", "backend")
                    .set("namespaces", json.valueToTree(List.of(namespaces)))));
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    return json.readTree(made.body());
  }

  HttpResponse<String> call(String method, String path, String bearer, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base().resolve(path));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  RawWebSocket visitorIn(String channel) throws Exception {
    RawWebSocket ws = RawWebSocket.connect(server.port());
    ws.readTimeoutMillis(10_000);
    ws.sendText("{\"type\":\"hello\",\"site\":\"shop\"}");
    next(ws, "welcome");
    ws.sendText("{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"" + channel + "\"}");
    next(ws, "joined");
    return ws;
  }

  JsonNode next(RawWebSocket ws, String type) throws Exception {
    while (true) {
      JsonNode f = json.readTree(ws.readText());
      if (f.get("type").asText().equals(type)) {
        return f;
      }
      assertThat(f.get("type").asText()).as(f.toString()).isNotEqualTo("error");
    }
  }

  String code(ThrowingCall c) {
    try {
      c.run();
    } catch (ParleyException e) {
      return e.code();
    }
    throw new AssertionError("not refused");
  }

  interface ThrowingCall {
    void run();
  }

  @Test
  void aPublicationReachesSubscribersWithItsSeqAndARetryIsStoredOnce() throws Exception {
    var api = ParleyServerApi.of(base(), newKey("news").get("key").asText());
    try (RawWebSocket visitor = visitorIn("news:today")) {
      ParleyServerApi.Published first = api.publish("news:today", "Doors open at nine", "k1");
      assertThat(first.seq()).isEqualTo(1);
      JsonNode m = next(visitor, "message");
      assertThat(m.get("seq").asLong()).isEqualTo(1);
      assertThat(m.get("id").asText()).isEqualTo(first.id());
      assertThat(m.get("from").asText()).isEqualTo("server");
      assertThat(m.get("kind").asText()).isEqualTo("server");
      assertThat(m.get("text").asText()).isEqualTo("Doors open at nine");

      ParleyServerApi.Published again = api.publish("news:today", "Doors open at nine", "k1");
      assertThat(again).as("a retry answers the first publication").isEqualTo(first);
      assertThat(code(() -> api.publish("news:today", "Doors open at ten", "k1")))
          .isEqualTo("idempotency_key_reused");

      assertThat(api.publish("news:today", "Second", null).seq()).isEqualTo(2);
      assertThat(next(visitor, "message").get("seq").asLong())
          .as("the subscriber got the first publication once")
          .isEqualTo(2);
      ParleyServerApi.History h = api.history("news:today", 0, 10);
      assertThat(h.messages())
          .extracting(ParleyServerApi.Message::text)
          .containsExactly("Doors open at nine", "Second");
      assertThat(api.history("news:today", 1, 10).messages())
          .extracting(ParleyServerApi.Message::seq)
          .containsExactly(2L);
      assertThat(api.history("news:today", 0, 1).more()).isTrue();
    }
  }

  @Test
  void aKeyPublishesOnlyIntoItsNamespacesAndBadRequestsHaveTheirCodes() throws Exception {
    var news = ParleyServerApi.of(base(), newKey("news").get("key").asText());
    var all = ParleyServerApi.of(base(), newKey("*").get("key").asText());
    assertThat(code(() -> news.publish("dash:x", "no"))).isEqualTo("forbidden_namespace");
    assertThat(all.history("dash:x", 0, 10).messages()).as("nothing was published").isEmpty();
    assertThat(code(() -> news.history("dash:x", 0, 10))).isEqualTo("forbidden_namespace");
    assertThat(code(() -> all.publish("nope:x", "no"))).isEqualTo("unknown_namespace");
    assertThat(code(() -> all.publish("plain", "no"))).isEqualTo("invalid_channel");
    assertThat(code(() -> all.publish("news:x", "x".repeat(4001)))).isEqualTo("message_too_large");
    assertThat(code(() -> all.publish("news:x", ""))).isEqualTo("invalid_field");
    // An ephemeral channel keeps no record of keys: a key is refused, not silently ignored.
    assertThat(code(() -> all.publish("live:x", "tick", "t-1"))).isEqualTo("invalid_field");
    assertThat(all.publish("live:x", "tick").seq()).isEqualTo(1);
    assertThat(all.publish("live:x", "tock").seq()).isEqualTo(2);
    assertThat(all.history("live:x", 0, 10).messages())
        .as("an ephemeral channel's history is its window")
        .extracting(ParleyServerApi.Message::text)
        .containsExactly("tick", "tock");
    assertThat(all.history("live:x", 0, 1).more()).isTrue();
    assertThat(all.history("live:x", 1, 10).messages())
        .extracting(ParleyServerApi.Message::seq)
        .containsExactly(2L);
    assertThat(all.history("live:x", 0, 10).epoch())
        .as("the epoch its seqs belong to")
        .isNotBlank();
    assertThat(all.history("news:today", 0, 10).epoch()).as("a durable channel's").isNull();
    assertThat(
            code(
                () -> ParleyServerApi.of(base(), "pk_0123456789abcdef_nope").publish("news:x", "")))
        .isEqualTo("unauthorized");

    HttpResponse<String> none = call("POST", "/api/v1/publish", null, "{}");
    assertThat(none.statusCode()).isEqualTo(401);
    HttpResponse<String> forbidden =
        call(
            "POST",
            "/api/v1/publish",
            newKey("news").get("key").asText(),
            "{\"channel\":\"dash:x\",\"data\":\"no\"}");
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertThat(json.readTree(forbidden.body()).get("error").asText())
        .isEqualTo("forbidden_namespace");
    HttpResponse<String> notAnObject =
        call("POST", "/api/v1/publish", newKey("news").get("key").asText(), "null");
    assertThat(notAnObject.statusCode()).as(notAnObject.body()).isEqualTo(400);
    HttpResponse<String> unknownField =
        call(
            "POST",
            "/api/v1/publish",
            newKey("news").get("key").asText(),
            "{\"channel\":\"news:x\",\"data\":\"x\",\"ttl\":1}");
    assertThat(json.readTree(unknownField.body()).get("error").asText()).isEqualTo("invalid_field");

    // Publishing into a namespace whose publish audience is agents is allowed to the server too.
    assertThat(all.publish("dash:x", "from the backend").seq()).isEqualTo(1);

    JsonNode revoked = newKey("news");
    var gone = ParleyServerApi.of(base(), revoked.get("key").asText());
    assertThat(gone.publish("news:r", "ok").seq()).isEqualTo(1);
    HttpResponse<String> list = call("GET", "/api/admin/api-keys", admin, null);
    assertThat(list.body()).doesNotContain(revoked.get("key").asText()).doesNotContain("Sha256");
    assertThat(
            call("DELETE", "/api/admin/api-keys/" + revoked.get("id").asText(), admin, null)
                .statusCode())
        .isEqualTo(204);
    assertThat(code(() -> gone.publish("news:r", "no"))).isEqualTo("unauthorized");
  }

  @Test
  void aBroadcastPublishesIntoEachChannelAndSaysWhichWereRefused() throws Exception {
    var api = ParleyServerApi.of(base(), newKey("news").get("key").asText());
    try (RawWebSocket a = visitorIn("news:a");
        RawWebSocket b = visitorIn("news:b")) {
      List<ParleyServerApi.ChannelResult> results =
          api.broadcast(List.of("news:a", "news:b", "dash:c", "bad"), "Sale!", "b1");
      assertThat(results)
          .extracting(ParleyServerApi.ChannelResult::channel, ParleyServerApi.ChannelResult::error)
          .containsExactly(
              tuple("news:a", null),
              tuple("news:b", null),
              tuple("dash:c", "forbidden_namespace"),
              tuple("bad", "invalid_channel"));
      assertThat(next(a, "message").get("text").asText()).isEqualTo("Sale!");
      assertThat(next(b, "message").get("text").asText()).isEqualTo("Sale!");
      assertThat(api.broadcast(List.of("news:a", "news:b"), "Sale!", "b1"))
          .as("retried: the same positions")
          .extracting(ParleyServerApi.ChannelResult::seq)
          .containsExactly(1L, 1L);
      assertThatThrownBy(() -> api.broadcast(List.of(), "x", null))
          .isInstanceOf(ParleyException.class)
          .hasMessageContaining("invalid_field");
    }
  }

  @Test
  void presenceCountsTheSubscribersAndDisconnectClosesAUsersSockets() throws Exception {
    var all = ParleyServerApi.of(base(), newKey("*").get("key").asText());
    var news = ParleyServerApi.of(base(), newKey("news").get("key").asText());
    try (RawWebSocket visitor = RawWebSocket.connect(server.port())) {
      visitor.readTimeoutMillis(10_000);
      visitor.sendText("{\"type\":\"hello\",\"site\":\"shop\"}");
      String user = next(visitor, "welcome").get("user").asText();
      visitor.sendText("{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"news:live\"}");
      next(visitor, "joined");
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                ParleyServerApi.Presence p = news.presence("news:live");
                assertThat(p.count()).isEqualTo(1);
                assertThat(p.users()).containsExactly(user);
              });
      assertThat(news.presence("news:empty").count()).isZero();

      assertThat(code(() -> news.disconnect(user)))
          .as("disconnecting needs a key for every namespace")
          .isEqualTo("forbidden_namespace");
      all.disconnect(user);
      assertThat(visitor.awaitClose()).isEqualTo(4409);
    }
  }
}
