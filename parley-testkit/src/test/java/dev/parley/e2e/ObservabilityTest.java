package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.ParleyClient;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.server.Main;
import dev.parley.server.ServerConfig;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.TestServer;
import dev.parley.testsupport.RedisServerProcess;
import dev.parley.testsupport.TcpProxy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** /metrics, /readyz, the admin stats, and the operators' artifacts against a real scrape. */
@Timeout(90)
class ObservabilityTest {
  @TempDir Path dir;
  TestServer server;
  final HttpClient http = HttpClient.newHttpClient();
  final Codec codec = ChatProtocol.codec();

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    http.close();
  }

  HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The value of one series in the scrape, 0 when absent. {@code series} is name plus labels. */
  double value(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }

  /** The Prometheus text from the admin listener (the public one does not serve /metrics). */
  String scrape() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.server().adminPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  @Test
  void afterAScriptedSessionEachCounterMovedByExactlyTheExpectedAmount() throws Exception {
    server = TestServer.start(dir, b -> b.openChannels(true));
    // The node wrote its configuration at start (the demo's site and agents) through the same
    // writer.
    double configWrites = value(scrape(), "parley_store_batch_size_sum");
    String token;
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\"}");
      token = ((Push.Welcome) codec.decodePush(ws.readText())).token();
      ws.sendText("{\"type\":\"join\",\"conv\":\"metered\"}");
      codec.decodePush(ws.readText());
      for (int i = 1; i <= 3; i++) {
        ws.sendText(
            "{\"type\":\"send\",\"cid\":\"c"
                + i
                + "\",\"conv\":\"metered\",\"text\":\"m"
                + i
                + "\"}");
      }
      int acks = 0;
      while (acks < 3) {
        if (codec.decodePush(ws.readText()) instanceof Push.Ack) {
          acks++;
        }
      }
    } // closed without a close frame: 1006 on the server's side
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\",\"token\":\"" + token + "\",\"resume\":{\"metered\":1}}");
      codec.decodePush(ws.readText());
      assertThat(codec.decodePush(ws.readText())).isInstanceOf(Push.Joined.class);
      assertThat(((Push.Message) codec.decodePush(ws.readText())).seq()).isEqualTo(2);
      assertThat(((Push.Message) codec.decodePush(ws.readText())).seq()).isEqualTo(3);
      ws.sendText("{\"type\":\"juggle\"}");
      assertThat(((Push.Error) codec.decodePush(ws.readText())).code()).isEqualTo("unknown_type");
    }
    assertThat(get("/ws", null).statusCode()).isEqualTo(400);
    // A message that arrived while the first session's join was still reading the store was held
    // and is delivered (and counted) once that read is done, which may be after its ack and after
    // the connection closed: wait for the last count too, or the scrape may see one counter moved
    // and not the other.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              String now = scrape();
              return value(now, "parley_connections_open{transport=\"websocket\"}") == 0
                  && value(now, "parley_send_delivered_seconds_count") >= 3;
            });

    String s = scrape();
    assertThat(value(s, "parley_connections_opened_total{transport=\"websocket\"}")).isEqualTo(2);
    assertThat(value(s, "parley_connections_closed_total{code=\"1006\",transport=\"websocket\"}"))
        .isEqualTo(2);
    assertThat(value(s, "parley_messages_received_total")).isEqualTo(3);
    assertThat(value(s, "parley_messages_delivered_total")).isEqualTo(3);
    assertThat(value(s, "parley_send_ack_seconds_count")).isEqualTo(3);
    assertThat(value(s, "parley_send_delivered_seconds_count")).isEqualTo(3);
    assertThat(value(s, "parley_reconnects_total")).isEqualTo(1);
    assertThat(value(s, "parley_resumes_total")).isEqualTo(1);
    assertThat(value(s, "parley_messages_replayed_total")).isEqualTo(2);
    assertThat(value(s, "parley_errors_total{code=\"unknown_type\"}")).isEqualTo(1);
    assertThat(value(s, "parley_handshakes_rejected_total{reason=\"not_upgrade\"}")).isEqualTo(1);
    assertThat(value(s, "parley_store_batch_size_sum") - configWrites).isEqualTo(3);
    assertThat(value(s, "parley_received_bytes_total")).isPositive();
    assertThat(value(s, "parley_sent_bytes_total")).isPositive();
    // Low cardinality: no user or conversation ids in any label.
    assertThat(s).doesNotContain("metered").doesNotContain("v_");
  }

  /** Stops the server and drops the PostgreSQL schema it used. */
  private void stopAndDrop(String schema) throws Exception {
    server.close();
    server = null;
    try (var c = DriverManager.getConnection(ClusterTest.PG_URL, ClusterTest.PG_USER, null);
        var st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  @Test
  void readyzIsReadyUntilTheNodeDrainsAndReadyAgainAfterARestart() throws Exception {
    server = TestServer.start(dir, b -> b.openChannels(true));
    assertThat(get("/readyz", null).statusCode()).isEqualTo(200);
    assertThat(get("/readyz", null).body()).contains("\"status\":\"ready\"");
    server.server().node().drain(Duration.ZERO);
    HttpResponse<String> draining = get("/readyz", null);
    assertThat(draining.statusCode()).isEqualTo(503);
    assertThat(draining.body()).contains("\"draining\":true");
    assertThat(get("/healthz", null).statusCode()).as("alive while draining").isEqualTo(200);
    server.restart();
    assertThat(get("/readyz", null).statusCode()).isEqualTo(200);
  }

  @Test
  void readyzIsUnreadyWhileTheStoreIsUnreachableAndReadyAgainAfter() throws Exception {
    String schema = "parley_ready_store_" + Long.toHexString(System.nanoTime());
    try (TcpProxy pg = new TcpProxy(5432)) {
      server =
          TestServer.start(
              dir,
              b ->
                  b.store("postgres")
                      .postgresUrl(
                          "jdbc:postgresql://127.0.0.1:"
                              + pg.port()
                              + "/test?connectTimeout=2&socketTimeout=3")
                      .postgresUser(ClusterTest.PG_USER)
                      .postgresSchema(schema)
                      .agents(List.of()));
      try {
        assertThat(get("/readyz", null).statusCode()).isEqualTo(200);
        pg.stop();
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> get("/readyz", null).statusCode() == 503);
        assertThat(get("/readyz", null).body()).contains("\"store\":false");
        pg.start();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> get("/readyz", null).statusCode() == 200);
      } finally {
        stopAndDrop(schema);
      }
    }
  }

  @Test
  void readyzIsUnreadyWhileTheBrokerIsUnreachable() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start(dir)) {
      String schema = "parley_ready_" + Long.toHexString(System.nanoTime());
      server =
          TestServer.start(
              dir.resolve("data"),
              b ->
                  b.store("postgres")
                      .postgresUrl(ClusterTest.PG_URL)
                      .postgresUser(ClusterTest.PG_USER)
                      .postgresSchema(schema)
                      .broker("redis")
                      .redisUrl(redis.uri())
                      .tokenSecret(Base64.getEncoder().encodeToString(new byte[32]))
                      .agents(List.of()));
      try {
        assertThat(get("/readyz", null).statusCode()).isEqualTo(200);
        redis.kill();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> get("/readyz", null).statusCode() == 503);
        assertThat(get("/readyz", null).body()).contains("\"broker\":false");
        redis.start();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> get("/readyz", null).statusCode() == 200);
      } finally {
        stopAndDrop(schema);
      }
    }
  }

  @Test
  void everyMetricTheDashboardAndTheAlertsUseExistsInARealScrape() throws Exception {
    server = TestServer.start(dir, b -> b.botPacing(Duration.ZERO));
    // Traffic that touches every part: a bot answer, a handoff, an agent's first answer, a resume,
    // errors.
    RecordingListener agentRec = new RecordingListener();
    ParleyClient maya =
        ParleyClient.builder(server.wsUri())
            .login("maya", ServerConfig.DEMO_AGENT_PASSWORD)
            .listener(agentRec)
            .build();
    RecordingListener rec = new RecordingListener();
    ParleyClient visitor = ParleyClient.builder(server.wsUri()).site("demo").listener(rec).build();
    try {
      maya.connect().get(10, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> agentRec.events().stream().anyMatch(e -> e instanceof Push.Joined));
      visitor.connect().get(10, TimeUnit.SECONDS);
      String conv = ChatFlowTest.conversationOf(rec);
      ChatFlowTest.greetingShown(rec, conv); // the greeting is stored with the first message
      visitor.send(conv, "What is the heartbeat?").get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> rec.messages(conv).size() == 3);
      visitor.handoff(conv);
      HandoffTest.awaitStatus(rec, conv, "assigned");
      maya.join(conv, 0);
      await().atMost(Duration.ofSeconds(10)).until(() -> agentRec.messages(conv).size() >= 5);
      maya.send(conv, "Hello, Maya here").get(10, TimeUnit.SECONDS);
      visitor.dropConnection();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> visitor.state() == ParleyClient.State.CONNECTED && rec.connections() == 2);
      get("/ws", null);
      try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
        ws.sendText("{\"type\":\"nope\"}");
        ws.readText();
      }
      server.server().chat().refreshCounts();
      String s = scrape();
      Set<String> families = new HashSet<>();
      for (String line : s.split("\n")) {
        if (!line.startsWith("#") && !line.isBlank()) {
          families.add(line.split("[{ ]")[0]);
        }
      }
      Set<String> referenced = new HashSet<>();
      Pattern metric = Pattern.compile("parley_[a-z0-9_]+");
      for (Path f :
          new Path[] {
            Path.of("..", "ops", "grafana", "parley-dashboard.json"),
            Path.of("..", "ops", "prometheus", "alerts.yml")
          }) {
        Matcher m = metric.matcher(Files.readString(f));
        while (m.find()) {
          referenced.add(m.group());
        }
      }
      assertThat(referenced).hasSizeGreaterThan(15);
      assertThat(families).containsAll(referenced);
      // The admin stats feed the dashboard's live charts.
      String token = maya.token();
      HttpResponse<String> stats = get("/api/admin/stats", token);
      assertThat(stats.statusCode()).isEqualTo(200);
      assertThat(stats.body())
          .contains("\"connections\"")
          .contains("\"deliveryLatencyMs\"")
          .contains("\"queueLength\"")
          .as("ratings per site from the store, none yet")
          .containsPattern("\"ratings\":\\{[^}]*\"demo\":\\{\"good\":0,\"bad\":0\\}");
      // Maya answered a queued conversation: the first-response time is there, and not 0.
      Matcher frt =
          Pattern.compile("\"firstAgentResponseSeconds\":\\{[^}]*\"p50\":([0-9.E-]+)")
              .matcher(stats.body());
      assertThat(frt.find()).as(stats.body()).isTrue();
      assertThat(Double.parseDouble(frt.group(1))).isPositive();
      assertThat(get("/api/admin/stats", null).statusCode()).isEqualTo(401);
    } finally {
      visitor.close();
      maya.close();
    }
  }

  @Test
  void aBadSettingStopsStartUpWithAMessageNamingIt() {
    assertThat(startWith("run", "--port=0", "--data-dir=" + dir, "--store=mongo"))
        .contains("store must be sqlite or postgres");
    assertThat(
            startWith("run", "--port=0", "--data-dir=" + dir, "--broker=redis", "--store=postgres"))
        .contains("token-secret is required");
    assertThat(startWith("run", "--port=0", "--data-dir=" + dir, "--ping-interval=soon"))
        .contains("--ping-interval");
    assertThat(startWith("run", "--prot=80")).contains("--prot");
  }

  private String startWith(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = Main.execute(args);
      assertThat(code).isNotZero();
    } finally {
      System.setErr(saved);
    }
    return err.toString(StandardCharsets.UTF_8);
  }
}
