package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.bots.FakeEmbeddingsServer;
import dev.parley.client.ParleyClient;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hybrid retrieval on a real server (issue 16 part 5): an admin gives a site an embeddings endpoint
 * (the OpenAI-compatible stand-in) through the API — bad values refused naming the field, the key
 * never shown — uploads a page, and a visitor whose question shares no word with it is answered
 * from it; when the endpoint fails, the next question is answered by its words.
 */
@Timeout(90)
class HybridRetrievalFlowTest {
  @TempDir Path dir;
  FakeEmbeddingsServer embeddings;
  TestServer server;
  final Codec codec = ChatProtocol.codec();
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();
  String root;

  @BeforeEach
  void start() throws Exception {
    embeddings = new FakeEmbeddingsServer();
    server = SitesServer.start(dir, SitesServer.SHOP);
    root = SitesServer.login(server, "root", "roots-password");
  }

  @AfterEach
  void stop() {
    server.close();
    http.close();
    embeddings.close();
  }

  HttpResponse<String> call(String method, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Authorization", "Bearer " + root)
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  void assertField(HttpResponse<String> r, String field) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(json.readTree(r.body()).get("error").asText()).isEqualTo("invalid_field");
    assertThat(json.readTree(r.body()).get("field").asText()).isEqualTo(field);
  }

  String site(String embeddingsJson) {
    return """
        {"id": "pots", "greeting": "Hi from Pots", "confidenceThreshold": 0.3,
         "bot": {"kind": "kb", "embeddings": %s}}"""
        .formatted(embeddingsJson);
  }

  @Test
  void aQuestionSharingNoWordWithThePageIsAnsweredFromItByMeaning() throws Exception {
    assertField(
        call(
            "POST",
            "/api/admin/sites",
            site("{\"baseUrl\": \"ftp://x.example\", \"model\": \"m\"}")),
        "bot.embeddings.baseUrl");
    assertField(
        call(
            "POST",
            "/api/admin/sites",
            site(
                "{\"baseUrl\": \"https://x.example/v1\", \"model\": \"" + "m".repeat(201) + "\"}")),
        "bot.embeddings.model");
    assertField(
        call(
            "POST",
            "/api/admin/sites",
            site("{\"baseUrl\": \"https://x.example/v1\", \"model\": \"m\", \"size\": 3}")),
        "bot.embeddings.size");
    HttpResponse<String> created =
        call(
            "POST",
            "/api/admin/sites",
            site(
                "{\"baseUrl\": \"%s\", \"model\": \"m1\", \"apiKey\": \"sk-embed\"}"
                    .formatted(embeddings.baseUrl())));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode shown = json.readTree(call("GET", "/api/admin/sites/pots", null).body());
    assertThat(shown.at("/bot/embeddings/apiKeySet").asBoolean()).isTrue();
    assertThat(shown.toString()).doesNotContain("sk-embed");

    HttpResponse<String> up =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + server.port()
                            + "/api/admin/sites/pots/knowledge?filename=policies.md"))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        """
                        # Reimbursements

                        We pay back the price of an order within 30 days.

                        # Teapots

                        Our teapots hold one litre of tea.
                        """))
                .header("Authorization", "Bearer " + root)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
    assertThat(json.readTree(up.body()).get("status").asText()).isEqualTo("ready");
    assertThat(json.readTree(up.body()).has("reason")).as("embedded").isFalse();
    assertThat(embeddings.embedded.get()).as("both sections, once").isEqualTo(2);
    assertThat(embeddings.authorizations).containsOnly("Bearer sk-embed");

    RecordingListener rec = new RecordingListener();
    try (ParleyClient visitor =
        ParleyClient.builder(server.wsUri()).site("pots").listener(rec).build()) {
      visitor.connect().get(10, TimeUnit.SECONDS);
      String conv = ChatFlowTest.conversationOf(rec);
      visitor.send(conv, "Can I get a refund?").get(10, TimeUnit.SECONDS);
      Push.Message refund = KnowledgeFlowTest.botAnswer(rec, conv, 1);
      assertThat(refund.text()).contains("pay back the price");

      embeddings.mode(FakeEmbeddingsServer.Mode.HTTP_500);
      visitor.send(conv, "How much tea do the teapots hold?").get(10, TimeUnit.SECONDS);
      Push.Message teapots = KnowledgeFlowTest.botAnswer(rec, conv, refund.seq());
      assertThat(teapots.text()).as("by its words, the endpoint down").contains("one litre");
    }
  }
}
