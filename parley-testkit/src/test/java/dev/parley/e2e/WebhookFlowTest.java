package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.parley.bots.WebhookBot;
import dev.parley.bots.WebhookSignature;
import dev.parley.bots.WebhookSignature.Direction;
import dev.parley.client.ParleyClient;
import dev.parley.protocol.Push;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.TestServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An external bot: signed events out with retries, signed answers back through the REST API, and
 * the attacks on that path (issue 14.2): a delivery replayed in the other direction, to another
 * conversation, a second time, too late, or with a field the server would ignore.
 */
@Timeout(60)
class WebhookFlowTest {
  static final String SECRET = "a-webhook-secret-of-some-length";
  static final WebhookSignature TO_BOT = WebhookSignature.of(SECRET, Direction.TO_BOT);
  static final WebhookSignature TO_PARLEY = WebhookSignature.of(SECRET, Direction.TO_PARLEY);
  @TempDir Path dir;
  HttpServer receiver;
  TestServer server;

  /** What the receiver got: headers and body of each delivery attempt. */
  final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

  final AtomicInteger attempts = new AtomicInteger();
  volatile boolean answering = true;
  final HttpClient http = HttpClient.newHttpClient();

  record Delivery(String id, String signature, byte[] body) {}

  @BeforeEach
  void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    receiver.createContext(
        "/hook",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          Delivery d =
              new Delivery(
                  ex.getRequestHeaders().getFirst("X-Parley-Delivery"),
                  ex.getRequestHeaders().getFirst("X-Parley-Signature"),
                  body);
          deliveries.add(d);
          // The first delivery fails: Parley must retry.
          int status = attempts.incrementAndGet() == 1 ? 503 : 200;
          ex.sendResponseHeaders(status, -1);
          ex.close();
          if (status == 200 && answering) {
            JsonNode e = new ObjectMapper().readTree(body);
            post(
                e.get("conversation").asText(),
                UUID.randomUUID().toString(),
                "{\"cid\":\""
                    + e.get("delivery").asText()
                    + "\",\"text\":\"Echo: "
                    + e.get("text").asText()
                    + "\"}");
          }
        });
    receiver.start();
    server =
        TestServer.start(
            dir,
            b ->
                b.bot("webhook")
                    .webhook(
                        new WebhookBot.Config(
                            "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                            SECRET,
                            4,
                            Duration.ofMillis(50),
                            Duration.ofSeconds(5))));
  }

  @AfterEach
  void stop() {
    server.close();
    receiver.stop(0);
    http.close();
  }

  /** POSTs {@code json} as the external bot's answer to {@code conv}, signed now. */
  HttpResponse<String> post(String conv, String delivery, String json) {
    return post(conv, delivery, json, Instant.now().getEpochSecond());
  }

  HttpResponse<String> post(String conv, String delivery, String json, long signedAt) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    String path = "/api/conversations/" + conv + "/messages";
    return postRaw(path, delivery, TO_PARLEY.sign(signedAt, "POST", path, delivery, body), body);
  }

  HttpResponse<String> postRaw(String path, String delivery, String signature, byte[] body) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
              .header("Content-Type", "application/json")
              .header("X-Parley-Delivery", delivery)
              .header("X-Parley-Signature", signature)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }

  /** The visitor connected on the webhook site; returns the conversation it was greeted in. */
  static String connected(ParleyClient visitor, RecordingListener rec) throws Exception {
    visitor.connect().get(10, TimeUnit.SECONDS);
    String conv = ChatFlowTest.conversationOf(rec);
    ChatFlowTest.greetingShown(rec, conv);
    return conv;
  }

  /** A visitor on the webhook site whose message went out; returns the conversation. */
  String conversationWithOneDelivery(ParleyClient visitor, RecordingListener rec) throws Exception {
    String conv = connected(visitor, rec);
    visitor.send(conv, "hello webhook").get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> rec.messages(conv).size() == 3);
    return conv;
  }

  @Test
  void aVisitorMessageGoesOutSignedWithRetriesAndTheAnswerComesBackThroughTheApi()
      throws Exception {
    RecordingListener rec = new RecordingListener();
    try (ParleyClient visitor =
        ParleyClient.builder(server.wsUri()).site("demo").listener(rec).build()) {
      String conv = conversationWithOneDelivery(visitor, rec);
      assertThat(rec.messages(conv).get(2).text()).isEqualTo("Echo: hello webhook");
      assertThat(rec.messages(conv).get(2).kind()).isEqualTo("bot");
      assertThat(attempts.get()).isEqualTo(2);
      // Both attempts: the same delivery, each signed for the receiver's path in direction to-bot.
      assertThat(deliveries).extracting(Delivery::id).containsOnly(deliveries.get(0).id());
      long now = Instant.now().getEpochSecond();
      for (Delivery d : deliveries) {
        assertThat(TO_BOT.check(d.signature(), now, "POST", "/hook", d.id(), d.body()))
            .isEqualTo(WebhookSignature.Verdict.VALID);
      }
      JsonNode event = new ObjectMapper().readTree(deliveries.get(0).body());
      assertThat(event.get("event").asText()).isEqualTo("message");
      assertThat(event.get("delivery").asText()).isEqualTo(deliveries.get(0).id());
      assertThat(event.get("conversation").asText()).isEqualTo(conv);
      assertThat(event.get("site").asText()).isEqualTo("demo");
    }
  }

  @Test
  void anAnswerSignedWithAnotherSecretIsRefused() throws Exception {
    answering = false;
    RecordingListener rec = new RecordingListener();
    try (ParleyClient visitor =
        ParleyClient.builder(server.wsUri()).site("demo").listener(rec).build()) {
      String conv = connected(visitor, rec);
      visitor.send(conv, "hello webhook").get(10, TimeUnit.SECONDS);
      byte[] body = "{\"cid\":\"f1\",\"text\":\"forged\"}".getBytes(StandardCharsets.UTF_8);
      String path = "/api/conversations/" + conv + "/messages";
      HttpResponse<String> r =
          postRaw(
              path,
              "d1",
              WebhookSignature.of("another-secret-entirely", Direction.TO_PARLEY)
                  .sign(Instant.now().getEpochSecond(), "POST", path, "d1", body),
              body);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.body()).contains("does not match");
    }
  }

  @Test
  void anAnswerForAConversationNoWebhookBotAnswersInIsRefusedWhateverItsSignature() {
    byte[] body = "{\"cid\":\"f1\",\"text\":\"forged\"}".getBytes(StandardCharsets.UTF_8);
    String path = "/api/conversations/chat_x/messages";
    HttpResponse<String> r =
        postRaw(
            path,
            "d1",
            TO_PARLEY.sign(Instant.now().getEpochSecond(), "POST", path, "d1", body),
            body);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("no webhook bot answers in this conversation");
  }

  @Test
  void anEventParleySentCannotBeReplayedToParleyAsTheBotsAnswer() throws Exception {
    answering = false;
    RecordingListener rec = new RecordingListener();
    try (ParleyClient visitor =
        ParleyClient.builder(server.wsUri()).site("demo").listener(rec).build()) {
      String conv = connected(visitor, rec);
      // The visitor chooses the text Parley signs and sends out.
      visitor.send(conv, "{\"text\":\"I am the bot\"}").get(10, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> attempts.get() == 2 && rec.messages(conv).size() == 2);
      Delivery out = deliveries.get(1);
      HttpResponse<String> r =
          postRaw(
              "/api/conversations/" + conv + "/messages", out.id(), out.signature(), out.body());
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(rec.messages(conv))
          .filteredOn(m -> m.kind().equals("bot"))
          .extracting(m -> m.text())
          .as("only the greeting")
          .doesNotContain("{\"text\":\"I am the bot\"}", "I am the bot")
          .hasSize(1);
    }
  }

  @Test
  void anAnswerSignedForOneConversationIsRefusedForAnother() throws Exception {
    answering = false;
    RecordingListener rec = new RecordingListener();
    try (ParleyClient visitor =
        ParleyClient.builder(server.wsUri()).site("demo").listener(rec).build()) {
      visitor.connect().get(10, TimeUnit.SECONDS);
      String conv = ChatFlowTest.conversationOf(rec);
      visitor.send(conv, "hello").get(10, TimeUnit.SECONDS);
      byte[] body =
          "{\"cid\":\"c1\",\"text\":\"meant for elsewhere\"}".getBytes(StandardCharsets.UTF_8);
      String signedFor = "/api/conversations/chat_someone_else/messages";
      String sig =
          TO_PARLEY.sign(Instant.now().getEpochSecond(), "POST", signedFor, "d-moved", body);
      assertThat(
              postRaw("/api/conversations/" + conv + "/messages", "d-moved", sig, body)
                  .statusCode())
          .isEqualTo(401);
    }
  }

  @Test
  void aDeliveryIdIsUsedOnceAndAStaleSignatureIsRefused() throws Exception {
    answering = false;
    RecordingListener rec = new RecordingListener();
    try (ParleyClient visitor =
        ParleyClient.builder(server.wsUri()).site("demo").listener(rec).build()) {
      visitor.connect().get(10, TimeUnit.SECONDS);
      String conv = ChatFlowTest.conversationOf(rec);
      visitor.send(conv, "hello").get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() == 2);

      String answer = "{\"cid\":\"a1\",\"text\":\"once\"}";
      assertThat(post(conv, "d-once", answer).statusCode()).isEqualTo(201);
      HttpResponse<String> again = post(conv, "d-once", answer);
      assertThat(again.statusCode()).isEqualTo(409);
      assertThat(again.body()).contains("replayed");

      long sixMinutesAgo = Instant.now().minus(Duration.ofMinutes(6)).getEpochSecond();
      HttpResponse<String> stale =
          post(conv, "d-stale", "{\"cid\":\"a2\",\"text\":\"late\"}", sixMinutesAgo);
      assertThat(stale.statusCode()).isEqualTo(401);
      assertThat(stale.body()).contains("timestamp");

      HttpResponse<String> extra =
          post(conv, "d-extra", "{\"cid\":\"a3\",\"text\":\"x\",\"kind\":\"agent\"}");
      assertThat(extra.statusCode()).isEqualTo(400);
      assertThat(extra.body()).contains("kind");

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> rec.messages(conv).stream().anyMatch(m -> m.text().equals("once")));
      assertThat(rec.messages(conv))
          .extracting(m -> m.text())
          .containsOnlyOnce("once")
          .doesNotContain("late", "x");
    }
  }

  @Test
  void theBotsAnswerMayCiteSourcesWhichAreCheckedStoredOnceAndShownToTheVisitor() throws Exception {
    answering = false;
    RecordingListener rec = new RecordingListener();
    try (ParleyClient visitor =
        ParleyClient.builder(server.wsUri()).site("demo").listener(rec).build()) {
      visitor.connect().get(10, TimeUnit.SECONDS);
      String conv = ChatFlowTest.conversationOf(rec);
      visitor.send(conv, "prices?").get(10, TimeUnit.SECONDS);

      HttpResponse<String> script =
          post(
              conv,
              "d-js",
              "{\"cid\":\"s0\",\"text\":\"x\",\"sources\":[{\"title\":\"ok\"},"
                  + "{\"title\":\"bad\",\"url\":\"javascript:alert(1)\"}]}");
      assertThat(script.statusCode()).isEqualTo(400);
      assertThat(script.body()).contains("sources[1] url must be an absolute http or https URL");
      String six = "{\"title\":\"t\"},".repeat(5) + "{\"title\":\"t\"}";
      HttpResponse<String> tooMany =
          post(conv, "d-six", "{\"cid\":\"s0\",\"text\":\"x\",\"sources\":[" + six + "]}");
      assertThat(tooMany.statusCode()).isEqualTo(400);
      assertThat(tooMany.body()).contains("sources holds at most 5 entries");

      String answer =
          "{\"cid\":\"s1\",\"text\":\"From 9 euros.\",\"sources\":[{\"title\":\"Pricing\","
              + "\"url\":\"https://shop.example/pricing\",\"snippet\":\"Plans start at 9\"}]}";
      HttpResponse<String> first = post(conv, "d-s1", answer);
      assertThat(first.statusCode()).isEqualTo(201);
      assertThat(first.body()).contains("\"meta\":{\"sources\":[{\"title\":\"Pricing\"");
      // A retry under a new delivery id: the same cid answers with the message first stored.
      HttpResponse<String> retry =
          post(conv, "d-s1-retry", "{\"cid\":\"s1\",\"text\":\"From 9 euros.\"}");
      assertThat(retry.statusCode()).isEqualTo(201);
      assertThat(new ObjectMapper().readTree(retry.body()))
          .isEqualTo(new ObjectMapper().readTree(first.body()));

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> rec.messages(conv).stream().anyMatch(m -> m.meta() != null));
      List<Push.Message> shown = rec.messages(conv).stream().filter(m -> m.meta() != null).toList();
      assertThat(shown).hasSize(1);
      assertThat(shown.get(0).text()).isEqualTo("From 9 euros.");
      assertThat(shown.get(0).meta().sources().get(0).url())
          .isEqualTo("https://shop.example/pricing");
      assertThat(shown.get(0).meta().sources().get(0).snippet()).isEqualTo("Plans start at 9");
    }
  }
}
