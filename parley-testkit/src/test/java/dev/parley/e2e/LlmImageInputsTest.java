package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.bots.FakeLlmServer;
import dev.parley.protocol.openai.ChatCompletions;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LLM bot sees a visitor's screenshot on a real server (issue 17 part 6): the deployment's LLM
 * bot (the streaming stand-in) without image inputs, turned on for the site {@code shop} through
 * the admin API ({@code bot.llm.imageInputs}); the visitor uploads a PNG carrying metadata (a text
 * chunk with a place, an EXIF chunk) and sends it with a question; the model's request carries an
 * {@code image_url} part whose bytes are the server's re-encoded PNG, with none of that metadata.
 */
@Timeout(90)
class LlmImageInputsTest {
  static final String ASKED = "Does Parley lose messages?";

  @TempDir Path dir;
  FakeLlmServer llm;
  TestServer server;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void start() throws Exception {
    llm = new FakeLlmServer();
    server = SitesServer.withLlm(dir, SitesServer.SHOP, llm.baseUrl());
  }

  @AfterEach
  void stop() {
    server.close();
    llm.close();
    http.close();
  }

  /** A 16 × 12 PNG with a {@code tEXt} chunk and an {@code eXIf} chunk after its header. */
  static byte[] pngWithMetadata() throws Exception {
    BufferedImage img = new BufferedImage(16, 12, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 12; y++) {
      for (int x = 0; x < 16; x++) {
        img.setRGB(x, y, x * 0x100000 + y * 0x1000);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    byte[] plain = out.toByteArray();
    int afterHeader = 8 + 8 + 13 + 4; // signature, IHDR's length and type, data, CRC
    ByteArrayOutputStream with = new ByteArrayOutputStream();
    with.write(plain, 0, afterHeader);
    with.write(chunk("tEXt", "Location\0Secret Street 1, Springfield"));
    with.write(chunk("eXIf", "MM\0*\0\0\0\bGPS-secret"));
    with.write(plain, afterHeader, plain.length - afterHeader);
    return with.toByteArray();
  }

  static byte[] chunk(String type, String data) {
    byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
    byte[] d = data.getBytes(StandardCharsets.ISO_8859_1);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(d);
    return ByteBuffer.allocate(12 + d.length)
        .putInt(d.length)
        .put(t)
        .put(d)
        .putInt((int) crc.getValue())
        .array();
  }

  HttpResponse<byte[]> call(String method, String path, String token, byte[] body, String key)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Authorization", "Bearer " + token);
    if (key != null) {
      r.header("Idempotency-Key", key);
    } else {
      r.header("Content-Type", "application/json");
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Frames read but not yet asked for, in order. */
  final List<JsonNode> backlog = new ArrayList<>();

  JsonNode next(RawWebSocket ws, Predicate<JsonNode> wanted) throws Exception {
    for (Iterator<JsonNode> i = backlog.iterator(); i.hasNext(); ) {
      JsonNode f = i.next();
      if (wanted.test(f)) {
        i.remove();
        return f;
      }
    }
    while (true) {
      JsonNode f = json.readTree(ws.readText());
      if (wanted.test(f)) {
        return f;
      }
      backlog.add(f);
    }
  }

  JsonNode until(RawWebSocket ws, String type) throws Exception {
    return next(ws, f -> f.get("type").asText().equals(type));
  }

  /** The bot's next stored message after {@code seq}. */
  JsonNode botAfter(RawWebSocket ws, long seq) throws Exception {
    return next(
        ws,
        m ->
            m.get("type").asText().equals("message")
                && m.get("kind").asText().equals("bot")
                && m.get("seq").asLong() > seq);
  }

  @Test
  void theModelSeesTheVisitorsImageAsTheServerStoredIt() throws Exception {
    String root = SitesServer.login(server, "root", "roots-password");
    byte[] wrong =
        """
        {"id": "shop", "greeting": "Hi from the shop",
         "bot": {"kind": "llm", "llm": {"imageInputs": "yes"}}}"""
            .getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> refused = call("PUT", "/api/admin/sites/shop", root, wrong, null);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(json.readTree(refused.body()).get("error").asText()).isEqualTo("invalid_field");
    byte[] on =
        """
        {"id": "shop", "greeting": "Hi from the shop",
         "bot": {"kind": "llm", "llm": {"imageInputs": true}}}"""
            .getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> put = call("PUT", "/api/admin/sites/shop", root, on, null);
    assertThat(put.statusCode()).as(new String(put.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    assertThat(json.readTree(put.body()).at("/bot/llm/imageInputs").asBoolean()).isTrue();

    byte[] stored;
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\",\"site\":\"shop\"}");
      String token = until(ws, "welcome").get("token").asText();
      String conv = until(ws, "conversation").get("conv").asText();
      ws.sendText("{\"type\":\"send\",\"cid\":\"c0\",\"conv\":\"" + conv + "\",\"text\":\"hi\"}");
      long hi = until(ws, "ack").get("seq").asLong();
      botAfter(ws, hi); // the conversation exists: the upload goes to it
      byte[] screenshot = pngWithMetadata();
      HttpResponse<byte[]> up =
          call(
              "POST",
              "/api/conversations/" + conv + "/files?name=screen.png",
              token,
              screenshot,
              "screen-1");
      assertThat(up.statusCode()).as(new String(up.body(), StandardCharsets.UTF_8)).isEqualTo(201);
      JsonNode answer = json.readTree(up.body());
      String id = answer.at("/file/id").asText();
      stored =
          http.send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + server.port() + answer.get("url").asText()))
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray())
              .body();

      ws.sendText(
          "{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\""
              + conv
              + "\",\"text\":\""
              + ASKED
              + "\",\"attachments\":[\""
              + id
              + "\"]}");
      long asked = until(ws, "ack").get("seq").asLong();
      JsonNode reply = botAfter(ws, asked);
      assertThat(reply.get("text").asText()).endsWith("when it is stored.");
    }

    List<ChatCompletions.Message> sent =
        ChatCompletions.messagesOf(llm.bodies.get(llm.bodies.size() - 1));
    ChatCompletions.Message question = sent.get(sent.size() - 1);
    assertThat(question.content())
        .isEqualTo(ASKED + "\n[the visitor attached a file: screen.png, image/png]");
    assertThat(question.images()).hasSize(1);
    String url = question.images().get(0).url();
    assertThat(url).startsWith("data:image/png;base64,");
    byte[] seen = Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1));
    assertThat(seen).as("the bytes the server stored (re-encoded)").isEqualTo(stored);
    String latin = new String(seen, StandardCharsets.ISO_8859_1);
    assertThat(latin).startsWith("\u0089PNG\r\n\u001a\n");
    assertThat(latin)
        .as("no metadata reached the model")
        .doesNotContain("tEXt")
        .doesNotContain("eXIf")
        .doesNotContain("Secret Street")
        .doesNotContain("GPS-secret");
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(seen));
    assertThat(decoded.getWidth()).isEqualTo(16);
    assertThat(decoded.getHeight()).isEqualTo(12);
    assertThat(question.images().get(0).detail()).isEqualTo("auto");
  }
}
