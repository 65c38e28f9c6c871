package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.server.SitesFile;
import dev.parley.testkit.TestServer;
import dev.parley.testsupport.NodeScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The widget and the agent console in headless Chromium (Debian's, driven by Playwright's
 * playwright-core from {@code parley-web/src/test/browser}): greeting, streamed bot answer, handoff,
 * the agent accepts and replies, read ticks, markup shown as text, a network cut that loses and
 * doubles nothing, history after a reload — over WebSocket, then with WebSocket blocked over SSE,
 * then over long-polling. Screenshots land in {@code parley-testkit/target/screenshots}.
 */
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserTest {
  @TempDir static Path dir;
  TestServer server;

  @BeforeAll
  void start() throws Exception {
    Path sites = dir.resolve("sites.json");
    // Capacity 0: the agent takes conversations by accepting them, as the flow checks.
    Files.writeString(sites, """
        {"sites": [{"id": "demo", "name": "Parley demo", "botName": "Parley bot",
           "greeting": "Hi! I'm Parley's assistant. Ask me anything about Parley."}],
         "agents": [{"user": "maya", "name": "Maya", "sites": ["demo"], "capacity": 0, "password": "pw", "admin": true}]}
        """);
    server = TestServer.start(dir.resolve("data"), b -> b.sites(SitesFile.load(sites)).agents(null));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "sse", "longpoll"})
  void aVisitorAndAnAgentChatInChromium(String transport) throws Exception {
    Path root = NodeScript.repositoryRoot();
    Path browserTests = root.resolve("parley-web/src/test/browser");
    assertThat(browserTests.resolve("node_modules/playwright-core")).as("run .ci/prerequisites (npm ci) first").exists();
    assertThat(Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium")))
        .as("Chromium (apt-get install chromium; .ci/prerequisites does)").exists();
    NodeScript.Result r = NodeScript.run(browserTests, List.of("chat-flow.mjs", transport),
        Map.of("PARLEY_URL", "http://127.0.0.1:" + server.port(), "PARLEY_AGENT_PASSWORD", "pw",
            "SCREENSHOT_DIR", root.resolve("parley-testkit/target/screenshots").toString()),
        Duration.ofSeconds(150), root.resolve("parley-testkit/target/browser-" + transport + ".log"));
    System.out.println(r.output());
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("[" + transport + "] PASS");
    assertThat(root.resolve("parley-testkit/target/screenshots/widget-" + transport + ".png")).exists();
    assertThat(root.resolve("parley-testkit/target/screenshots/console-" + transport + ".png")).exists();
  }
}
