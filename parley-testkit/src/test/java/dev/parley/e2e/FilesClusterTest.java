package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import dev.parley.testsupport.RedisServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL and one Redis, no shared disk: a file uploaded through one node is
 * described and downloaded through the other.
 */
@Timeout(120)
class FilesClusterTest {
  @TempDir Path dir;
  final ObjectMapper json = new ObjectMapper();

  @Test
  void aFileUploadedOnOneNodeDownloadsFromTheOther() throws Exception {
    String schema = "parley_files_cluster_" + Long.toHexString(System.nanoTime());
    Path sites =
        Files.writeString(
            dir.resolve("sites.json"),
            """
        {"sites": [{"id": "shop", "greeting": "Hi from the shop"}],
         "agents": [{"user": "root", "sites": ["shop"], "password": "roots-password", "admin": true}]}
        """);
    String secret = Base64.getEncoder().encodeToString(new byte[32]);
    try (RedisServerProcess redis = RedisServerProcess.start(dir);
        TestServer a =
            LiveConfigurationClusterTest.node(dir.resolve("a"), sites, schema, redis, secret);
        TestServer b =
            LiveConfigurationClusterTest.node(dir.resolve("b"), sites, schema, redis, secret);
        HttpClient http = HttpClient.newHttpClient()) {
      String token;
      String conv;
      try (RawWebSocket ws = RawWebSocket.connect(a.port())) {
        ws.sendText("{\"type\":\"hello\",\"site\":\"shop\"}");
        token = Frames.ofType(ws, "welcome").get("token").asText();
        conv = Frames.ofType(ws, "conversation").get("conv").asText();
        ws.sendText("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"hi\"}");
        Frames.ofType(ws, "ack");
      }
      byte[] pdf =
          ("%PDF-1.4\n" + "x".repeat(300_000) + "\n%%EOF\n").getBytes(StandardCharsets.US_ASCII);

      HttpResponse<String> up =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + a.port()
                              + "/api/conversations/"
                              + conv
                              + "/files?name=invoice.pdf"))
                  .header("Authorization", "Bearer " + token)
                  .header("Idempotency-Key", "inv-1")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(pdf))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
      String id = json.readTree(up.body()).get("file").get("id").asText();

      HttpResponse<String> described =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + b.port() + "/api/files/" + id))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(described.statusCode()).as(described.body()).isEqualTo(200);
      String url = json.readTree(described.body()).get("url").asText();
      HttpResponse<byte[]> down =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.port() + url)).build(),
              HttpResponse.BodyHandlers.ofByteArray());

      assertThat(down.statusCode()).isEqualTo(200);
      assertThat(down.headers().firstValue("Content-Type")).contains("application/pdf");
      assertThat(down.headers().firstValue("Content-Disposition").orElseThrow())
          .startsWith("attachment;");
      assertThat(down.body()).isEqualTo(pdf);
    } finally {
      try (Connection c =
              DriverManager.getConnection(ClusterTest.PG_URL, ClusterTest.PG_USER, null);
          Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }
}
