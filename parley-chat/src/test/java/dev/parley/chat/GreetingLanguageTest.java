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
 * The greeting follows the visitor's language ({@code hello.lang}): shown in it, and stored in it
 * when the first message creates the conversation; a language the site has no greeting for gets the
 * site's own.
 */
@Timeout(30)
class GreetingLanguageTest {
  static final Site SITE =
      new Site(
              "demo",
              "Demo",
              List.of("*"),
              ChatHarness.GREETING,
              "Bot",
              0.5,
              BusinessHours.always())
          .withAppearance(
              new SiteAppearance(
                  null,
                  null,
                  null,
                  null,
                  null,
                  Map.of(
                      "de", new SiteAppearance.Texts("Hallo! Wie kann ich helfen?", null, null))));

  final ChatHarness h = new ChatHarness(ChatConfig.defaults(), List.of(SITE));

  @AfterEach
  void close() {
    h.close();
  }

  /** A new visitor saying {@code lang} (null: none): its conversation and the greeting shown. */
  String[] greetedIn(ChatHarness.Client v, String lang) throws InterruptedException {
    v.send(
        "{\"type\":\"hello\",\"site\":\"demo\""
            + (lang == null ? "" : ",\"lang\":\"" + lang + "\"")
            + "}");
    Push.Welcome w = v.next(Push.Welcome.class);
    assertThat(w.claims().get(ChatIdentity.LANG)).isEqualTo(lang);
    String conv = v.next(ChatEvent.Conversation.class).conv();
    v.next(Push.Joined.class);
    assertThat(v.next(ChatEvent.Answer.class).phase()).isEqualTo("start");
    return new String[] {conv, v.next(ChatEvent.Answer.class).text()};
  }

  @Test
  void aGermanVisitorIsShownAndStoredTheGermanGreeting() throws Exception {
    ChatHarness.Client v = h.connect(Map.of());
    String[] greeted = greetedIn(v, "de-CH");
    assertThat(greeted[1]).isEqualTo("Hallo! Wie kann ich helfen?");
    v.send("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + greeted[0] + "\",\"text\":\"hi\"}");
    List<Push> frames = VisitorFlowTest.collect(v, f -> VisitorFlowTest.hasMessage(f, 1));
    assertThat(VisitorFlowTest.message(frames, 1).text()).isEqualTo("Hallo! Wie kann ich helfen?");
  }

  @Test
  void otherLanguagesAndNoneGetTheSitesGreeting() throws Exception {
    assertThat(greetedIn(h.connect(Map.of()), "fr")[1]).isEqualTo(ChatHarness.GREETING);
    assertThat(greetedIn(h.connect(Map.of()), null)[1]).isEqualTo(ChatHarness.GREETING);
  }
}
