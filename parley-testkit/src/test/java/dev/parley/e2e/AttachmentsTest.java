package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.client.FileUpload;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyException;
import dev.parley.protocol.MessageMeta;
import dev.parley.protocol.Push;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A message with a file on a real server over real sockets (issue 17,
 * docs/PROTOCOL.md#attachments): the visitor uploads a screenshot, sends it with no text, the agent
 * watching the conversation gets the {@code message} event with the attachment's metadata, the
 * visitor's retry of the same cid is the same message, an agent that joins later replays it once
 * with its attachment, a fresh signed link downloads it, and a file id that is not the visitor's is
 * refused with {@code unknown_file}.
 */
@Timeout(90)
class AttachmentsTest {
  @TempDir Path dir;
  TestServer server;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void start() throws Exception {
    server = SitesServer.start(dir, SitesServer.SHOP);
  }

  @AfterEach
  void stop() {
    server.close();
    http.close();
  }

  /** The next {@code message} event of {@code conv} that carries attachments. */
  JsonNode nextWithFiles(RawWebSocket ws, String conv) throws Exception {
    while (true) {
      JsonNode m = Frames.ofType(ws, "message");
      if (m.get("conv").asText().equals(conv) && m.path("meta").has("attachments")) {
        return m;
      }
    }
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
  }

  RawWebSocket agent() throws Exception {
    RawWebSocket ws = RawWebSocket.connect(server.port());
    ws.sendText("{\"type\":\"hello\",\"user\":\"root\",\"password\":\"roots-password\"}");
    Frames.ofType(ws, "welcome");
    return ws;
  }

  @Test
  void aVisitorSendsAScreenshotTheAgentSeesItOnceLiveAndOnResumeAndDownloadsIt() throws Exception {
    try (RawWebSocket visitor = RawWebSocket.connect(server.port());
        RawWebSocket watching = agent()) {
      visitor.sendText("{\"type\":\"hello\",\"site\":\"shop\"}");
      String token = Frames.ofType(visitor, "welcome").get("token").asText();
      String conv = Frames.ofType(visitor, "conversation").get("conv").asText();
      visitor.sendText(
          "{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"look\"}");
      Frames.ofType(visitor, "ack");

      HttpResponse<byte[]> up =
          http.send(
              HttpRequest.newBuilder(uri("/api/conversations/" + conv + "/files?name=screen.png"))
                  .header("Authorization", "Bearer " + token)
                  .header("Idempotency-Key", "shot-1")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(FilesTest.screenshot()))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(up.statusCode()).as(new String(up.body(), StandardCharsets.UTF_8)).isEqualTo(201);
      String id = json.readTree(up.body()).get("file").get("id").asText();
      watching.sendText("{\"type\":\"join\",\"conv\":\"" + conv + "\",\"after\":0}");
      Frames.ofType(watching, "joined");

      String send =
          "{\"type\":\"send\",\"cid\":\"c2\",\"conv\":\""
              + conv
              + "\",\"text\":\"\",\"attachments\":[\""
              + id
              + "\"]}";
      visitor.sendText(send);
      JsonNode ack = Frames.ofType(visitor, "ack");
      JsonNode live = nextWithFiles(watching, conv);
      assertThat(live.get("seq").asLong()).isEqualTo(ack.get("seq").asLong());
      assertThat(live.get("text").asText()).isEmpty();
      JsonNode a = live.get("meta").get("attachments").get(0);
      assertThat(a.get("id").asText()).isEqualTo(id);
      assertThat(a.get("name").asText()).isEqualTo("screen.png");
      assertThat(a.get("type").asText()).isEqualTo("image/png");
      assertThat(a.get("width").asInt()).isEqualTo(1280);
      assertThat(a.get("height").asInt()).isEqualTo(720);
      assertThat(a.get("thumbnail").asBoolean()).isTrue();
      assertThat(a.get("size").asLong()).isPositive();

      visitor.sendText(send); // a retry after a lost ack
      assertThat(Frames.ofType(visitor, "ack").get("seq").asLong())
          .isEqualTo(ack.get("seq").asLong());

      visitor.sendText(
          "{\"type\":\"send\",\"cid\":\"c3\",\"conv\":\""
              + conv
              + "\",\"text\":\"x\",\"attachments\":[\"f_"
              + "z".repeat(22)
              + "\"]}");
      JsonNode refused = Frames.ofType(visitor, "error");
      assertThat(refused.get("code").asText()).isEqualTo("unknown_file");
      assertThat(refused.get("cid").asText()).isEqualTo("c3");

      try (RawWebSocket later = agent()) {
        later.sendText("{\"type\":\"join\",\"conv\":\"" + conv + "\",\"after\":0}");
        JsonNode replayed = nextWithFiles(later, conv);
        assertThat(replayed.get("seq").asLong()).isEqualTo(ack.get("seq").asLong());
        assertThat(replayed.get("meta").get("attachments").get(0).get("id").asText()).isEqualTo(id);
        later.sendText(
            "{\"type\":\"history\",\"ref\":\"h2\",\"conv\":\"" + conv + "\",\"limit\":100}");
        JsonNode page = Frames.ofType(later, "history");
        while (!page.path("ref").asText().equals("h2")) {
          page = Frames.ofType(later, "history");
        }
        int withFiles = 0;
        for (JsonNode m : page.get("messages")) {
          assertThat(m.path("cid").asText()).isNotEqualTo("c3");
          if (m.path("meta").has("attachments")) {
            withFiles++;
          }
        }
        assertThat(withFiles).as("the retried cid is one message").isEqualTo(1);
      }

      HttpResponse<byte[]> links =
          http.send(
              HttpRequest.newBuilder(uri("/api/files/" + id))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(links.statusCode()).isEqualTo(200);
      JsonNode described = json.readTree(links.body());
      HttpResponse<byte[]> thumb =
          http.send(
              HttpRequest.newBuilder(uri(described.get("thumbnailUrl").asText())).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(thumb.statusCode()).isEqualTo(200);
      assertThat(thumb.headers().firstValue("Content-Type")).contains("image/png");
    }
  }

  @Test
  void theJavaClientUploadsOnceAcrossARetryAndSendsTheFileTheAgentsClientSeesIt() throws Exception {
    RecordingListener seen = new RecordingListener();
    RecordingListener mine = new RecordingListener();
    try (ParleyClient visitor =
            ParleyClient.builder(server.wsUri()).site("shop").listener(mine).build();
        ParleyClient root =
            ParleyClient.builder(server.wsUri())
                .login("root", "roots-password")
                .listener(seen)
                .build()) {
      visitor.connect().get(10, TimeUnit.SECONDS);
      root.connect().get(10, TimeUnit.SECONDS);
      String conv = ChatFlowTest.conversationOf(mine);
      visitor.send(conv, "hi").get(10, TimeUnit.SECONDS);
      root.join(conv, 0);

      List<Long> progress = new CopyOnWriteArrayList<>();
      byte[] png = FilesTest.screenshot();
      FileUpload file = FileUpload.of(png, "screen.png").onProgress(progress::add);
      FileUpload.Uploaded first = visitor.upload(conv, file).get(10, TimeUnit.SECONDS);
      FileUpload.Uploaded again = visitor.upload(conv, file).get(10, TimeUnit.SECONDS);
      assertThat(again.id()).as("the same key: stored once").isEqualTo(first.id());
      assertThat(first.width()).isEqualTo(1280);
      assertThat(first.thumbnail()).isTrue();
      assertThat(first.url()).startsWith("/api/files/" + first.id() + "/content?");
      assertThat(progress).contains((long) png.length);

      Push.Ack ack =
          visitor.send(conv, "c-file", "", List.of(first.id())).get(10, TimeUnit.SECONDS);

      Push.Message m =
          seen.nextOf(Push.Message.class, x -> x.conv().equals(conv) && x.seq() == ack.seq());
      assertThat(m.attachments())
          .containsExactly(
              new MessageMeta.Attachment(
                  first.id(), "screen.png", "image/png", first.size(), 1280, 720, true));
      ExecutionException refused =
          catchThrowableOfType(
              ExecutionException.class,
              () ->
                  visitor
                      .send(conv, "c-bad", "x", List.of("f_" + "q".repeat(22)))
                      .get(10, TimeUnit.SECONDS));
      assertThat(((ParleyException) refused.getCause()).code()).isEqualTo("unknown_file");
    }
  }
}
