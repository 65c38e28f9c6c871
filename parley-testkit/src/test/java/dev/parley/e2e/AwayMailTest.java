package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.parley.client.Backoff;
import dev.parley.client.ParleyClient;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatCommand;
import dev.parley.protocol.chat.ChatEvent;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.server.ServerConfig;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.TestServer;
import dev.parley.testsupport.Ports;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Away and offline, with email (issue 18.7), end to end on a real server with SQLite: with no agent
 * online the visitor is offered email, leaves an address and goes; the agent who takes the
 * conversation later answers, and the reply arrives as a mail at GreenMail, a real SMTP server in
 * this process. A closed SMTP port instead: the mail is retried and its failure shows in the admin
 * API's mail log while the chat goes on.
 */
@Timeout(120)
class AwayMailTest {
  @TempDir Path dir;
  GreenMail smtp;
  TestServer server;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();
  final Codec codec = ChatProtocol.codec();
  final List<ParleyClient> clients = new ArrayList<>();

  @BeforeEach
  void startSmtp() {
    smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.start();
  }

  @AfterEach
  void stop() {
    clients.forEach(ParleyClient::close);
    if (server != null) {
      server.close();
    }
    smtp.stop();
    http.close();
  }

  void startServer(int smtpPort) throws Exception {
    server =
        TestServer.start(
            dir,
            b ->
                b.botPacing(Duration.ZERO)
                    .smtp(
                        s ->
                            s.withHost("127.0.0.1")
                                .withPort(smtpPort)
                                .withFrom("support@example.com")
                                .withBatchWindow(Duration.ofMillis(300))));
  }

  ParleyClient client(ParleyClient.Builder b) throws Exception {
    ParleyClient c = b.backoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200))).build();
    clients.add(c);
    c.connect().get(10, TimeUnit.SECONDS);
    return c;
  }

  static ChatEvent.Mail lastMailEvent(RecordingListener rec) {
    return rec.events().stream()
        .filter(ChatEvent.Mail.class::isInstance)
        .map(ChatEvent.Mail.class::cast)
        .reduce((a, b) -> b)
        .orElse(null);
  }

  /**
   * A visitor who was offered email, asked for a person, left {@code email} and went away; then
   * maya came online, took the conversation and answered {@code reply}. Returns the conversation.
   */
  String awayVisitorGetsAReply(String email, String reply) throws Exception {
    RecordingListener rec = new RecordingListener();
    ParleyClient visitor = client(ParleyClient.builder(server.wsUri()).site("demo").listener(rec));
    String conv = ChatFlowTest.conversationOf(rec);
    await().atMost(Duration.ofSeconds(10)).until(() -> lastMailEvent(rec) != null);
    assertThat(lastMailEvent(rec).away()).as("no agent is online").isTrue();
    assertThat(lastMailEvent(rec).emailOnFile()).isFalse();

    visitor.send(conv, "Is anyone there?").get(10, TimeUnit.SECONDS);
    visitor.handoff(conv);
    HandoffTest.awaitStatus(rec, conv, "queued");
    visitor.command(new ChatCommand.Contact("c1", conv, email));
    await().atMost(Duration.ofSeconds(10)).until(() -> lastMailEvent(rec).emailOnFile());
    visitor.close();

    RecordingListener mayaRec = new RecordingListener();
    ParleyClient maya =
        client(
            ParleyClient.builder(server.wsUri())
                .login("maya", ServerConfig.DEMO_AGENT_PASSWORD)
                .listener(mayaRec));
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                mayaRec.events().stream()
                    .anyMatch(
                        e ->
                            e instanceof ChatEvent.Conversation c
                                && c.conv().equals(conv)
                                && c.status().equals("assigned")));
    maya.join(conv, 0);
    maya.send(conv, reply).get(10, TimeUnit.SECONDS);
    return conv;
  }

  String adminToken() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText(
          "{\"type\":\"hello\",\"user\":\"maya\",\"password\":\""
              + ServerConfig.DEMO_AGENT_PASSWORD
              + "\"}");
      return ((Push.Welcome) codec.decodePush(ws.readText())).token();
    }
  }

  HttpResponse<String> mailLog(String token, String query) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/api/admin/mail" + query))
            .header("Authorization", "Bearer " + token)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aVisitorWhoLeftAnEmailWhileNoAgentWasOnlineGetsTheAgentsLaterReplyByMail() throws Exception {
    startServer(smtp.getSmtp().getPort());
    String conv = awayVisitorGetsAReply("ana@example.com", "Hi Ana, your order <b>shipped</b>.");

    assertThat(smtp.waitForIncomingEmail(20_000, 1)).isTrue();
    MimeMessage got = smtp.getReceivedMessages()[0];
    assertThat(got.getRecipients(Message.RecipientType.TO)[0].toString())
        .isEqualTo("ana@example.com");
    assertThat(got.getFrom()[0].toString()).isEqualTo("support@example.com");
    assertThat(got.getSubject()).contains("Parley");
    assertThat(GreenMailUtil.getBody(got)).contains("Hi Ana, your order <b>shipped</b>.");

    String admin = adminToken();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                json.readTree(mailLog(admin, "?site=demo").body())
                    .get(0)
                    .get("status")
                    .asText()
                    .equals("sent"));
    HttpResponse<String> log = mailLog(admin, "?site=demo");
    assertThat(log.statusCode()).isEqualTo(200);
    assertThat(log.body()).doesNotContain("ana@example.com").doesNotContain("shipped");
    JsonNode mail = json.readTree(log.body()).get(0);
    assertThat(mail.get("kind").asText()).isEqualTo("reply");
    assertThat(mail.get("conversation").asText()).isEqualTo(conv);
    assertThat(mail.get("attempts").asInt()).isEqualTo(1);

    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.server().adminPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body()).contains("parley_mail_sent_total 1.0");

    assertThat(mailLog(admin, "").statusCode()).as("site is required").isEqualTo(400);
    assertThat(mailLog("not-a-token", "?site=demo").statusCode()).isEqualTo(401);
  }

  @Test
  void aFailingSmtpServerIsRetriedAndShownToAdminsWhileTheChatGoesOn() throws Exception {
    // Held for the whole test, so the port refuses every attempt and no one else can take it.
    try (Socket closed = Ports.refusing()) {
      startServer(closed.getLocalPort());
      String conv = awayVisitorGetsAReply("ana@example.com", "We're here now.");
      String admin = adminToken();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  json.readTree(mailLog(admin, "?site=demo").body()).get(0).get("attempts").asInt()
                      >= 1);
      JsonNode mail = json.readTree(mailLog(admin, "?site=demo").body()).get(0);
      assertThat(mail.get("status").asText()).as("due again later").isEqualTo("pending");
      assertThat(mail.get("lastError").asText()).contains("MailConnectException");
      assertThat(mail.get("nextAttemptAt").asLong()).isGreaterThan(mail.get("updatedAt").asLong());

      RecordingListener rec = new RecordingListener();
      ParleyClient visitor =
          client(ParleyClient.builder(server.wsUri()).site("demo").listener(rec));
      String other = ChatFlowTest.conversationOf(rec);
      assertThat(visitor.send(other, "still chatting?").get(10, TimeUnit.SECONDS).seq())
          .as("the chat goes on")
          .isPositive();
      assertThat(conv).isNotEqualTo(other);
    }
  }
}
