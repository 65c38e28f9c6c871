package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.parley.bots.FakeTranscriptionServer;
import dev.parley.server.SitesFile;
import dev.parley.testkit.TestServer;
import dev.parley.testsupport.NodeScript;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The widget, the agent console, the dashboard and the admin page in headless Chromium (Debian's,
 * driven by Playwright's playwright-core from {@code parley-web/src/test/browser}), against one
 * real server:
 *
 * <ul>
 *   <li>{@code chat-flow.mjs}: greeting, streamed bot answer, handoff, the agent accepts and
 *       replies, read ticks, markup shown as text, a network cut that loses and doubles nothing,
 *       history after a reload — over WebSocket, then with WebSocket blocked over SSE, then over
 *       long-polling;
 *   <li>{@code layout.mjs}: every page fits viewports from 320 px wide;
 *   <li>{@code live-figures.mjs}: the dashboard draws the figures of {@code parley:stats}, and the
 *       operations board shows them on a 320 px screen;
 *   <li>{@code a11y.mjs}: axe-core finds no serious or critical violation;
 *   <li>{@code reload.mjs}: a reload keeps read messages read and unsent messages unsent;
 *   <li>{@code csp.mjs}: the pages work under the server's Content-Security-Policy;
 *   <li>{@code host-page.mjs}: the widget on another origin's page with a strict CSP of its own;
 *   <li>{@code appearance.mjs}: a site's look from the admin API restyles its widget on its page;
 *   <li>{@code notify.mjs}: the console's notifications — desktop, sound and title count while
 *       hidden, switchable per agent;
 *   <li>{@code console-tools.mjs}: an internal note the visitor never receives, a label, a canned
 *       response inserted with {@code /shortcut};
 *   <li>{@code console-desk.mjs}: two visitors, one agent — unread counts and "typing…" on the
 *       conversation not open, each conversation's draft and scroll kept when switching (mouse and
 *       Alt+Up/Down), counts and drafts across a reload, two panes on a phone;
 *   <li>{@code search.mjs}: the console's search finds a visitor's message and a note, and a click
 *       opens the transcript at the message, highlighted; typed syntax is literal; a resolved
 *       conversation opens from its result;
 *   <li>{@code rtl.mjs}: the widget in Arabic mirrors (dir=rtl root, launcher bottom-left, messages
 *       right-aligned) and the server's queue message is Arabic; a pt-BR browser gets Portuguese; a
 *       Hebrew site wins over data-lang;
 *   <li>{@code sources.mjs}: answers cite their sources — a link under the answer from a fetched
 *       page (new tab, no opener), the document's name for an uploaded file, in the widget and the
 *       console;
 *   <li>{@code admin.mjs}: the admin page — a site and an agent made, the preview following the
 *       accent colour, the widget on the site's page wearing it, field errors and a lost update;
 *   <li>{@code crawl.mjs}: the Knowledge tab crawls a sitemap on 127.0.0.1 (private addresses are
 *       allowed for this server) to two ready documents; no sitemap ends the crawl failed.
 *   <li>{@code prechat.mjs}: a site's pre-chat form in the widget (a wrong email refused under its
 *       field, then accepted), and the agent's visitor panel beside the transcript with the name,
 *       email, page, browser and time zone, folding away on a phone.
 *   <li>{@code attachments.mjs}: a visitor on a phone-sized page pastes a screenshot and sends it
 *       with its progress shown; the agent sees the thumbnail and opens and closes the full-size
 *       viewer from the keyboard, then sends a PDF the visitor downloads from its file card.
 *   <li>{@code voice.mjs} (Chromium with a fake microphone, a transcription stand-in in this
 *       process): on a phone-sized page a visitor records a voice note and cancels it with Escape
 *       (nothing uploaded), records one from the keyboard, attaches and sends it (the audio player
 *       and its transcript shown), lets one stop at the site's limit, and is told when the
 *       microphone is refused.
 * </ul>
 *
 * <p>And on a server of its own that sends mail to GreenMail (an SMTP server in this process) and
 * has a site with a pre-chat form and no agent online, {@code away-mail.mjs}: a visitor whose
 * browser speaks Arabic gets the mirrored Arabic widget, fills the pre-chat form (its labels and
 * refusals Arabic), asks in Arabic for a person, is offered email in Arabic, leaves an address and
 * goes; the agent later answers in the console, and the reply arrives at GreenMail addressed to the
 * visitor.
 *
 * <p>Screenshots land in {@code parley-testkit/target/screenshots}.
 */
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserTest {
  @TempDir static Path dir;
  TestServer server;

  @BeforeAll
  void start() throws Exception {
    Path sites = dir.resolve("sites.json");
    // Capacity 0: the agent takes conversations by accepting them, as the flow checks. Any origin:
    // the pages come through proxies on other ports, and host-page.mjs is another site's page.
    Files.writeString(
        sites,
        """
        {"sites": [{"id": "demo", "name": "Parley demo", "botName": "Parley bot", "allowedOrigins": ["*"],
           "greeting": "Hi! I'm Parley's assistant. Ask me anything about Parley."}],
         "agents": [{"user": "maya", "name": "Maya", "sites": ["demo"], "capacity": 0, "password": "pw", "admin": true}]}
        """);
    server =
        TestServer.start(
            dir.resolve("data"),
            // crawl.mjs and sources.mjs serve their pages on 127.0.0.1: private addresses allowed,
            // for tests only
            // Every story's visitors come from 127.0.0.1: more new conversations than one
            // address's default burst (10, then one per 10 s) in a few minutes.
            b ->
                b.sites(SitesFile.load(sites))
                    .agents(null)
                    .knowledgeFetchPrivate(true)
                    .newConversationBurst(1000)
                    .helloBurst(1000));
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
    assertThat(browserTests.resolve("node_modules/playwright-core"))
        .as("run .ci/prerequisites (npm ci) first")
        .exists();
    String chromium = System.getenv("CHROMIUM"); // as lib.mjs picks it
    assertThat(
            (chromium != null
                    ? Stream.of(chromium)
                    : Stream.of("/usr/bin/chromium-headless-shell", "/usr/bin/chromium"))
                .map(Path::of)
                .anyMatch(Files::exists))
        .as("Chromium (apt-get install chromium-headless-shell; .ci/prerequisites does)")
        .isTrue();
    NodeScript.Result r =
        NodeScript.run(
            browserTests,
            List.of("chat-flow.mjs", transport),
            Map.of(
                "PARLEY_URL",
                "http://127.0.0.1:" + server.port(),
                "PARLEY_AGENT_PASSWORD",
                "pw",
                "SCREENSHOT_DIR",
                root.resolve("parley-testkit/target/screenshots").toString()),
            Duration.ofSeconds(150),
            root.resolve("parley-testkit/target/browser-" + transport + ".log"));
    System.out.println(r.output());
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("[" + transport + "] PASS");
    assertThat(root.resolve("parley-testkit/target/screenshots/widget-" + transport + ".png"))
        .exists();
    assertThat(root.resolve("parley-testkit/target/screenshots/console-" + transport + ".png"))
        .exists();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "layout",
        "a11y",
        "reload",
        "csp",
        "appearance",
        "admin",
        "notify",
        "console-tools",
        "console-desk",
        "search",
        "rtl",
        "crawl",
        "sources",
        "prechat",
        "attachments",
        "live-figures"
      })
  void thePagesPassInChromium(String script) throws Exception {
    NodeScript.Result r = browserScript(script, Map.of());
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("[" + script + "] PASS");
  }

  @Test
  void aVisitorRecordsAndSendsAVoiceNoteInChromium() throws Exception {
    String said = "Where is my parcel?";
    try (FakeTranscriptionServer whisper = new FakeTranscriptionServer()) {
      whisper.text(said);
      NodeScript.Result r =
          browserScript(
              "voice", Map.of("PARLEY_WHISPER_URL", whisper.baseUrl(), "PARLEY_TRANSCRIPT", said));
      assertThat(r.exitCode()).as(r.output()).isZero();
      assertThat(r.output()).contains("[voice] PASS");
      assertThat(whisper.received)
          .as("the voice notes sent (not the cancelled one), as WebM")
          .hasSize(2)
          .allSatisfy(
              q -> {
                assertThat(q.parts().get("file").type()).isEqualTo("audio/webm");
                assertThat(q.parts().get("file").bytes())
                    .as("EBML, as MediaRecorder writes it")
                    .startsWith((byte) 0x1A, (byte) 0x45, (byte) 0xDF, (byte) 0xA3);
              });
    }
  }

  @Test
  void theWidgetWorksOnAnotherSitesPageUnderItsOwnContentSecurityPolicy() throws Exception {
    // The widget's modules are loaded with import() from the Parley origin: a page of another
    // origin may run them only if the server allows it with CORS.
    String origin = "http://localhost:1";
    HttpResponse<Void> widget =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/widget/widget.js"))
                    .header("Origin", origin)
                    .build(),
                HttpResponse.BodyHandlers.discarding());
    String allowed = widget.headers().firstValue("Access-Control-Allow-Origin").orElse("");
    Assumptions.assumeTrue(
        allowed.equals("*") || allowed.equals(origin),
        "the server sends no Access-Control-Allow-Origin on /widget/*.js and /sdk/*.js, so no other site can load "
            + "the widget's modules; HttpRequestHandler must send it on static assets (see docs/SECURITY.md)");
    NodeScript.Result r = browserScript("host-page", Map.of());
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("[host-page] PASS");
  }

  @Test
  void anArabicVisitorLeavesAnEmailWhileNobodyIsOnlineAndGetsTheAgentsReplyByMail()
      throws Exception {
    GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.start();
    Path sites = dir.resolve("away-sites.json");
    // No agent online: maya (capacity 0: she accepts in the console) logs in only after the visitor
    // has gone. The form asks for name and email with the widget's own words (no labels).
    Files.writeString(
        sites,
        """
        {"sites": [{"id": "souq", "name": "Souq", "allowedOrigins": ["*"], "greeting": "Welcome to Souq!",
           "appearance": {"texts": {"ar": {"greeting": "مرحبًا بك في سوق! كيف نساعدك؟"}},
             "prechat": {"enabled": true, "fields": [{"key": "name", "kind": "name", "required": true},
               {"key": "email", "kind": "email", "required": true}]}}}],
         "agents": [{"user": "maya", "name": "Maya", "sites": ["souq"], "capacity": 0, "password": "pw", "admin": true}]}
        """);
    String email = "layla@example.com";
    String reply = "مرحبًا ليلى، طلبك في الطريق.";
    try (TestServer mailing =
        TestServer.start(
            dir.resolve("away-data"),
            b ->
                b.sites(SitesFile.load(sites))
                    .agents(null)
                    .smtp(
                        s ->
                            s.withHost("127.0.0.1")
                                .withPort(smtp.getSmtp().getPort())
                                .withFrom("support@souq.example")
                                .withBatchWindow(Duration.ofMillis(300))))) {
      NodeScript.Result r =
          browserScript(
              "away-mail",
              Map.of("PARLEY_VISITOR_EMAIL", email, "PARLEY_AGENT_REPLY", reply),
              mailing.port());
      assertThat(r.exitCode()).as(r.output()).isZero();
      assertThat(r.output()).contains("[away-mail] PASS");

      assertThat(smtp.waitForIncomingEmail(20_000, 1)).isTrue();
      MimeMessage mail = smtp.getReceivedMessages()[0];
      assertThat(mail.getRecipients(Message.RecipientType.TO)[0].toString()).isEqualTo(email);
      assertThat(mail.getFrom()[0].toString()).isEqualTo("support@souq.example");
      assertThat(plainText(mail)).contains(reply);
    } finally {
      smtp.stop();
    }
  }

  /** The text/plain part of {@code part} (decoded), or "" when it has none. */
  private static String plainText(Part part) throws Exception {
    if (part.isMimeType("text/plain")) {
      return (String) part.getContent();
    }
    if (part.getContent() instanceof Multipart m) {
      for (int i = 0; i < m.getCount(); i++) {
        BodyPart p = m.getBodyPart(i);
        String text = plainText(p);
        if (!text.isEmpty()) {
          return text;
        }
      }
    }
    return "";
  }

  private NodeScript.Result browserScript(String script, Map<String, String> env) throws Exception {
    return browserScript(script, env, server.port());
  }

  private NodeScript.Result browserScript(String script, Map<String, String> env, int port)
      throws Exception {
    Path root = NodeScript.repositoryRoot();
    Path browserTests = root.resolve("parley-web/src/test/browser");
    assertThat(browserTests.resolve("node_modules/axe-core"))
        .as("run .ci/prerequisites (npm ci) first")
        .exists();
    List<String> args = new ArrayList<>(NodeScript.webSocketFlags());
    args.add(script + ".mjs");
    Map<String, String> all = new HashMap<>(env);
    all.put("PARLEY_URL", "http://127.0.0.1:" + port);
    all.put("PARLEY_AGENT_PASSWORD", "pw");
    all.put("SCREENSHOT_DIR", root.resolve("parley-testkit/target/screenshots").toString());
    NodeScript.Result r =
        NodeScript.run(
            browserTests,
            args,
            all,
            Duration.ofSeconds(150),
            root.resolve("parley-testkit/target/browser-" + script + ".log"));
    System.out.println(r.output());
    return r;
  }
}
