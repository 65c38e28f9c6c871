package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.parley.bots.WebhookBot;
import dev.parley.client.ParleyClient;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An external bot: signed events out with retries, signed answers back through the REST API. */
@Timeout(60)
class WebhookFlowTest {
  static final String SECRET = "a-webhook-secret-of-some-length";
  @TempDir Path dir;
  HttpServer receiver;
  TestServer server;
  final List<String> signatures = new CopyOnWriteArrayList<>();
  final List<byte[]> bodies = new CopyOnWriteArrayList<>();
  final AtomicInteger attempts = new AtomicInteger();
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    receiver.createContext("/hook", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      bodies.add(body);
      signatures.add(ex.getRequestHeaders().getFirst("X-Parley-Signature"));
      // The first delivery fails: Parley must retry.
      int status = attempts.incrementAndGet() == 1 ? 503 : 200;
      ex.sendResponseHeaders(status, -1);
      ex.close();
      if (status == 200 && WebhookBot.verify(body, signatures.get(signatures.size() - 1), SECRET)) {
        answer(body);
      }
    });
    receiver.start();
    server = TestServer.start(dir, b -> b.bot("webhook").webhook(new WebhookBot.Config(
        "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", SECRET, 4, Duration.ofMillis(50),
        Duration.ofSeconds(5))));
  }

  @AfterEach
  void stop() {
    server.close();
    receiver.stop(0);
    http.close();
  }

  /** The external bot's answer, signed, through the REST API. */
  void answer(byte[] event) {
    try {
      JsonNode e = new ObjectMapper().readTree(event);
      byte[] body = ("{\"cid\":\"" + e.get("delivery").asText() + "\",\"text\":\"Echo: " + e.get("text").asText() + "\"}")
          .getBytes(StandardCharsets.UTF_8);
      http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/conversations/"
              + e.get("conversation").asText() + "/messages"))
          .header("Content-Type", "application/json")
          .header("X-Parley-Signature", WebhookBot.signature(body, SECRET))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }

  @Test
  void aVisitorMessageGoesOutSignedWithRetriesAndTheAnswerComesBackThroughTheApi() throws Exception {
    RecordingListener rec = new RecordingListener();
    try (ParleyClient visitor = ParleyClient.builder(server.wsUri()).site("demo").listener(rec).build()) {
      visitor.connect().get(10, TimeUnit.SECONDS);
      String conv = ChatFlowTest.conversationOf(rec);
      ChatFlowTest.greetingShown(rec, conv);
      visitor.send(conv, "hello webhook").get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> rec.messages(conv).size() == 3);
      assertThat(rec.messages(conv).get(2).text()).isEqualTo("Echo: hello webhook");
      assertThat(rec.messages(conv).get(2).kind()).isEqualTo("bot");
      assertThat(attempts.get()).isEqualTo(2);
      for (int i = 0; i < bodies.size(); i++) {
        assertThat(WebhookBot.verify(bodies.get(i), signatures.get(i), SECRET)).isTrue();
      }
      JsonNode event = new ObjectMapper().readTree(bodies.get(0));
      assertThat(event.get("event").asText()).isEqualTo("message");
      assertThat(event.get("conversation").asText()).isEqualTo(conv);
      assertThat(event.get("site").asText()).isEqualTo("demo");
    }
  }

  @Test
  void anAnswerWithABadSignatureIsRefused() throws Exception {
    byte[] body = "{\"text\":\"forged\"}".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
            + "/api/conversations/chat_x/messages"))
        .header("X-Parley-Signature", WebhookBot.signature(body, "another-secret-entirely"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
  }
}
