package dev.parley.bots;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.parley.chat.InMemoryMailStore;
import dev.parley.chat.MailStore;
import dev.parley.chat.MailStore.Kind;
import dev.parley.chat.MailStore.Status;
import dev.parley.core.ManualClock;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SmtpMail} against GreenMail, a real SMTP server in this process, and against a closed
 * port: what arrives, what is recorded, and the retries with backoff on a manual clock.
 */
@Timeout(30)
class SmtpMailTest {
  final ManualClock clock = new ManualClock();
  final InMemoryMailStore store = new InMemoryMailStore();
  GreenMail smtp;

  @BeforeEach
  void startSmtp() {
    smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.start();
  }

  @AfterEach
  void stopSmtp() {
    smtp.stop();
  }

  static SmtpSettings at(int port) {
    return SmtpSettings.off()
        .withHost("127.0.0.1")
        .withPort(port)
        .withFrom("support@example.com")
        .withTimeout(Duration.ofSeconds(5))
        .check();
  }

  SmtpMail sender(SmtpSettings s, DeliveryBackoff backoff) {
    return new SmtpMail(
        store, clock, SmtpMail.Config.of(s, backoff, Duration.ofDays(1)), "node-a", () -> 0.0);
  }

  void queue(String id, String text) throws Exception {
    long now = clock.millis();
    store
        .queue(
            new MailStore.NewMail(
                id,
                "demo",
                "chat_1",
                Kind.REPLY,
                "ana@example.com",
                "New reply from Demo",
                text,
                now,
                now,
                null),
            null)
        .get();
  }

  MailStore.Mail stored(String id) throws Exception {
    return store.list("demo", 100, Long.MAX_VALUE).get().stream()
        .filter(m -> m.id().equals(id))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aDueMailArrivesAsPlainTextWithAnEscapedHtmlAlternative() throws Exception {
    queue("m1", "Maya: your order <b>shipped</b> & is on its way\n\nMaya: bye");
    try (SmtpMail mail = sender(at(smtp.getSmtp().getPort()), DeliveryBackoff.defaults())) {
      assertThat(mail.runOnce().get()).isEqualTo(1);
    }
    MimeMessage[] got = smtp.getReceivedMessages();
    assertThat(got).hasSize(1);
    MimeMessage m = got[0];
    assertThat(m.getSubject()).isEqualTo("New reply from Demo");
    assertThat(m.getFrom()[0].toString()).isEqualTo("support@example.com");
    assertThat(m.getRecipients(Message.RecipientType.TO)[0].toString())
        .isEqualTo("ana@example.com");
    MimeMultipart parts = (MimeMultipart) m.getContent();
    assertThat(parts.getCount()).isEqualTo(2);
    assertThat(parts.getBodyPart(0).isMimeType("text/plain")).isTrue();
    assertThat(GreenMailUtil.getBody(parts.getBodyPart(0)))
        .contains("your order <b>shipped</b> & is on its way");
    assertThat(parts.getBodyPart(1).isMimeType("text/html")).isTrue();
    String html = GreenMailUtil.getBody(parts.getBodyPart(1));
    assertThat(html)
        .contains("your order &lt;b&gt;shipped&lt;/b&gt; &amp; is on its way")
        .doesNotContain("<b>")
        .contains("</p><p>");
    MailStore.Mail sent = stored("m1");
    assertThat(sent.status()).isEqualTo(Status.SENT);
    assertThat(sent.attempts()).isEqualTo(1);
  }

  /**
   * A port on 127.0.0.1 that refuses every connection while the socket is open: bound but not
   * listening, so no other server can take it meanwhile (as it could a port closed a moment ago).
   */
  static Socket refusing() throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return s;
  }

  @Test
  void aClosedPortIsRetriedWithBackoffAndGivenUpWhenItsAttemptsAreSpent() throws Exception {
    queue("m2", "hello");
    DeliveryBackoff backoff = new DeliveryBackoff(Duration.ofSeconds(10), Duration.ofHours(1), 3);
    try (Socket closed = refusing();
        SmtpMail mail = sender(at(closed.getLocalPort()), backoff)) {
      assertThat(mail.runOnce().get()).isEqualTo(1);
      MailStore.Mail first = stored("m2");
      assertThat(first.status()).isEqualTo(Status.PENDING);
      assertThat(first.attempts()).isEqualTo(1);
      assertThat(first.lastError()).contains("MailConnectException");
      assertThat(first.dueAtMillis())
          .as("half of 10 s, no jitter")
          .isEqualTo(clock.millis() + 5_000);

      assertThat(mail.runOnce().get()).as("not due yet").isZero();
      clock.advance(Duration.ofSeconds(5));
      assertThat(mail.runOnce().get()).isEqualTo(1);
      MailStore.Mail second = stored("m2");
      assertThat(second.attempts()).isEqualTo(2);
      assertThat(second.dueAtMillis()).as("twice as long").isEqualTo(clock.millis() + 10_000);

      clock.advance(Duration.ofSeconds(10));
      assertThat(mail.runOnce().get()).isEqualTo(1);
      MailStore.Mail last = stored("m2");
      assertThat(last.status()).isEqualTo(Status.FAILED);
      assertThat(last.attempts()).isEqualTo(3);
      assertThat(mail.failed()).isEqualTo(1);
    }
  }

  @Test
  void addressesAreRfc5322AddrSpecsOfAtMost254Characters() {
    for (String ok : List.of("ana@example.com", "a.b+tag@sub.example.co", "o'neil@example.org")) {
      assertThat(SmtpMail.checkAddress(ok)).as(ok).isNull();
    }
    for (String bad :
        List.of(
            "Ana <ana@example.com>",
            "ana@",
            "@example.com",
            "ana example@example.com",
            "ana@example.com, bob@example.com",
            "ana@@example.com",
            "a".repeat(250) + "@b.cd")) {
      assertThat(SmtpMail.checkAddress(bad)).as(bad).isNotNull();
    }
  }

  @Test
  void theSettingsNeverShowThePasswordAndCheckTheSender() {
    SmtpSettings s = at(25).withUsername("parley").withPassword("hunter2-secret");
    assertThat(s.toString()).doesNotContain("hunter2").contains("********");
    assertThat(SmtpSettings.off().enabled()).isFalse();
    try {
      s.withFrom("not an address").check();
      throw new AssertionError("checked");
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).startsWith("mail-from");
    }
  }
}
