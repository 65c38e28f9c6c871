package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.testkit.TestServer;
import dev.parley.testsupport.NodeScript;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Node server API helper ({@code parley-web/.../server-api.mjs}) against a real server: its
 * test file ({@code parley-web/src/test/js/server-api.test.mjs}) runs with the server's URL and an
 * API key for every namespace, made through the admin API.
 */
@Timeout(120)
class ServerApiJsTest {
  @TempDir Path dir;

  @Test
  void theNodeHelperPublishesAndReadsThroughTheServerApi() throws Exception {
    try (TestServer server = SitesServer.start(dir, ServerApiTest.FILE);
        HttpClient http = HttpClient.newHttpClient()) {
      String admin = SitesServer.login(server, "root", "roots-password");
      HttpResponse<String> made =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.port() + "/api/admin/api-keys"))
                  .header("Authorization", "Bearer " + admin)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"name\":\"node\",\"namespaces\":[\"*\"]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
      String key = new ObjectMapper().readTree(made.body()).get("key").asText();
      Path root = NodeScript.repositoryRoot();
      NodeScript.Result r =
          NodeScript.run(
              root,
              List.of(
                  "--test", "--test-reporter=spec", "parley-web/src/test/js/server-api.test.mjs"),
              Map.of("PARLEY_URL", "http://127.0.0.1:" + server.port(), "PARLEY_API_KEY", key),
              Duration.ofSeconds(90),
              root.resolve("parley-testkit/target/server-api-js.log"));
      assertThat(r.exitCode()).as(r.output()).isZero();
      assertThat(r.output()).contains("ℹ pass 2").contains("ℹ fail 0");
    }
  }
}
