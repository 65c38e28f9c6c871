package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.server.SitesFile;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Who gets in: origin policy per site, connection limits, and the slowloris deadline. */
@Timeout(60)
class AdmissionTest {
  @TempDir Path dir;
  TestServer server;
  final Codec codec = ChatProtocol.codec();

  @BeforeEach
  void start() throws Exception {
    Path sites = dir.resolve("sites.json");
    Files.writeString(
        sites,
        """
        {"sites": [
          {"id": "shop", "greeting": "Hi from the shop", "allowedOrigins": ["https://shop.example"]},
          {"id": "other", "greeting": "Hi from the other", "allowedOrigins": ["https://other.example"]}]}
        """);
    server =
        TestServer.start(
            dir.resolve("data"),
            b ->
                b.sites(SitesFile.load(sites))
                    .agents(null)
                    .maxConnectionsPerIp(3)
                    .handshakeTimeout(Duration.ofMillis(700)));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  int handshake(String path, String origin) throws Exception {
    try (RawWebSocket ws =
        RawWebSocket.connect(
            "127.0.0.1",
            server.port(),
            path,
            origin == null ? Map.of() : Map.of("Origin", origin))) {
      return ws.status();
    }
  }

  /** A WebSocket opened on {@code path} from a page of the shop (its origin is allowed). */
  RawWebSocket shopPage(String path) throws Exception {
    return RawWebSocket.connect(
        "127.0.0.1", server.port(), path, Map.of("Origin", "https://shop.example"));
  }

  @Test
  void anOriginASiteDoesNotAllowGets403AtTheHandshake() throws Exception {
    assertThat(handshake("/ws?site=shop", "https://shop.example")).isEqualTo(101);
    assertThat(handshake("/ws?site=shop", "https://evil.example")).isEqualTo(403);
    assertThat(handshake("/ws?site=shop", "https://other.example")).isEqualTo(403);
    assertThat(handshake("/ws", "https://evil.example")).isEqualTo(403);
    assertThat(handshake("/ws", null)).as("not a browser").isEqualTo(101);
    assertThat(handshake("/ws", "http://127.0.0.1:" + server.port()))
        .as("the server's own pages")
        .isEqualTo(101);
    assertThat(LimitsTest.metric(server, "parley_handshakes_rejected_total{reason=\"origin\"}"))
        .isEqualTo(3);
  }

  @Test
  void withRequireOriginAClientWithoutOriginGets403() throws Exception {
    try (TestServer strict = TestServer.start(dir.resolve("strict"), b -> b.requireOrigin(true))) {
      try (RawWebSocket ws = RawWebSocket.connect("127.0.0.1", strict.port(), "/ws", Map.of())) {
        assertThat(ws.status()).isEqualTo(403);
      }
      try (RawWebSocket ws =
          RawWebSocket.connect(
              "127.0.0.1",
              strict.port(),
              "/ws",
              Map.of("Origin", "http://127.0.0.1:" + strict.port()))) {
        assertThat(ws.status()).isEqualTo(101);
      }
    }
  }

  @Test
  void aHelloInTheUpgradeRequestIsWelcomedWithoutAFrameOnTheSiteTheURLNames() throws Exception {
    try (RawWebSocket ws = shopPage("/ws?site=shop&lang=de&hello=1")) {
      assertThat(ws.status()).isEqualTo(101);
      Push.Welcome w = (Push.Welcome) codec.decodePush(ws.readText());
      assertThat(w.claims()).containsEntry("site", "shop").containsEntry("lang", "de");
      assertThat(w.token()).as("a new visitor's").isNotNull();

      ws.sendText("{\"type\":\"hello\",\"ref\":\"again\"}");
      Push p;
      do { // the site's conversation and greeting come first
        p = codec.decodePush(ws.readText());
      } while (!(p instanceof Push.Error));
      assertThat(((Push.Error) p).code()).isEqualTo("already_hello");
    }
  }

  @Test
  void aHelloInTheUpgradeRequestGetsTheChatLayersChecksAsAFrameDoes() throws Exception {
    try (RawWebSocket ws = shopPage("/ws?site=shop&lang=%3Cb%3Ex&hello=1")) {
      assertThat(ws.status()).isEqualTo(101);
      Push.Error e = (Push.Error) codec.decodePush(ws.readText());
      assertThat(e.code()).isEqualTo("invalid_field");
      assertThat(e.field()).isEqualTo("lang");

      ws.sendText("{\"type\":\"hello\",\"ref\":\"h\",\"lang\":\"de\"}");
      Push.Welcome w = (Push.Welcome) codec.decodePush(ws.readText());
      assertThat(w.ref()).as("the connection may still send its own").isEqualTo("h");
      assertThat(w.claims()).containsEntry("lang", "de").containsEntry("site", "shop");
    }
  }

  @Test
  void aPageOfOneSiteCannotOpenAnotherSitesWidgetByNamingItInHello() throws Exception {
    // Let in for shop, where the page's origin is listed; then the hello names the other site.
    try (RawWebSocket ws = shopPage("/ws?site=shop")) {
      ws.sendText("{\"type\":\"hello\",\"ref\":\"h\",\"site\":\"other\"}");
      Push.Error e = (Push.Error) codec.decodePush(ws.readText());
      assertThat(e.code()).as("refused: no welcome first").isEqualTo("forbidden");
      assertThat(e.field()).isEqualTo("site");
      assertThat(e.ref()).isEqualTo("h");
    }
  }

  @Test
  void connectionsOverThePerAddressLimitGet503UntilOneCloses() throws Exception {
    List<RawWebSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        held.add(RawWebSocket.connect(server.port()));
        assertThat(held.get(i).status()).isEqualTo(101);
      }
      try (RawWebSocket fourth = RawWebSocket.connect(server.port())) {
        assertThat(fourth.status()).isEqualTo(503);
      }
      assertThat(
              LimitsTest.metric(
                  server, "parley_handshakes_rejected_total{reason=\"connection_limit\"}"))
          .isEqualTo(1);
      held.remove(0).close();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                try (RawWebSocket again = RawWebSocket.connect(server.port())) {
                  return again.status() == 101;
                }
              });
    } finally {
      for (RawWebSocket ws : held) {
        ws.close();
      }
    }
  }

  /**
   * Fallback sessions count per address too: their requests are short connections, so without a
   * count of their own one address could hold any number of sessions.
   */
  @Test
  void fallbackSessionsOverThePerAddressLimitGet503UntilOneCloses() throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      String base = "http://127.0.0.1:" + server.port() + "/rt/";
      Function<String, HttpResponse<String>> post =
          path -> {
            try {
              return http.send(
                  HttpRequest.newBuilder(URI.create(base + path))
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          };
      List<String> sids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String key =
            "admission-fallback-key-" + i + "-" + UUID.randomUUID().toString().replace("-", "");
        var open = post.apply("open?transport=longpoll&key=" + key);
        assertThat(open.statusCode()).isEqualTo(200);
        String sid = open.body().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
        assertThat(sid)
            .as("the server makes the session id; the key only routes")
            .startsWith(key + ".");
        sids.add(sid);
      }
      var fourth =
          post.apply(
              "open?transport=longpoll&key=admission-fallback-key-4-"
                  + UUID.randomUUID().toString().replace("-", ""));
      assertThat(fourth.statusCode()).isEqualTo(503);
      assertThat(fourth.body()).contains("too many connections from your address");
      assertThat(
              LimitsTest.metric(
                  server, "parley_handshakes_rejected_total{reason=\"connection_limit\"}"))
          .isEqualTo(1);

      // The 204 of close comes once the session has freed its place: opening again at once works.
      assertThat(post.apply(sids.get(0) + "/close").statusCode()).isEqualTo(204);
      assertThat(
              post.apply(
                      "open?transport=longpoll&key=admission-fallback-key-5-"
                          + UUID.randomUUID().toString().replace("-", ""))
                  .statusCode())
          .as("a closed session frees its place")
          .isEqualTo(200);
    }
  }

  /**
   * Metrics describe the whole deployment: the clients' port does not serve them (the admin
   * listener does).
   */
  @Test
  void thePublicPortDoesNotServeMetrics() throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      var r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.body()).doesNotContain("parley_");
    }
  }

  /**
   * The request deadline (700 ms here) guards the HTTP phase only: an upgraded WebSocket and an SSE
   * event stream keep working long after it (found by the benchmark: they were cut at it).
   */
  @Test
  void theRequestDeadlineDoesNotEndAnUpgradedConnectionOrAnEventStream() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\"}");
      codec.decodePush(ws.readText());
      int[] n = {0};
      await()
          .during(Duration.ofMillis(2100))
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(150))
          .until(
              () -> {
                ws.sendText("{\"type\":\"ping\",\"ref\":\"p" + ++n[0] + "\"}");
                return codec.decodePush(ws.readText()) instanceof Push.Pong;
              });
    }
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String base = "http://127.0.0.1:" + server.port() + "/rt/";
    String open =
        http.send(
                HttpRequest.newBuilder(URI.create(base + "open?transport=sse"))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    String sid = open.replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
    var stream =
        http.send(
            HttpRequest.newBuilder(URI.create(base + sid + "/events")).build(),
            HttpResponse.BodyHandlers.ofLines());
    Iterator<String> lines = stream.body().iterator();
    long opened = System.nanoTime();
    await().atMost(Duration.ofSeconds(20)).until(() -> System.nanoTime() - opened > 2_100_000_000L);
    http.send(
        HttpRequest.newBuilder(URI.create(base + sid + "/send"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"ping\",\"ref\":\"late\"}"))
            .build(),
        HttpResponse.BodyHandlers.discarding());
    String line =
        CompletableFuture.supplyAsync(
                () -> {
                  String l;
                  do {
                    l =
                        lines
                            .next(); // the same stream, three deadlines later, still carries events
                  } while (!l.startsWith("data: "));
                  return l;
                })
            .get(20, TimeUnit.SECONDS);
    assertThat(line).contains("\"type\":\"pong\"").contains("late");
    http.shutdownNow(); // close() would wait for the endless event stream
  }

  @Test
  void aSlowlorisClientIsCutOffAndDoesNotStopOthers() throws Exception {
    try (Socket slow = new Socket("127.0.0.1", server.port())) {
      // Not left hanging: the read below waits at most this long. Nothing but the request deadline
      // hangs up on a request still arriving, and the metric below names it; no wall clock is read.
      slow.setSoTimeout(10_000);
      slow.getOutputStream()
          .write(
              "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websock"
                  .getBytes(StandardCharsets.US_ASCII));
      slow.getOutputStream().flush();
      // Meanwhile another client connects and is served.
      try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
        ws.sendText("{\"type\":\"ping\",\"ref\":\"still\"}");
        assertThat(codec.decodePush(ws.readText())).isEqualTo(new Push.Pong("still"));
      }
      InputStream in = slow.getInputStream();
      assertThat(in.read()).as("the server hangs up").isEqualTo(-1);
    }
    assertThat(LimitsTest.metric(server, "parley_handshakes_rejected_total{reason=\"timeout\"}"))
        .isEqualTo(1);
  }
}
