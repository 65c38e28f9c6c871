package dev.parley.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.bots.LlmBot;
import dev.parley.server.SitesFile;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real server whose sites and agents come from a sites file, as an operator would start one, and
 * logins over a real WebSocket: the setup the end-to-end tests of admin and REST features share.
 */
final class SitesServer {
  /** One site, {@code shop}, and its admin {@code root} (password {@code roots-password}). */
  static final String SHOP =
      """
      {"sites": [{"id": "shop", "greeting": "Hi from the shop"}],
       "agents": [{"user": "root", "sites": ["shop"], "password": "roots-password", "admin": true}]}
      """;

  private SitesServer() {}

  /**
   * A server on an ephemeral port with the sites file {@code sitesJson}, its data under {@code
   * dir}.
   */
  static TestServer start(Path dir, String sitesJson) throws Exception {
    Path sites = Files.writeString(dir.resolve("sites.json"), sitesJson);
    return TestServer.start(dir.resolve("data"), b -> b.sites(SitesFile.load(sites)).agents(null));
  }

  /**
   * A server configured by {@code sitesJson} whose bot is the LLM bot at {@code llmBaseUrl} (an
   * OpenAI-compatible stand-in), model {@code m}, 5 s to connect and to the first token.
   */
  static TestServer withLlm(Path dir, String sitesJson, String llmBaseUrl) throws Exception {
    Path sites = Files.writeString(dir.resolve("sites.json"), sitesJson);
    return TestServer.start(
        dir.resolve("data"),
        b ->
            b.sites(SitesFile.load(sites))
                .agents(null)
                .bot("llm")
                .llm(
                    new LlmBot.Config(
                        llmBaseUrl,
                        "m",
                        null,
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(1),
                        2)));
  }

  /** The token {@code user} gets for logging in with {@code password} (its {@code welcome}'s). */
  static String login(TestServer server, String user, String password) throws Exception {
    ObjectMapper json = new ObjectMapper();
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText(
          json.createObjectNode()
              .put("type", "hello")
              .put("user", user)
              .put("password", password)
              .toString());
      while (true) {
        JsonNode f = json.readTree(ws.readText());
        if (f.get("type").asText().equals("welcome")) {
          return f.get("token").asText();
        }
      }
    }
  }
}
