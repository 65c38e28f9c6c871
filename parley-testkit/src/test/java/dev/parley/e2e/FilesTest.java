package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A visitor's file on a real server over real sockets (issue 17): the visitor uploads a screenshot
 * with its session's token, retries the same upload (an answer lost) and gets the same file,
 * downloads it and a range of it through the signed link; the file lives under the data directory;
 * erasing the visitor removes it. An upload whose connection is cut half-way through its body
 * stores nothing, and its retries store the file once.
 */
@Timeout(90)
class FilesTest {
  @TempDir Path dir;
  TestServer server;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();
  String root;

  @BeforeEach
  void start() throws Exception {
    server = SitesServer.start(dir, SitesServer.SHOP);
    root = SitesServer.login(server, "root", "roots-password");
  }

  @AfterEach
  void stop() {
    server.close();
    http.close();
  }

  /** A visitor of the shop with a stored conversation (its first message acknowledged). */
  record Visitor(String token, String user, String conv) {}

  Visitor visitor() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\",\"site\":\"shop\"}");
      JsonNode welcome = Frames.ofType(ws, "welcome");
      String conv = Frames.ofType(ws, "conversation").get("conv").asText();
      ws.sendText("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"look\"}");
      Frames.ofType(ws, "ack"); // the conversation is stored from its first message
      return new Visitor(welcome.get("token").asText(), welcome.get("user").asText(), conv);
    }
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
  }

  HttpResponse<byte[]> upload(String conv, String token, String key, byte[] body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri("/api/conversations/" + conv + "/files?name=screen.png"))
            .header("Authorization", "Bearer " + token)
            .header("Idempotency-Key", key)
            .header("Content-Type", "image/png")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  static byte[] screenshot() throws Exception {
    BufferedImage img = new BufferedImage(1280, 720, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 720; y += 8) {
      for (int x = 0; x < 1280; x += 8) {
        img.setRGB(x, y, (x * 31 + y * 17) & 0xffffff);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  @Test
  void aVisitorUploadsOnceRetriesAndDownloadsItsScreenshotThenErasureRemovesIt() throws Exception {
    Visitor v = visitor();
    String token = v.token();
    String user = v.user();
    String conv = v.conv();
    byte[] png = screenshot();

    HttpResponse<byte[]> first = upload(conv, token, "shot-1", png);
    HttpResponse<byte[]> retry = upload(conv, token, "shot-1", png);

    assertThat(first.statusCode())
        .as(new String(first.body(), StandardCharsets.UTF_8))
        .isEqualTo(201);
    assertThat(retry.statusCode()).isEqualTo(200);
    JsonNode stored = json.readTree(first.body());
    String id = stored.get("file").get("id").asText();
    assertThat(json.readTree(retry.body()).get("file").get("id").asText()).isEqualTo(id);
    assertThat(stored.get("file").get("width").asInt()).isEqualTo(1280);
    try (Stream<Path> files = Files.walk(dir.resolve("data").resolve("files"))) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .as("the image and its thumbnail, once")
          .containsExactlyInAnyOrder(id, id + "_t");
    }

    HttpResponse<byte[]> whole =
        http.send(
            HttpRequest.newBuilder(uri(stored.get("url").asText())).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.headers().firstValue("Content-Type")).contains("image/png");
    assertThat(whole.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(whole.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("sandbox");
    assertThat(ImageIO.read(new ByteArrayInputStream(whole.body())).getWidth()).isEqualTo(1280);

    HttpResponse<byte[]> range =
        http.send(
            HttpRequest.newBuilder(uri(stored.get("url").asText()))
                .header("Range", "bytes=0-7")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.body()).isEqualTo(Arrays.copyOf(whole.body(), 8));

    HttpResponse<String> erased =
        http.send(
            HttpRequest.newBuilder(
                    uri(
                        "/api/admin/sites/shop/visitors/"
                            + URLEncoder.encode(user, StandardCharsets.UTF_8)))
                .header("Authorization", "Bearer " + root)
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
    try (Stream<Path> files = Files.walk(dir.resolve("data").resolve("files"))) {
      assertThat(files.filter(Files::isRegularFile)).as("erasure removed the bytes").isEmpty();
    }
    HttpResponse<byte[]> gone =
        http.send(
            HttpRequest.newBuilder(uri(stored.get("url").asText())).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(gone.statusCode()).isEqualTo(404);
  }

  /** Sends only the head of a 5 MB upload with {@code token}; returns the server's status line. */
  String headOnly(String conv, String token) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(30_000); // a bound, not a synchronisation: the answer comes at once
      socket
          .getOutputStream()
          .write(
              ("POST /api/conversations/"
                      + conv
                      + "/files?name=big.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      + "Authorization: Bearer "
                      + token
                      + "\r\nIdempotency-Key: big-1\r\nContent-Length: 5000000\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  @Test
  void aLargeUploadIsCheckedBeforeItsBodyIsReceived() throws Exception {
    Visitor v = visitor();
    String token = v.token();
    String conv = v.conv();

    assertThat(headOnly(conv, "v2.forged.token"))
        .as("refused without a byte of the body sent")
        .startsWith("HTTP/1.1 401");

    byte[] text = "the same line again\n".repeat(10_000).getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> stored =
        http.send(
            HttpRequest.newBuilder(uri("/api/conversations/" + conv + "/files?name=log.txt"))
                .header("Authorization", "Bearer " + token)
                .header("Idempotency-Key", "log-1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(text))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(stored.statusCode())
        .as(new String(stored.body(), StandardCharsets.UTF_8))
        .isEqualTo(201);
    assertThat(json.readTree(stored.body()).get("file").get("size").asInt()).isEqualTo(text.length);
  }

  @Test
  void anUploadCutHalfWayStoresNothingAndItsRetriesStoreTheFileOnce() throws Exception {
    Visitor v = visitor();
    String token = v.token();
    String conv = v.conv();
    byte[] png = screenshot();
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/conversations/"
                  + conv
                  + "/files?name=screen.png HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + "Authorization: Bearer "
                  + token
                  + "\r\nIdempotency-Key: cut-1\r\nContent-Length: "
                  + png.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(png, 0, png.length / 2);
      out.flush();
    } // the connection is cut with half the body sent

    HttpResponse<byte[]> retry = upload(conv, token, "cut-1", png);
    HttpResponse<byte[]> again = upload(conv, token, "cut-1", png);

    assertThat(retry.statusCode())
        .as("the cut upload stored nothing: the retry creates the file")
        .isEqualTo(201);
    assertThat(again.statusCode()).isEqualTo(200);
    String id = json.readTree(retry.body()).get("file").get("id").asText();
    assertThat(json.readTree(again.body()).get("file").get("id").asText()).isEqualTo(id);
    try (Stream<Path> files = Files.walk(dir.resolve("data").resolve("files"))) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .as("the image and its thumbnail, once")
          .containsExactlyInAnyOrder(id, id + "_t");
    }
  }
}
