package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.parley.client.ParleyClient;
import dev.parley.protocol.Push;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Namespace proxies end to end (issue 19): a real server whose sites file gives namespaces a proxy
 * to a real HTTP backend in this process, which verifies every request's signature as the docs tell
 * a backend to (docs/SECURITY.md#channel-proxy) and answers allow, deny ({@code {"allow": false}}
 * or 403), garbage, or nothing in time; raw WebSockets join and send. Nothing refused is joined or
 * stored, and the slow backend's time-out is the namespace's (100 ms), not a wait of the test: the
 * backend holds its answer on a latch released at the end.
 */
@Timeout(60)
class ChannelProxyTest {
  static final String SECRET = "the-backends-proxy-secret";

  @TempDir Path dir;
  TestServer server;
  HttpServer backend;
  ExecutorService backendThreads;
  final ObjectMapper json = new ObjectMapper();

  /** Released at the end: the slow backend's answers wait for it. */
  final CountDownLatch slowAnswers = new CountDownLatch(1);

  /** The bodies the backend received, each with its path, once its signature verified. */
  final List<JsonNode> verified = new CopyOnWriteArrayList<>();

  /** Calls to the backend that fails its first answer. */
  final AtomicInteger flakyCalls = new AtomicInteger();

  /** Requests whose signature or timestamp did not verify. */
  final List<String> forged = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    backendThreads = Executors.newCachedThreadPool();
    backend.setExecutor(backendThreads);
    answer("/allow", 200, "{\"allow\": true}");
    answer("/deny", 200, "{\"allow\": false}");
    answer("/forbid", 403, "");
    answer("/garbage", 200, "<html>not now</html>");
    answer("/broken", 500, "{\"allow\": true}");
    backend.createContext(
        "/flaky",
        x -> {
          boolean ok = verify(x);
          reply(x, ok && flakyCalls.incrementAndGet() > 1 ? 200 : 500, "{\"allow\": true}");
        });
    backend.createContext(
        "/slow",
        x -> {
          if (verify(x)) {
            try {
              slowAnswers.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          reply(x, 200, "{\"allow\": true}");
        });
    backend.start();
    String at = "http://127.0.0.1:" + backend.getAddress().getPort();
    server =
        SitesServer.start(
            dir,
            """
            {"sites": [{"id": "shop", "greeting": "Hi from the shop"}],
             "agents": [{"user": "root", "sites": ["shop"], "password": "roots-password",
                         "admin": true}],
             "namespaces": [
               {"name": "ok", "subscribe": "anonymous", "publish": "anonymous",
                "proxy": {"subscribeUrl": "AT/allow", "publishUrl": "AT/allow", "secret": "SECRET"}},
               {"name": "closed", "subscribe": "anonymous", "publish": "anonymous",
                "proxy": {"subscribeUrl": "AT/deny", "secret": "SECRET"}},
               {"name": "readonly", "subscribe": "anonymous", "publish": "anonymous",
                "proxy": {"publishUrl": "AT/deny", "secret": "SECRET"}},
               {"name": "readonly403", "subscribe": "anonymous", "publish": "anonymous",
                "proxy": {"subscribeUrl": "AT/forbid", "publishUrl": "AT/forbid",
                          "secret": "SECRET"}},
               {"name": "junk", "subscribe": "anonymous", "publish": "anonymous",
                "proxy": {"subscribeUrl": "AT/garbage", "publishUrl": "AT/broken",
                          "secret": "SECRET"}},
               {"name": "junkpub", "subscribe": "anonymous", "publish": "anonymous",
                "proxy": {"publishUrl": "AT/garbage", "secret": "SECRET"}},
               {"name": "slow", "subscribe": "anonymous", "publish": "anonymous",
                "proxy": {"subscribeUrl": "AT/slow", "timeoutMs": 100, "secret": "SECRET"}},
               {"name": "slowpub", "subscribe": "anonymous", "publish": "anonymous",
                "proxy": {"publishUrl": "AT/slow", "timeoutMs": 100, "secret": "SECRET"}},
               {"name": "flaky", "subscribe": "anonymous", "publish": "anonymous",
                "proxy": {"subscribeUrl": "AT/flaky", "secret": "SECRET"}},
               {"name": "members", "subscribe": "authenticated", "publish": "anonymous",
                "proxy": {"subscribeUrl": "AT/allow", "secret": "SECRET"}}]}
            """
                .replace("AT", at)
                .replace("SECRET", SECRET));
  }

  @AfterEach
  void stop() {
    slowAnswers.countDown();
    if (server != null) {
      server.close();
    }
    backend.stop(0);
    backendThreads.shutdownNow();
  }

  private void answer(String path, int status, String body) {
    backend.createContext(
        path,
        x -> {
          boolean ok = verify(x);
          reply(x, ok ? status : 401, ok ? body : "");
        });
  }

  /**
   * Checks the request as a backend would: HMAC-SHA256 under the secret of {@code timestamp "\n"
   * body}, compared in constant time, the timestamp within 5 minutes.
   */
  private boolean verify(HttpExchange x) throws IOException {
    byte[] body = x.getRequestBody().readAllBytes();
    String t = x.getRequestHeaders().getFirst("X-Parley-Timestamp");
    String sig = x.getRequestHeaders().getFirst("X-Parley-Signature");
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((t + "\n").getBytes(StandardCharsets.UTF_8));
      byte[] expected = mac.doFinal(body);
      boolean fresh =
          t != null && Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(t)) <= 300;
      if (sig != null
          && sig.startsWith("v1=")
          && fresh
          && MessageDigest.isEqual(HexFormat.of().parseHex(sig.substring(3)), expected)) {
        ObjectNode b = (ObjectNode) json.readTree(body);
        verified.add(b.put("path", x.getRequestURI().getPath()));
        return true;
      }
    } catch (Exception e) {
      // a malformed header is as forged as a wrong one
    }
    forged.add(x.getRequestURI().getPath());
    return false;
  }

  private static void reply(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      x.getResponseBody().write(b);
    }
    x.close();
  }

  /** A connection that said {@code hello} and got its welcome; {@code user} is its user. */
  record Client(RawWebSocket ws, String user) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      ws.close();
    }
  }

  Client connect(String hello) throws Exception {
    RawWebSocket ws = RawWebSocket.connect(server.port());
    ws.readTimeoutMillis(10_000);
    ws.sendText(hello);
    return new Client(ws, next(ws, "welcome", null).get("user").asText());
  }

  Client visitor() throws Exception {
    return connect("{\"type\":\"hello\",\"site\":\"shop\"}");
  }

  /** The next frame of {@code type} (and {@code ref}, when given), skipping others. */
  JsonNode next(RawWebSocket ws, String type, String ref) throws Exception {
    while (true) {
      JsonNode f = json.readTree(ws.readText());
      if (f.get("type").asText().equals(type)
          && (ref == null || (f.has("ref") && f.get("ref").asText().equals(ref)))) {
        return f;
      }
      if (ref != null && f.path("ref").asText().equals(ref)) {
        assertThat(f.get("type").asText()).as(f.toString()).isEqualTo(type);
      }
    }
  }

  JsonNode joined(Client c, String ref, String conv) throws Exception {
    c.ws().sendText("{\"type\":\"join\",\"ref\":\"" + ref + "\",\"conv\":\"" + conv + "\"}");
    return next(c.ws(), "joined", ref);
  }

  /** Joins {@code conv} and returns the error that refuses it. */
  JsonNode joinRefused(Client c, String ref, String conv) throws Exception {
    c.ws().sendText("{\"type\":\"join\",\"ref\":\"" + ref + "\",\"conv\":\"" + conv + "\"}");
    JsonNode e = next(c.ws(), "error", ref);
    assertThat(e.get("conv").asText()).isEqualTo(conv);
    return e;
  }

  void send(Client c, String ref, String cid, String conv, String text) throws IOException {
    c.ws()
        .sendText(
            "{\"type\":\"send\",\"ref\":\""
                + ref
                + "\",\"cid\":\""
                + cid
                + "\",\"conv\":\""
                + conv
                + "\",\"text\":\""
                + text
                + "\"}");
  }

  /** Sends and returns the error that refuses it (never an ack). */
  JsonNode sendRefused(Client c, String ref, String cid, String conv) throws Exception {
    send(c, ref, cid, conv, "refused " + cid);
    JsonNode e = next(c.ws(), "error", ref);
    assertThat(e.get("cid").asText()).isEqualTo(cid);
    return e;
  }

  /** How many messages {@code conv} holds, as a fresh subscriber's join says. */
  long stored(String conv) throws Exception {
    try (Client reader = visitor()) {
      return joined(reader, "count", conv).get("lastSeq").asLong();
    }
  }

  @Test
  void aBackendThatAllowsLetsTheJoinAndTheSendThroughAndHearsWhoWhereAndWhat() throws Exception {
    try (Client v = visitor()) {
      joined(v, "j", "ok:lobby");
      send(v, "s", "c1", "ok:lobby", "hello there");
      assertThat(next(v.ws(), "ack", "s").get("seq").asLong()).isEqualTo(1);

      assertThat(verified)
          .anySatisfy(
              b -> {
                assertThat(b.get("path").asText()).isEqualTo("/allow");
                assertThat(b.get("action").asText()).isEqualTo("subscribe");
                assertThat(b.get("user").asText()).isEqualTo(v.user());
                assertThat(b.get("namespace").asText()).isEqualTo("ok");
                assertThat(b.get("channel").asText()).isEqualTo("ok:lobby");
                assertThat(b.has("text")).isFalse();
              })
          .anySatisfy(
              b -> {
                assertThat(b.get("action").asText()).isEqualTo("publish");
                assertThat(b.get("user").asText()).isEqualTo(v.user());
                assertThat(b.get("channel").asText()).isEqualTo("ok:lobby");
                assertThat(b.get("cid").asText()).isEqualTo("c1");
                assertThat(b.get("text").asText()).isEqualTo("hello there");
              });
    }
    assertThat(forged).as("every request was signed with the namespace's secret").isEmpty();
  }

  @Test
  void aBackendThatDeniesRefusesTheJoinOrTheSendForbiddenAndNothingIsStored() throws Exception {
    try (Client v = visitor()) {
      JsonNode join = joinRefused(v, "j", "closed:x");
      assertThat(join.get("code").asText()).isEqualTo("forbidden");
      assertThat(join.get("retry").asBoolean()).isFalse();
      JsonNode join403 = joinRefused(v, "j2", "readonly403:x");
      assertThat(join403.get("code").asText()).isEqualTo("forbidden");

      joined(v, "j3", "readonly:news");
      JsonNode send = sendRefused(v, "s", "d1", "readonly:news");
      assertThat(send.get("code").asText()).isEqualTo("forbidden");
      assertThat(send.get("retry").asBoolean()).isFalse();
    }
    assertThat(stored("readonly:news")).as("the refused send stored nothing").isZero();
    assertThat(forged).isEmpty();
  }

  @Test
  void aBackendThatAnswersGarbageOrFailsRefusesRetryablyAndNothingIsJoinedOrStored()
      throws Exception {
    try (Client v = visitor()) {
      JsonNode join = joinRefused(v, "j", "junk:x");
      assertThat(join.get("code").asText()).isEqualTo("proxy_unavailable");
      assertThat(join.get("retry").asBoolean()).isTrue();
      assertThat(join.path("retryAfterMs").asLong()).isEqualTo(1000);
      v.ws()
          .sendText(
              "{\"type\":\"send\",\"ref\":\"nj\",\"cid\":\"n1\",\"conv\":\"junk:x\","
                  + "\"text\":\"x\"}");
      assertThat(next(v.ws(), "error", "nj").get("code").asText())
          .as("the refused join joined nothing")
          .isEqualTo("not_joined");

      joined(v, "j2", "junkpub:x");
      JsonNode send = sendRefused(v, "s", "g1", "junkpub:x");
      assertThat(send.get("code").asText()).isEqualTo("proxy_unavailable");
      assertThat(send.get("retry").asBoolean()).isTrue();
      assertThat(send.path("retryAfterMs").asLong()).isEqualTo(1000);
    }
    assertThat(stored("junkpub:x")).isZero();
    assertThat(forged).isEmpty();
  }

  @Test
  void theJavaSdkTellsOfAJoinRefusedForNowAndMakesItAgainUntilTheBackendAnswers() throws Exception {
    RecordingListener rec = new RecordingListener();
    try (ParleyClient client =
        ParleyClient.builder(server.wsUri()).site("shop").listener(rec).build()) {
      client.connect().get(10, TimeUnit.SECONDS);
      client.join("flaky:news");
      Push.Error refused = rec.nextOf(Push.Error.class);
      assertThat(refused.code()).isEqualTo("proxy_unavailable");
      assertThat(refused.conv()).isEqualTo("flaky:news");
      assertThat(rec.nextOf(Push.Joined.class).conv()).isEqualTo("flaky:news");
      assertThat(flakyCalls.get()).isEqualTo(2);
    }
  }

  @Test
  void aBackendThatDoesNotAnswerInTheNamespacesTimeoutRefusesRetryably() throws Exception {
    try (Client v = visitor()) {
      JsonNode join = joinRefused(v, "j", "slow:x");
      assertThat(join.get("code").asText()).isEqualTo("proxy_unavailable");
      assertThat(join.get("retry").asBoolean()).isTrue();

      joined(v, "j2", "slowpub:x");
      JsonNode send = sendRefused(v, "s", "t1", "slowpub:x");
      assertThat(send.get("code").asText()).isEqualTo("proxy_unavailable");

      // The connection goes on: a later command is answered while the backend still holds on.
      joined(v, "j3", "ok:after");
    }
    assertThat(stored("slowpub:x")).isZero();
  }

  @Test
  void theNamespacesOwnRuleComesFirstAndTheSecretIsNeverShown() throws Exception {
    try (Client v = visitor()) {
      assertThat(joinRefused(v, "j", "members:x").get("code").asText()).isEqualTo("forbidden");
    }
    assertThat(verified).as("a user the namespace refuses is not asked about").isEmpty();

    String token = SitesServer.login(server, "root", "roots-password");
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> ns =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.port() + "/api/admin/namespaces/ok"))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ns.statusCode()).isEqualTo(200);
      JsonNode proxy = json.readTree(ns.body()).get("proxy");
      assertThat(proxy.get("secretSet").asBoolean()).isTrue();
      assertThat(proxy.has("secret")).isFalse();
      assertThat(proxy.get("timeoutMs").asInt()).isEqualTo(2000);
      assertThat(ns.body()).doesNotContain(SECRET).doesNotContain("enc:v1:");

      // A proxy without a secret, sent or stored, is refused: no request goes out unsigned.
      HttpResponse<String> unsigned =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:" + server.port() + "/api/admin/namespaces/fresh"))
                  .PUT(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"subscribe\":\"anonymous\",\"proxy\":"
                              + "{\"subscribeUrl\":\"http://127.0.0.1:9/x\"}}"))
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(unsigned.statusCode()).as(unsigned.body()).isEqualTo(400);
      assertThat(json.readTree(unsigned.body()).get("field").asText()).isEqualTo("proxy.secret");
    }
  }
}
