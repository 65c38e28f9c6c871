package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chat speaks the visitor's language ({@code hello.lang}): the system message of a handoff is
 * in it, and a visitor who asks for a person in Arabic, German or Japanese words is queued.
 */
@Timeout(30)
class ChatLanguagesTest {
  final ChatHarness h = new ChatHarness(ChatConfig.defaults(), List.of(GreetingLanguageTest.SITE));

  @AfterEach
  void close() {
    h.close();
  }

  /** A new visitor saying {@code lang}, greeted: its conversation. */
  String visitorIn(ChatHarness.Client v, String lang) throws InterruptedException {
    v.send("{\"type\":\"hello\",\"site\":\"demo\",\"lang\":\"" + lang + "\"}");
    v.next(Push.Welcome.class);
    String conv = v.next(ChatEvent.Conversation.class).conv();
    v.next(Push.Joined.class);
    return conv;
  }

  @Test
  void anArabicVisitorGetsTheQueueMessageInArabic() throws Exception {
    ChatHarness.Client v = h.connect(Map.of());
    String conv = visitorIn(v, "ar-EG");
    v.send("{\"type\":\"handoff\",\"conv\":\"" + conv + "\"}");
    List<Push> frames =
        VisitorFlowTest.collect(
            v, f -> VisitorFlowTest.hasMessage(f, 2) && VisitorFlowTest.hasStatus(f, "queued"));
    Push.Message m = VisitorFlowTest.message(frames, 2);
    assertThat(m.kind()).isEqualTo("system");
    assertThat(m.text())
        .isEqualTo(
            "لقد طلبت التحدث إلى شخص. أنت في قائمة الانتظار؛ سينضم إليك أحد الموظفين قريبًا.");
  }

  @Test
  void aVisitorOfAnUnknownLanguageGetsEnglish() throws Exception {
    ChatHarness.Client v = h.connect(Map.of());
    String conv = visitorIn(v, "xx");
    v.send("{\"type\":\"handoff\",\"conv\":\"" + conv + "\"}");
    List<Push> frames =
        VisitorFlowTest.collect(
            v, f -> VisitorFlowTest.hasMessage(f, 2) && VisitorFlowTest.hasStatus(f, "queued"));
    assertThat(VisitorFlowTest.message(frames, 2).text())
        .isEqualTo("You asked for a person. You're in the queue; an agent will join shortly.");
  }

  @Test
  void aSitesLanguageWinsOverTheVisitors() throws Exception {
    Site german =
        new Site(
                "demo",
                "Demo",
                List.of("*"),
                ChatHarness.GREETING,
                "Bot",
                0.5,
                BusinessHours.always())
            .withAppearance(new SiteAppearance(null, null, null, null, null, Map.of(), "de"));
    ChatHarness g = new ChatHarness(ChatConfig.defaults(), List.of(german));
    try {
      ChatHarness.Client v = g.connect(Map.of());
      String conv = visitorIn(v, "en-US");
      v.send("{\"type\":\"handoff\",\"conv\":\"" + conv + "\"}");
      List<Push> frames =
          VisitorFlowTest.collect(
              v, f -> VisitorFlowTest.hasMessage(f, 2) && VisitorFlowTest.hasStatus(f, "queued"));
      assertThat(VisitorFlowTest.message(frames, 2).text())
          .startsWith("Sie haben nach einer Person gefragt.");
    } finally {
      g.close();
    }
  }

  @Test
  void askingForAPersonInArabicQueues() throws Exception {
    assertQueuedAfterSaying("ar", "أريد التحدث إلى موظف خدمة العملاء", "لقد طلبت التحدث إلى شخص.");
  }

  @Test
  void askingForAPersonInGermanQueues() throws Exception {
    assertQueuedAfterSaying(
        "de-DE",
        "Kann ich bitte mit einem Menschen sprechen?",
        "Sie haben nach einer Person gefragt.");
  }

  @Test
  void askingForAPersonInJapaneseQueues() throws Exception {
    assertQueuedAfterSaying("ja", "担当者につないでください", "担当者との会話をご希望いただきました。");
  }

  private void assertQueuedAfterSaying(String lang, String words, String systemStart)
      throws Exception {
    ChatHarness.Client v = h.connect(Map.of());
    String conv = visitorIn(v, lang);
    v.send(
        "{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"" + words + "\"}");
    List<Push> frames =
        VisitorFlowTest.collect(
            v, f -> VisitorFlowTest.hasStatus(f, "queued") && VisitorFlowTest.hasMessage(f, 3));
    Push.Message m = VisitorFlowTest.message(frames, 3);
    assertThat(m.kind()).isEqualTo("system");
    assertThat(m.text()).startsWith(systemStart);
    assertThat(frames)
        .as("no bot answer besides the greeting")
        .noneMatch(
            p ->
                p instanceof ChatEvent.Answer a
                    && !a.id().equals(ConversationOpener.greetingId(conv)));
    assertThat(h.chatStore.find(conv).join().orElseThrow().status())
        .isEqualTo(ConversationStatus.QUEUED);
  }
}
