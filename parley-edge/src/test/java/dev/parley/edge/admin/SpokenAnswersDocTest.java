package dev.parley.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ConfigStore;
import dev.parley.chat.VoiceSettings;
import dev.parley.protocol.http.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A site's {@code voice.spokenAnswers} and {@code voice.speech}: checked field by field, defaulted,
 * and the speech key kept secret as the transcription key is.
 */
class SpokenAnswersDocTest extends ConfigurationFixture {

  static SpeechDoc tts(String key, String format) {
    return new SpeechDoc("http://tts:8000", "tts-1", "alloy", key, format);
  }

  static SiteDoc site(String mode, SpeechDoc speech) {
    return VoiceDocTest.site(new VoiceDoc(null, null, mode, speech));
  }

  @Test
  void spokenAnswersAreOffUnlessSetAndTheFormatIsMp3UnlessSet() {
    assertThat(VoiceDocTest.site(null).checked().toSite().voice().spokenAnswers())
        .isEqualTo(VoiceSettings.SpokenAnswers.OFF);
    assertThat(site("browser", null).checked().toSite().voice().spokenAnswers())
        .isEqualTo(VoiceSettings.SpokenAnswers.BROWSER);
    VoiceSettings v = site("server", tts("sk-tts", null)).checked().toSite().voice();
    assertThat(v.spokenAnswers()).isEqualTo(VoiceSettings.SpokenAnswers.SERVER);
    assertThat(v.speech())
        .isEqualTo(new VoiceSettings.Speech("http://tts:8000", "tts-1", "alloy", "sk-tts", "mp3"));
    assertThat(v.speech().contentType()).isEqualTo("audio/mpeg");
    assertThat(site("server", tts(null, "opus")).checked().toSite().voice().speech().contentType())
        .isEqualTo("audio/ogg");
    assertThat(v.speech().toString()).doesNotContain("sk-tts");
    assertThat(tts("sk-tts", null).toString()).doesNotContain("sk-tts");
  }

  @Test
  void eachBadFieldIsNamed() {
    assertThat(SiteDocTest.fieldOf(() -> site("loud", null).checked()))
        .isEqualTo("voice.spokenAnswers");
    assertThat(SiteDocTest.fieldOf(() -> site("server", null).checked())).isEqualTo("voice.speech");
    assertThat(
            SiteDocTest.fieldOf(
                () ->
                    site("server", new SpeechDoc("ftp://x", "tts-1", "alloy", null, null))
                        .checked()))
        .isEqualTo("voice.speech.baseUrl");
    assertThat(
            SiteDocTest.fieldOf(
                () -> site("server", new SpeechDoc(null, "tts-1", "alloy", null, null)).checked()))
        .isEqualTo("voice.speech.baseUrl");
    assertThat(
            SiteDocTest.fieldOf(
                () ->
                    site("server", new SpeechDoc("http://t", " ", "alloy", null, null)).checked()))
        .isEqualTo("voice.speech.model");
    assertThat(
            SiteDocTest.fieldOf(
                () ->
                    site("server", new SpeechDoc("http://t", "tts-1", null, null, null)).checked()))
        .isEqualTo("voice.speech.voice");
    assertThat(
            SiteDocTest.fieldOf(
                () ->
                    site("server", new SpeechDoc("http://t", "tts-1", "al loy\n", null, null))
                        .checked()))
        .isEqualTo("voice.speech.voice");
    assertThat(
            SiteDocTest.fieldOf(
                () ->
                    site("server", new SpeechDoc("http://t", "tts-1", "alloy", null, "wav"))
                        .checked()))
        .isEqualTo("voice.speech.format");
    assertThat(
            SiteDocTest.fieldOf(
                () ->
                    site(
                            "server",
                            new SpeechDoc("http://t", "tts-1", "alloy", "k".repeat(1001), null))
                        .checked()))
        .isEqualTo("voice.speech.apiKey");
    site("browser", tts(null, "opus")).checked(); // speech set but unused: fine
  }

  @Test
  void theSpeechKeyIsSealedAtRestNeverShownKeptWhenLeftOutAndClearedWhenEmpty() {
    BotEmbeddingsTest.done(
        config.putSite("root", site("server", tts("sk-tts", "mp3")).checked(), 0L).join());
    sync.reload().join();
    assertThat(directory.site("acme").voice().speech().apiKey()).isEqualTo("sk-tts");
    ConfigStore.Entry stored = store.find(ConfigStore.Kind.SITE, "acme").join().orElseThrow();
    assertThat(stored.body()).doesNotContain("sk-tts").contains("enc:v1:");

    Configuration.Stored<SiteDoc> read = config.site("acme").join().orElseThrow();
    String shown = new String(Json.write(AdminApi.siteView(read)), StandardCharsets.UTF_8);
    assertThat(shown).doesNotContain("sk-tts").doesNotContain("enc:v1:");
    assertThat(shown)
        .contains("\"spokenAnswers\":\"server\"")
        .contains("\"voice\":\"alloy\"")
        .contains("\"apiKeySet\":true");

    BotEmbeddingsTest.done(
        config.putSite("root", site("server", tts(null, "opus")).checked(), null).join());
    sync.reload().join();
    assertThat(directory.site("acme").voice().speech().apiKey())
        .as("left out: kept")
        .isEqualTo("sk-tts");
    assertThat(directory.site("acme").voice().speech().format()).isEqualTo("opus");

    BotEmbeddingsTest.done(
        config.putSite("root", site("server", tts("", "mp3")).checked(), null).join());
    sync.reload().join();
    assertThat(directory.site("acme").voice().speech().apiKey()).as("cleared").isNull();
  }
}
