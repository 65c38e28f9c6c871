package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.client.Backoff;
import dev.parley.client.ParleyClient;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.server.ServerConfig;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports end to end (issue 18, part 11): one conversation the bot handles alone and one an agent
 * answers, resolves and the visitor rates; the site's report counts both from the store — the same
 * after a restart — as JSON and as CSV, for admins only, with a clear error for a bad range.
 */
@Timeout(120)
class ReportsTest {
  @TempDir Path dir;
  TestServer server;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();
  final Codec codec = ChatProtocol.codec();
  final List<ParleyClient> clients = new ArrayList<>();
  String admin;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(dir, b -> b.botPacing(Duration.ZERO));
    admin = login("maya");
  }

  @AfterEach
  void stop() {
    clients.forEach(ParleyClient::close);
    server.close();
    http.close();
  }

  String login(String user) throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText(
          "{\"type\":\"hello\",\"user\":\""
              + user
              + "\",\"password\":\""
              + ServerConfig.DEMO_AGENT_PASSWORD
              + "\"}");
      Push p = codec.decodePush(ws.readText());
      assertThat(p).as("login of " + user).isInstanceOf(Push.Welcome.class);
      return ((Push.Welcome) p).token();
    }
  }

  HttpResponse<String> get(String pathAndQuery, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Yesterday to tomorrow (UTC): a test that runs across midnight counts the same. */
  final String range =
      "?from="
          + LocalDate.now(ZoneOffset.UTC).minusDays(1)
          + "&to="
          + LocalDate.now(ZoneOffset.UTC).plusDays(1);

  JsonNode report() throws Exception {
    HttpResponse<String> r = get("/api/admin/sites/demo/report" + range, admin);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }

  ParleyClient client(ParleyClient.Builder b) throws Exception {
    ParleyClient c = b.backoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200))).build();
    clients.add(c);
    c.connect().get(10, TimeUnit.SECONDS);
    return c;
  }

  @Test
  void aSitesReportCountsWhatTheStoreHoldsAcrossARestart() throws Exception {
    // One conversation the bot handles alone.
    RecordingListener botRec = new RecordingListener();
    ParleyClient alone = client(ParleyClient.builder(server.wsUri()).site("demo").listener(botRec));
    String botConv = ChatFlowTest.conversationOf(botRec);
    ChatFlowTest.greetingShown(botRec, botConv);
    alone.send(botConv, "What is the heartbeat?").get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> botRec.messages(botConv).size() == 3);

    // One an agent answers and resolves, and its visitor rates.
    RecordingListener mayaRec = new RecordingListener();
    ParleyClient maya =
        client(
            ParleyClient.builder(server.wsUri())
                .login("maya", ServerConfig.DEMO_AGENT_PASSWORD)
                .listener(mayaRec));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                mayaRec.events().stream()
                    .anyMatch(e -> e instanceof Push.Joined j && j.conv().startsWith("agents:")));
    RecordingListener rec = new RecordingListener();
    ParleyClient visitor = client(ParleyClient.builder(server.wsUri()).site("demo").listener(rec));
    String conv = ChatFlowTest.conversationOf(rec);
    ChatFlowTest.greetingShown(rec, conv);
    visitor.handoff(conv);
    HandoffTest.awaitStatus(rec, conv, "assigned");
    maya.join(conv, 0);
    maya.send(conv, "Hi, I'm Maya.").get(10, TimeUnit.SECONDS);
    maya.resolve(conv);
    HandoffTest.awaitStatus(rec, conv, "resolved");
    visitor.rate(conv, "good", "quick and kind");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> report().get("totals").get("ratings").get("good").asInt() == 1);

    JsonNode r = report();
    assertThat(r.get("days")).hasSize(3);
    JsonNode t = r.get("totals");
    assertThat(t.get("conversations").asInt()).isEqualTo(2);
    assertThat(t.get("botOnly").asInt()).isEqualTo(1);
    assertThat(t.get("handedOff").asInt()).isEqualTo(1);
    assertThat(t.get("resolved").asInt()).isEqualTo(1);
    assertThat(t.get("containment").asDouble()).isEqualTo(0.5);
    assertThat(t.get("ratings").get("bad").asInt()).isZero();
    assertThat(r.get("firstResponse").get("count").asInt()).isEqualTo(1);
    assertThat(r.get("resolution").get("count").asInt()).isEqualTo(1);
    long hours = 0;
    for (JsonNode h : r.get("byHour")) {
      hours += h.asLong();
    }
    assertThat(hours).isEqualTo(2);
    long perDay = 0;
    for (JsonNode d : r.get("days")) {
      perDay += d.get("conversations").asLong();
    }
    assertThat(perDay).isEqualTo(2);

    HttpResponse<String> csv = get("/api/admin/sites/demo/report" + range + "&format=csv", admin);
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("content-type")).hasValue("text/csv; charset=utf-8");
    assertThat(csv.headers().firstValue("content-disposition").orElseThrow())
        .startsWith("attachment; filename=\"parley-report-demo-");
    List<String> lines = csv.body().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).startsWith("date,conversations,bot_only,handed_off,resolved");
    assertThat(lines.subList(1, 4).stream().mapToInt(l -> Integer.parseInt(l.split(",")[1])).sum())
        .isEqualTo(2);

    // Without a range: the 30 days that end today.
    LocalDate before = LocalDate.now(ZoneOffset.UTC);
    JsonNode month = json.readTree(get("/api/admin/sites/demo/report", admin).body());
    assertThat(month.get("days")).hasSize(30);
    assertThat(LocalDate.parse(month.get("to").asText()))
        .isBetween(before, LocalDate.now(ZoneOffset.UTC));

    // The figures are the store's: a restarted server reports the same.
    clients.forEach(ParleyClient::close);
    clients.clear();
    server.close();
    server = TestServer.start(dir, b -> b.botPacing(Duration.ZERO));
    admin = login("maya");
    assertThat(report().get("totals")).isEqualTo(t);
  }

  @Test
  void reportsAreForAdminsAndBadRangesGetAnErrorNamingTheField() throws Exception {
    assertThat(get("/api/admin/sites/demo/report", null).statusCode()).isEqualTo(401);
    assertThat(get("/api/admin/sites/demo/report", login("sam")).statusCode()).isEqualTo(403);
    assertThat(get("/api/admin/sites/nowhere/report", admin).statusCode()).isEqualTo(404);
    assertError("?tz=Mars/Olympus", "tz");
    assertError("?from=yesterday", "from");
    assertError("?from=2026-12-02&to=2026-12-01", "from");
    assertError("?from=2025-01-01&to=2026-12-01", "from");
    assertError("?format=xlsx", "format");
    HttpResponse<String> year =
        get("/api/admin/sites/demo/report?from=2025-12-02&to=2026-12-01&tz=Asia/Tokyo", admin);
    assertThat(year.statusCode()).as(year.body()).isEqualTo(200);
    assertThat(json.readTree(year.body()).get("days")).hasSize(365);
  }

  void assertError(String query, String field) throws Exception {
    HttpResponse<String> r = get("/api/admin/sites/demo/report" + query, admin);
    assertThat(r.statusCode()).as(query).isEqualTo(400);
    JsonNode body = json.readTree(r.body());
    assertThat(body.get("error").asText()).isEqualTo("invalid_field");
    assertThat(body.get("field").asText()).as(query).isEqualTo(field);
  }
}
