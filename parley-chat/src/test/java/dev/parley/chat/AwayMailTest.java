package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatIdentity.Role;
import dev.parley.core.Principal;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Away mail in the chat layer ({@link AwayMail}) with the in-memory outbox and a manual clock: who
 * gets mail and when, batching, the transcript, the limits and the errors.
 */
@Timeout(30)
class AwayMailTest {
  static final Principal MAYA = new Principal("maya", ChatIdentity.claims(Role.AGENT, null), null);

  ChatHarness h;

  @BeforeEach
  void start() {
    h = new ChatHarness(ChatConfig.defaults(), ChatHarness.agent("maya", 2));
    h.mailPort.enabled = true;
  }

  @AfterEach
  void stop() {
    h.close();
  }

  /** A visitor told it may leave an email (no agent online), who said hi; returns the conv id. */
  static String startedChat(ChatHarness.Client v) throws InterruptedException {
    ChatEvent.Mail offer = v.nextOf(ChatEvent.Mail.class);
    assertThat(offer.away()).as("no agent is online").isTrue();
    assertThat(offer.emailOnFile()).isFalse();
    v.send("{\"type\":\"send\",\"cid\":\"c0\",\"conv\":\"" + offer.conv() + "\",\"text\":\"hi\"}");
    v.nextOf(Push.Ack.class);
    return offer.conv();
  }

  static void leaveEmail(ChatHarness.Client v, String conv, String email)
      throws InterruptedException {
    v.send("{\"type\":\"contact\",\"conv\":\"" + conv + "\",\"email\":\"" + email + "\"}");
    assertThat(v.nextOf(ChatEvent.Mail.class).emailOnFile()).isTrue();
  }

  void reply(String conv, String cid, String text) throws Exception {
    assertThat(h.chat.desk().postAsAgent(MAYA, conv, cid, text).get())
        .isInstanceOf(StoredMessage.class);
  }

  List<MailStore.Mail> mails() throws Exception {
    return h.mails.list("demo", 100, Long.MAX_VALUE).get();
  }

  @Test
  void anAgentsRepliesToAGoneVisitorAreMailedOnceTheBatchWindowHasPassed() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = startedChat(v);
    h.agent("maya"); // online, so the conversation stays hers while time passes
    leaveEmail(v, conv, "ana@example.com");
    assertThat(h.chat.desk().accept(MAYA, conv).get().ok()).isTrue();

    reply(conv, "r0", "while you are here");
    assertThat(mails()).as("the visitor is connected: no mail").isEmpty();

    h.disconnect(v);
    long firstAt = h.clock.millis();
    reply(conv, "r1", "Your order <shipped> today");
    h.mailPort.awaitQueued();
    h.elapse(Duration.ofMinutes(1));
    reply(conv, "r2", "Anything else?");
    h.mailPort.awaitQueued();

    List<MailStore.Mail> queued = mails();
    assertThat(queued).as("two replies within the window: one mail").hasSize(1);
    MailStore.Mail m = queued.get(0);
    assertThat(m.kind()).isEqualTo(MailStore.Kind.REPLY);
    assertThat(m.to()).isEqualTo("ana@example.com");
    assertThat(m.subject()).isEqualTo("New reply from Demo");
    assertThat(m.text())
        .contains("Maya: Your order <shipped> today\n\nMaya: Anything else?")
        .doesNotContain("while you are here");
    assertThat(m.dueAtMillis())
        .isEqualTo(firstAt + ChatHarness.MAIL_POLICY.batchWindow().toMillis());

    assertThat(h.mails.claim("test", h.clock.millis(), Duration.ofMinutes(1), 10).get())
        .as("not due before the window ends")
        .isEmpty();
    h.elapse(Duration.ofMinutes(1));
    List<MailStore.Mail> due =
        h.mails.claim("test", h.clock.millis(), Duration.ofMinutes(1), 10).get();
    assertThat(due).extracting(MailStore.Mail::id).containsExactly(m.id());
    assertThat(
            h.mails
                .settle(m.id(), "test", new MailStore.Attempt(MailStore.Status.SENT, 0, null, 1))
                .get())
        .isTrue();

    reply(conv, "r3", "A later one");
    h.mailPort.awaitQueued();
    assertThat(mails()).as("a claimed mail takes no more: a new one").hasSize(2);
    assertThat(mails().get(0).text()).contains("Maya: A later one").doesNotContain("Anything else");
  }

  @Test
  void aVisitorWithoutAnEmailGetsNoMail() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = startedChat(v);
    assertThat(h.chat.desk().accept(MAYA, conv).get().ok()).isTrue();
    h.disconnect(v);
    reply(conv, "r1", "hello?");
    assertThat(mails()).isEmpty();
  }

  @Test
  void badAddressesAreRefusedNamingTheEmailField() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = startedChat(v);
    for (String bad : List.of("no-at-sign", "a b@example.com", "two@at@example.com")) {
      v.send(
          "{\"type\":\"contact\",\"ref\":\"x\",\"conv\":\""
              + conv
              + "\",\"email\":\""
              + bad
              + "\"}");
      Push.Error e = v.nextOf(Push.Error.class);
      assertThat(e.code()).as(bad).isEqualTo("invalid_field");
      assertThat(e.field()).isEqualTo("email");
      assertThat(e.ref()).isEqualTo("x");
    }
    String tooLong = "a".repeat(250) + "@b.cd";
    v.send("{\"type\":\"contact\",\"conv\":\"" + conv + "\",\"email\":\"" + tooLong + "\"}");
    Push.Error e = v.nextOf(Push.Error.class);
    assertThat(e.field()).isEqualTo("email");
    assertThat(e.message()).contains("254");
    assertThat(h.mails.contactOf(conv).get()).isEmpty();
  }

  @Test
  void theTranscriptNeedsAnEmailHoldsTheWordsAndIsLimitedPerConversationAndHour() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = startedChat(v);
    v.send("{\"type\":\"transcript\",\"ref\":\"t0\",\"conv\":\"" + conv + "\"}");
    Push.Error noEmail = v.nextOf(Push.Error.class);
    assertThat(noEmail.code()).isEqualTo("invalid_field");
    assertThat(noEmail.field()).isEqualTo("email");

    leaveEmail(v, conv, "ana@example.com");
    assertThat(h.chat.desk().accept(MAYA, conv).get().ok()).isTrue();
    reply(conv, "r1", "I can help");
    for (int i = 0; i < 3; i++) {
      v.send("{\"type\":\"transcript\",\"conv\":\"" + conv + "\"}");
      v.nextOf(ChatEvent.Mail.class);
    }
    v.send("{\"type\":\"transcript\",\"ref\":\"t4\",\"conv\":\"" + conv + "\"}");
    Push.Error limited = v.nextOf(Push.Error.class);
    assertThat(limited.code()).isEqualTo("rate_limited");
    assertThat(limited.ref()).isEqualTo("t4");
    assertThat(mails()).hasSize(3);
    MailStore.Mail t = mails().get(0);
    assertThat(t.kind()).isEqualTo(MailStore.Kind.TRANSCRIPT);
    assertThat(t.subject()).isEqualTo("Your chat transcript from Demo");
    assertThat(t.text()).contains("] You: hi").contains("] Maya: I can help");
    assertThat(t.text()).as("no system notes").doesNotContain("joined the conversation");

    h.elapse(Duration.ofMinutes(59));
    v.send("{\"type\":\"transcript\",\"ref\":\"t5\",\"conv\":\"" + conv + "\"}");
    assertThat(v.nextOf(Push.Error.class).ref()).as("still within the hour").isEqualTo("t5");
    h.elapse(Duration.ofMinutes(2));
    v.send("{\"type\":\"transcript\",\"conv\":\"" + conv + "\"}");
    v.nextOf(ChatEvent.Mail.class);
    assertThat(mails()).as("an hour later it may ask again").hasSize(4);
  }

  @Test
  void transcriptsAskedForAllAtOnceAreCountedAgainstTheLimitWhileOnTheirWay() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = startedChat(v);
    leaveEmail(v, conv, "ana@example.com");
    h.held.hold("queue"); // the transcripts that pass their limits wait to be queued
    int burst = 6; // pipelined: none waits for the one before it
    for (int i = 0; i < burst; i++) {
      v.send("{\"type\":\"transcript\",\"ref\":\"t" + i + "\",\"conv\":\"" + conv + "\"}");
    }
    for (int i = 0; i < burst - 3; i++) {
      assertThat(v.nextOf(Push.Error.class).code())
          .as("three on their way count against the limit of three")
          .isEqualTo("rate_limited");
    }
    h.held.release();
    for (int i = 0; i < 3; i++) {
      v.nextOf(ChatEvent.Mail.class);
    }
    assertThat(mails()).as("the hourly limit of 3, not one per request").hasSize(3);
  }

  /** A visitor gone from its conversation after leaving an address, taken by maya. */
  String goneVisitorTakenByMaya(int i) throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = v.nextOf(ChatEvent.Mail.class).conv();
    v.send("{\"type\":\"send\",\"cid\":\"c0\",\"conv\":\"" + conv + "\",\"text\":\"hi\"}");
    v.nextOf(Push.Ack.class);
    leaveEmail(v, conv, "gone" + i + "@example.com");
    assertThat(h.chat.desk().accept(MAYA, conv).get().ok()).isTrue();
    h.disconnect(v);
    return conv;
  }

  @Test
  void transcriptsTakeAtMostHalfTheSitesHourlyCapAndRepliesBeyondTheCapAreLoggedAsFailed()
      throws Exception {
    int cap = ChatHarness.MAIL_POLICY.siteMailsPerHour();
    for (int i = 0; i < cap / 2; i++) {
      ChatHarness.Client busy = h.visitor();
      String c = startedChat(busy);
      leaveEmail(busy, c, "v" + i + "@example.com");
      busy.send("{\"type\":\"transcript\",\"conv\":\"" + c + "\"}");
      busy.nextOf(ChatEvent.Mail.class);
    }
    ChatHarness.Client v = h.visitor();
    String conv = startedChat(v);
    leaveEmail(v, conv, "ana@example.com");
    v.send("{\"type\":\"transcript\",\"conv\":\"" + conv + "\"}");
    assertThat(v.nextOf(Push.Error.class).code())
        .as("transcripts used their half")
        .isEqualTo("rate_limited");

    // The other half is the replies': they still go out, up to the cap.
    h.agent("maya");
    for (int i = 0; i < cap - cap / 2; i++) {
      String gone = goneVisitorTakenByMaya(i);
      reply(gone, "r" + i, "here is your answer");
      h.mailPort.awaitQueued();
      assertThat(mails().get(0).status()).isEqualTo(MailStore.Status.PENDING);
    }
    String late = goneVisitorTakenByMaya(99);
    reply(late, "r99", "sorry for the wait");
    h.mailPort.awaitQueued();
    MailStore.Mail m = mails().get(0);
    assertThat(m.conversation()).isEqualTo(late);
    assertThat(m.status()).isEqualTo(MailStore.Status.FAILED);
    assertThat(m.lastError()).contains("mails an hour");
    assertThat(
            h.mails.claim("test", h.clock.millis() + 3_600_000, Duration.ofMinutes(1), 100).get())
        .extracting(MailStore.Mail::conversation)
        .doesNotContain(late);
  }

  @Test
  void withoutMailTheWidgetIsOfferedNoneAndContactIsRefused() throws Exception {
    h.mailPort.enabled = false;
    ChatHarness.Client v = h.visitor();
    String conv = VisitorFlowTest.greeted(v);
    v.send("{\"type\":\"contact\",\"ref\":\"c\",\"conv\":\"" + conv + "\",\"email\":\"a@b.cd\"}");
    Push.Error e = v.nextOf(Push.Error.class);
    assertThat(e.code()).isEqualTo("invalid_field");
    assertThat(e.field()).isEqualTo("email");
    assertThat(e.message()).contains("no mail");
  }
}
