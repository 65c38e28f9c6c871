package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.parley.bots.FakeLlmServer;
import dev.parley.bots.LlmBot;
import dev.parley.bots.knowledge.TestPdfs;
import dev.parley.client.ParleyClient;
import dev.parley.protocol.Codec;
import dev.parley.protocol.MessageMeta;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.protocol.openai.ChatCompletions;
import dev.parley.server.SitesFile;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.TestServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Knowledge per site (issue 16), on a real server: an admin creates a site through the API and
 * uploads a PDF (made here with PDFBox) and an HTML page; a visitor of that site is answered from
 * them; then the site's bot becomes the LLM (the OpenAI-compatible stand-in) and its next answer
 * streams from it with the site's passages, titled, in the prompt it received.
 */
@Timeout(90)
class KnowledgeFlowTest {
  @TempDir Path dir;
  FakeLlmServer llm;
  TestServer server;
  final Codec codec = ChatProtocol.codec();
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();
  String root;

  @BeforeEach
  void start() throws Exception {
    llm = new FakeLlmServer();
    Path sites =
        Files.writeString(
            dir.resolve("sites.json"),
            """
        {"sites": [{"id": "shop", "greeting": "Hi from the shop"}],
         "agents": [{"user": "root", "sites": ["shop"], "password": "roots-password", "admin": true}]}
        """);
    server =
        TestServer.start(
            dir.resolve("data"),
            b ->
                b.sites(SitesFile.load(sites))
                    .agents(null)
                    .knowledgeFetchPrivate(true) // the page server below is on 127.0.0.1
                    .llm(
                        new LlmBot.Config(
                            llm.baseUrl(),
                            "m",
                            null,
                            Duration.ofSeconds(5),
                            Duration.ofSeconds(5),
                            Duration.ofMinutes(5),
                            3)));
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\",\"user\":\"root\",\"password\":\"roots-password\"}");
      root = ((Push.Welcome) codec.decodePush(ws.readText())).token();
    }
  }

  @AfterEach
  void stop() {
    server.close();
    http.close();
    llm.close();
  }

  HttpResponse<String> call(String method, String path, String contentType, byte[] body)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Authorization", "Bearer " + root);
    if (contentType != null) {
      r.header("Content-Type", contentType);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode ok(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return r.body().isEmpty() ? null : json.readTree(r.body());
  }

  /** Made once: PDFBox gives each save a new file id, so two makes are two documents. */
  static final byte[] GUIDE = guidePdf();

  static byte[] guidePdf() {
    Map<String, String> pages = new LinkedHashMap<>();
    pages.put("Warranty", "Every kettle has a two year warranty.\nKeep the receipt to claim it.");
    pages.put("Descaling", "Descale the kettle every month with white vinegar.");
    return TestPdfs.make("Kettle guide", pages, true);
  }

  static final String SHIPPING =
      """
      <!doctype html><html><head><title>Shipping</title><script>track("secret")</script></head>
      <body><nav>Home | Shop | Cart</nav><h1>Delivery</h1>
      <p>We deliver every kettle within three working days, free of charge.</p></body></html>
      """;

  /** The next bot message in {@code conv} after {@code seq}. */
  static Push.Message botAnswer(RecordingListener rec, String conv, long after) {
    return rec.nextOf(
        Push.Message.class,
        m -> m.conv().equals(conv) && m.kind().equals("bot") && m.seq() > after);
  }

  @Test
  void aSiteIsAnsweredFromItsUploadedPdfAndPageThenByTheLlmWithThemInItsPrompt() throws Exception {
    ok(
        call(
            "POST",
            "/api/admin/sites",
            "application/json",
            """
            {"id": "kettles", "name": "Kettle Co", "greeting": "Hi from Kettle Co", "bot": {"kind": "kb"}}"""
                .getBytes(StandardCharsets.UTF_8)),
        201);
    JsonNode pdf =
        ok(
            call(
                "POST",
                "/api/admin/sites/kettles/knowledge?filename=guide.pdf",
                "application/pdf",
                GUIDE),
            201);
    assertThat(pdf.get("status").asText()).isEqualTo("ready");
    assertThat(pdf.get("mediaType").asText()).isEqualTo("application/pdf");
    assertThat(pdf.get("title").asText()).isEqualTo("Kettle guide");
    JsonNode page =
        ok(
            call(
                "POST",
                "/api/admin/sites/kettles/knowledge?filename=shipping.html",
                "text/html",
                SHIPPING.getBytes(StandardCharsets.UTF_8)),
            201);
    assertThat(page.get("status").asText()).isEqualTo("ready");
    assertThat(page.get("language").asText()).isEqualTo("en");
    JsonNode again =
        ok(
            call(
                "POST",
                "/api/admin/sites/kettles/knowledge?filename=copy.pdf",
                "application/pdf",
                GUIDE),
            200);
    assertThat(again.get("id").asText())
        .as("the same bytes are one document")
        .isEqualTo(pdf.get("id").asText());

    JsonNode broken =
        ok(
            call(
                "POST",
                "/api/admin/sites/kettles/knowledge?filename=broken.pdf",
                "application/pdf",
                "%PDF-1.7 not really".getBytes(StandardCharsets.UTF_8)),
            201);
    assertThat(broken.get("status").asText()).isEqualTo("failed");
    assertThat(broken.get("reason").asText()).startsWith("the PDF cannot be read");
    JsonNode list = ok(call("GET", "/api/admin/sites/kettles/knowledge", null, null), 200);
    assertThat(list).hasSize(3);
    JsonNode one =
        ok(
            call(
                "GET", "/api/admin/sites/kettles/knowledge/" + page.get("id").asText(), null, null),
            200);
    assertThat(one.get("sections").get(0).get("title").asText()).isEqualTo("Delivery");
    assertThat(one.toString()).doesNotContain("secret", "Cart");
    try (Stream<Path> generations = Files.list(dir.resolve("data/knowledge/kettles"))) {
      assertThat(generations.count()).as("one generation on disk serves").isEqualTo(1);
    }

    RecordingListener rec = new RecordingListener();
    try (ParleyClient visitor =
        ParleyClient.builder(server.wsUri()).site("kettles").listener(rec).build()) {
      visitor.connect().get(10, TimeUnit.SECONDS);
      String conv = ChatFlowTest.conversationOf(rec);
      assertThat(ChatFlowTest.greetingShown(rec, conv)).isEqualTo("Hi from Kettle Co");
      visitor.send(conv, "What warranty does a kettle have?").get(10, TimeUnit.SECONDS);
      Push.Message warranty =
          botAnswer(rec, conv, 1); // 1: the greeting, stored with the first message
      assertThat(warranty.text()).contains("two year warranty");
      assertThat(warranty.meta().sources())
          .as("an uploaded file is cited by its title, without a link")
          .containsExactly(new MessageMeta.Source("Kettle guide", null, null));
      visitor.send(conv, "When do you deliver?").get(10, TimeUnit.SECONDS);
      Push.Message delivery = botAnswer(rec, conv, warranty.seq());
      assertThat(delivery.text()).contains("three working days");
      assertThat(delivery.meta().sources())
          .containsExactly(new MessageMeta.Source("Shipping", null, null));

      ok(
          call(
              "PUT",
              "/api/admin/sites/kettles",
              "application/json",
              """
              {"name": "Kettle Co", "greeting": "Hi from Kettle Co", "bot": {"kind": "llm"}}"""
                  .getBytes(StandardCharsets.UTF_8)),
          200);
      llm.answer("Two years, with the receipt.");
      visitor.send(conv, "How long is the warranty?").get(10, TimeUnit.SECONDS);
      Push.Message fromModel = botAnswer(rec, conv, delivery.seq());
      assertThat(fromModel.text()).isEqualTo("Two years, with the receipt.");
      assertThat(fromModel.meta().sources())
          .as("the LLM's answer cites the documents of its prompt")
          .extracting(MessageMeta.Source::title)
          .contains("Kettle guide")
          .doesNotHaveDuplicates();
    }
    String prompt = ChatCompletions.messagesOf(llm.bodies.getLast()).getFirst().content();
    assertThat(prompt)
        .contains("## Warranty (from \"Kettle guide\")")
        .contains("Every kettle has a two year warranty.")
        .doesNotContain("Parley");

    ok(
        call("DELETE", "/api/admin/sites/kettles/knowledge/" + page.get("id").asText(), null, null),
        204);
    ok(
        call("GET", "/api/admin/sites/kettles/knowledge/" + page.get("id").asText(), null, null),
        404);
  }

  @Test
  void aPageFetchedByItsUrlAnswersAndNamesItsUrl() throws Exception {
    HttpServer pages =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] care =
        "<html><head><title>Kettle care</title></head><body><h2>Cleaning</h2><p>Wipe the kettle with a soft damp cloth.</p></body></html>"
            .getBytes(StandardCharsets.UTF_8);
    pages.createContext(
        "/care",
        ex -> {
          ex.sendResponseHeaders(200, care.length);
          ex.getResponseBody().write(care);
          ex.close();
        });
    pages.start();
    try {
      String url = "http://127.0.0.1:" + pages.getAddress().getPort() + "/care";
      JsonNode fetched =
          ok(
              call(
                  "POST",
                  "/api/admin/sites/shop/knowledge/fetch",
                  "application/json",
                  ("{\"url\": \"" + url + "\"}").getBytes(StandardCharsets.UTF_8)),
              201);
      assertThat(fetched.get("status").asText()).isEqualTo("ready");
      assertThat(fetched.get("source").asText()).isEqualTo(url);
      assertThat(fetched.get("title").asText()).isEqualTo("Kettle care");
      JsonNode refused =
          ok(
              call(
                  "POST",
                  "/api/admin/sites/shop/knowledge/fetch",
                  "application/json",
                  "{\"url\": \"file:///etc/passwd\"}".getBytes(StandardCharsets.UTF_8)),
              400);
      assertThat(refused.get("field").asText()).isEqualTo("url");
      JsonNode missing =
          ok(
              call(
                  "POST",
                  "/api/admin/sites/shop/knowledge/fetch",
                  "application/json",
                  ("{\"url\": \"" + url.replace("/care", "/missing") + "\"}")
                      .getBytes(StandardCharsets.UTF_8)),
              422);
      assertThat(missing.get("error").asText()).isEqualTo("fetch_failed");
      assertThat(missing.get("message").asText()).endsWith("answered HTTP 404");
    } finally {
      pages.stop(0);
    }
    RecordingListener rec = new RecordingListener();
    try (ParleyClient visitor =
        ParleyClient.builder(server.wsUri()).site("shop").listener(rec).build()) {
      visitor.connect().get(10, TimeUnit.SECONDS);
      String conv = ChatFlowTest.conversationOf(rec);
      visitor.send(conv, "How do I clean the kettle?").get(10, TimeUnit.SECONDS);
      Push.Message answer = botAnswer(rec, conv, 1);
      assertThat(answer.text()).isEqualTo("Wipe the kettle with a soft damp cloth.");
      assertThat(answer.meta().sources())
          .as("a fetched page is cited with a link to it")
          .containsExactly(
              new MessageMeta.Source(
                  "Kettle care",
                  "http://127.0.0.1:" + pages.getAddress().getPort() + "/care",
                  null));
    }
  }

  @Test
  void badUploadsAreRefusedNamingTheFieldAndUnknownSitesAreNotFound() throws Exception {
    JsonNode noName =
        ok(
            call(
                "POST",
                "/api/admin/sites/shop/knowledge",
                "text/plain",
                "hello".getBytes(StandardCharsets.UTF_8)),
            400);
    assertThat(noName.get("field").asText()).isEqualTo("filename");
    JsonNode empty =
        ok(
            call(
                "POST",
                "/api/admin/sites/shop/knowledge?filename=a.txt",
                "text/plain",
                new byte[0]),
            400);
    assertThat(empty.get("field").asText()).isEqualTo("body");
    ok(call("GET", "/api/admin/sites/nope/knowledge", null, null), 404);
    byte[] image = new byte[64];
    image[0] = (byte) 0x89;
    JsonNode unsupported =
        ok(
            call("POST", "/api/admin/sites/shop/knowledge?filename=logo.png", "image/png", image),
            201);
    assertThat(unsupported.get("status").asText()).isEqualTo("failed");
    assertThat(unsupported.get("reason").asText()).startsWith("unsupported type");
    HttpResponse<String> anonymous =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + server.port() + "/api/admin/sites/shop/knowledge"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
  }
}
