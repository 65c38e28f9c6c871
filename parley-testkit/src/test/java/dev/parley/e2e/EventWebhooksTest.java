package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.parley.bots.WebhookSignature;
import dev.parley.chat.Site;
import dev.parley.client.Backoff;
import dev.parley.client.ParleyClient;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.server.ServerConfig;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.TestServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event webhooks end to end (issue 16, part 7): an admin subscribes a receiver (a real HTTP server
 * in this process) to a site's events through the admin API; a visitor's whole conversation —
 * created, messages, handed off, assigned, resolved — reaches it signed, once each, in order,
 * though the receiver fails the first two posts; the delivery log shows the attempts.
 */
@Timeout(120)
class EventWebhooksTest {
  static final String SECRET = "crm-shared-secret-0123";

  record Received(String delivery, String event, String verdict, JsonNode body) {}

  @TempDir Path dir;
  TestServer server;
  HttpServer receiver;
  final List<Received> received = new CopyOnWriteArrayList<>();
  final AtomicInteger posts = new AtomicInteger();

  /** How many posts the receiver fails before it answers 204. */
  final AtomicInteger failFirst = new AtomicInteger(2);

  /** While set, the receiver answers every post 503. */
  volatile boolean down;

  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();
  final Codec codec = ChatProtocol.codec();
  final List<ParleyClient> clients = new ArrayList<>();
  String admin;

  @BeforeEach
  void start() throws Exception {
    WebhookSignature key = WebhookSignature.of(SECRET, WebhookSignature.Direction.TO_INTEGRATION);
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/crm/events",
        x -> {
          byte[] body = x.getRequestBody().readAllBytes();
          String delivery = x.getRequestHeaders().getFirst("X-Parley-Delivery");
          WebhookSignature.Verdict v =
              key.check(
                  x.getRequestHeaders().getFirst("X-Parley-Signature"),
                  System.currentTimeMillis() / 1000,
                  x.getRequestMethod(),
                  x.getRequestURI().getRawPath(),
                  delivery,
                  body);
          posts.incrementAndGet();
          // down, or failing its first posts: 5xx
          int status = down ? 503 : failFirst.getAndDecrement() > 0 ? 500 : 204;
          if (status == 204) {
            received.add(
                new Received(
                    delivery,
                    x.getRequestHeaders().getFirst("X-Parley-Event"),
                    v.name(),
                    json.readTree(body)));
          }
          x.sendResponseHeaders(status, -1);
          x.close();
        });
    receiver.start();
    server =
        TestServer.start(
            dir,
            b ->
                b.botPacing(Duration.ZERO)
                    .eventRetryBase(Duration.ofMillis(100))
                    .eventAttempts(50));
    admin = login("maya", ServerConfig.DEMO_AGENT_PASSWORD);
  }

  @AfterEach
  void stop() {
    clients.forEach(ParleyClient::close);
    server.close();
    receiver.stop(0);
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

  HttpResponse<String> call(String method, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + admin)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode deliveries() throws Exception {
    return deliveries("demo");
  }

  JsonNode deliveries(String site) throws Exception {
    HttpResponse<String> r =
        call("GET", "/api/admin/sites/" + site + "/deliveries?limit=100", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }

  void awaitStored(int n) {
    await().atMost(Duration.ofSeconds(20)).until(() -> deliveries().size() >= n);
  }

  ParleyClient client(ParleyClient.Builder b) throws Exception {
    ParleyClient c = b.backoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200))).build();
    clients.add(c);
    c.connect().get(10, TimeUnit.SECONDS);
    return c;
  }

  /** Subscribes the receiver to every event of the demo site. */
  void subscribe() throws Exception {
    HttpResponse<String> r =
        call("PUT", "/api/admin/sites/demo", siteWithHook(Site.demo().greeting()));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).doesNotContain(SECRET).contains("\"secretSet\":true");
  }

  /**
   * A site document with the receiver subscribed to every event. (A site of the sites file, or the
   * demo's, takes the file's content again at the next start: a restart test uses a site made
   * through the API.)
   */
  String siteWithHook(String greeting) throws Exception {
    String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/crm/events";
    return json.writeValueAsString(
        json.createObjectNode()
            .put("name", "Parley demo")
            .put("greeting", greeting)
            .set(
                "eventWebhooks",
                json.createArrayNode()
                    .add(
                        json.createObjectNode()
                            .put("id", "crm")
                            .put("url", url)
                            .put("secret", SECRET)
                            .set(
                                "events",
                                json.valueToTree(
                                    List.of(
                                        "conversation.created",
                                        "message.created",
                                        "conversation.handed_off",
                                        "conversation.assigned",
                                        "conversation.resolved"))))));
  }

  @Test
  void aConversationsEventsReachTheReceiverSignedInOrderThroughItsFailures() throws Exception {
    subscribe();
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

    visitor.send(conv, "What is the heartbeat?").get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> rec.messages(conv).size() == 3);
    awaitStored(4); // created, the greeting, the question, the answer
    visitor.handoff(conv);
    HandoffTest.awaitStatus(rec, conv, "assigned");
    maya.join(conv, 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> mayaRec.messages(conv).size() == 5);
    maya.send(conv, "Hi, I'm Maya.").get(10, TimeUnit.SECONDS);
    awaitStored(7);
    maya.resolve(conv);
    HandoffTest.awaitStatus(rec, conv, "resolved");

    await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 8);
    assertThat(received).extracting(Received::verdict).containsOnly("VALID");
    assertThat(received)
        .extracting(Received::event)
        .containsExactly(
            "conversation.created",
            "message.created",
            "message.created",
            "message.created",
            "conversation.handed_off",
            "conversation.assigned",
            "message.created",
            "conversation.resolved");
    assertThat(received.stream().map(r -> r.body().get("event").asText()))
        .containsExactlyElementsOf(received.stream().map(Received::event).toList());
    assertThat(received.stream().map(r -> r.body().get("conversation").get("id").asText()))
        .containsOnly(conv);
    assertThat(
            received.stream()
                .filter(r -> r.event().equals("message.created"))
                .map(r -> r.body().get("message").get("seq").asLong()))
        .containsExactly(1L, 2L, 3L, 6L);
    Received question = received.get(2);
    assertThat(question.body().get("message").get("text").asText())
        .isEqualTo("What is the heartbeat?");
    assertThat(received.get(5).body().get("conversation").get("agent").asText()).isEqualTo("maya");
    assertThat(received.get(7).body().get("conversation").get("status").asText())
        .isEqualTo("resolved");
    assertThat(received.stream().map(Received::delivery).distinct()).hasSize(8);

    // The log: every delivery delivered, the first after two failures, newest first.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              JsonNode l = deliveries();
              for (JsonNode d : l) {
                if (!d.get("status").asText().equals("delivered")) {
                  return false;
                }
              }
              return l.size() == 8;
            });
    JsonNode log = deliveries();
    JsonNode first = log.get(7);
    assertThat(first.get("event").asText()).isEqualTo("conversation.created");
    assertThat(first.get("id").asText()).isEqualTo(received.get(0).delivery());
    assertThat(first.get("attempts").asInt()).isEqualTo(3);
    assertThat(first.get("responseCode").asInt()).isEqualTo(204);
    assertThat(first.get("webhook").asText()).isEqualTo("crm");
    assertThat(log.get(0).get("event").asText()).isEqualTo("conversation.resolved");
    assertThat(log.get(0).get("attempts").asInt()).isEqualTo(1);
    assertThat(posts).hasValue(10);
  }

  @Test
  void pendingDeliveriesSurviveARestartAndArriveOnceInOrder() throws Exception {
    failFirst.set(0);
    down = true;
    String shop =
        ((ObjectNode) json.readTree(siteWithHook("Hi from the shop"))).put("id", "shop").toString();
    HttpResponse<String> made = call("POST", "/api/admin/sites", shop);
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    RecordingListener rec = new RecordingListener();
    ParleyClient visitor = client(ParleyClient.builder(server.wsUri()).site("shop").listener(rec));
    String conv = ChatFlowTest.conversationOf(rec);
    ChatFlowTest.greetingShown(rec, conv);
    visitor.send(conv, "Are my events kept?").get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(20)).until(() -> deliveries("shop").size() >= 4);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> deliveries("shop").get(3).get("attempts").asInt() >= 1);
    visitor.close();

    server.restart(); // the pending deliveries are in the database only
    admin = login("maya", ServerConfig.DEMO_AGENT_PASSWORD);
    down = false;

    await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 4);
    assertThat(received).extracting(Received::verdict).containsOnly("VALID");
    assertThat(received)
        .extracting(Received::event)
        .containsExactly(
            "conversation.created", "message.created", "message.created", "message.created");
    assertThat(
            received.stream()
                .filter(r -> r.event().equals("message.created"))
                .map(r -> r.body().get("message").get("seq").asLong()))
        .containsExactly(1L, 2L, 3L);
    assertThat(received.stream().map(Received::delivery).distinct()).hasSize(4);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              JsonNode l = deliveries("shop");
              for (JsonNode d : l) {
                if (!d.get("status").asText().equals("delivered")) {
                  return false;
                }
              }
              return l.size() == 4;
            });
    JsonNode created = deliveries("shop").get(3);
    assertThat(created.get("event").asText()).isEqualTo("conversation.created");
    assertThat(created.get("attempts").asInt()).as("failed before the restart").isGreaterThan(1);
  }

  @Test
  void theDeliveryLogIsForAdminsAndChecksItsParameters() throws Exception {
    assertThat(call("GET", "/api/admin/sites/demo/deliveries?limit=0", null).body())
        .contains("\"field\":\"limit\"");
    assertThat(call("GET", "/api/admin/sites/nope/deliveries", null).statusCode()).isEqualTo(404);
    assertThat(call("POST", "/api/admin/sites/demo/deliveries", "{}").statusCode()).isEqualTo(405);
    HttpResponse<String> anonymous =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + server.port() + "/api/admin/sites/demo/deliveries"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    String sam = login("sam", ServerConfig.DEMO_AGENT_PASSWORD);
    HttpResponse<String> agent =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + server.port() + "/api/admin/sites/demo/deliveries"))
                .header("Authorization", "Bearer " + sam)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(agent.statusCode()).as("sam is an agent, not an admin").isEqualTo(403);
  }
}
