package dev.parley.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.Site;
import dev.parley.edge.admin.SiteDoc;
import dev.parley.edge.admin.SpeechDoc;
import dev.parley.edge.admin.VoiceDoc;
import dev.parley.protocol.http.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The widget learns whether it reads answers aloud from the appearance, and nothing else of it. */
class SpokenAnswersViewTest {
  static Site site(String mode, SpeechDoc speech) {
    return new SiteDoc(
            "acme",
            null,
            null,
            null,
            null,
            "hi",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            new VoiceDoc(null, null, mode, speech))
        .checked()
        .toSite();
  }

  static String view(Site s) {
    return new String(Json.write(AppearanceApi.view(s)), StandardCharsets.UTF_8);
  }

  @Test
  void theModeIsToldButNeverTheEndpointOrItsKey() {
    assertThat(view(site(null, null))).doesNotContain("spokenAnswers");
    assertThat(view(site("off", null))).doesNotContain("spokenAnswers");
    assertThat(view(site("browser", null))).contains("\"spokenAnswers\":\"browser\"");
    String server =
        view(site("server", new SpeechDoc("http://tts:8000", "tts-1", "alloy", "sk-tts", null)));
    assertThat(server)
        .contains("\"spokenAnswers\":\"server\"")
        .doesNotContain("tts:8000")
        .doesNotContain("alloy")
        .doesNotContain("sk-tts");
  }
}
