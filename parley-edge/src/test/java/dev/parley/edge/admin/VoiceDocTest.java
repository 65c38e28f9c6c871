package dev.parley.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ConfigStore;
import dev.parley.chat.VoiceSettings;
import dev.parley.protocol.http.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A site's {@code voice} settings: checked, defaulted, and the transcription key kept secret. */
class VoiceDocTest extends ConfigurationFixture {

  static SiteDoc site(VoiceDoc voice) {
    return new SiteDoc(
        "acme", null, null, null, null, "hi", null, null, null, null, null, null, null, null, null,
        null, voice);
  }

  static VoiceDoc whisper(Integer seconds, String key) {
    return new VoiceDoc(
        seconds, new VoiceDoc.Transcription("http://whisper:8080", "whisper-1", key, "en"));
  }

  @Test
  void aSiteThatSetsNothingGetsTwoMinutesAndNoTranscription() {
    assertThat(site(null).checked().toSite().voice()).isEqualTo(VoiceSettings.DEFAULTS);
    assertThat(VoiceSettings.DEFAULTS.maxSeconds()).isEqualTo(120);
    assertThat(VoiceSettings.DEFAULTS.transcription()).isNull();
    assertThat(site(new VoiceDoc(30, null)).checked().toSite().voice())
        .isEqualTo(new VoiceSettings(30, null));
    assertThat(site(whisper(null, "sk-v")).checked().toSite().voice())
        .isEqualTo(
            new VoiceSettings(
                120,
                new VoiceSettings.Transcription("http://whisper:8080", "whisper-1", "sk-v", "en")));
  }

  @Test
  void eachBadFieldIsNamed() {
    assertThat(SiteDocTest.fieldOf(() -> site(new VoiceDoc(0, null)).checked()))
        .isEqualTo("voice.maxSeconds");
    assertThat(SiteDocTest.fieldOf(() -> site(new VoiceDoc(601, null)).checked()))
        .isEqualTo("voice.maxSeconds");
    site(new VoiceDoc(600, null)).checked();
    assertThat(
            SiteDocTest.fieldOf(
                () ->
                    site(new VoiceDoc(
                            null, new VoiceDoc.Transcription("file:///x", "m", null, null)))
                        .checked()))
        .isEqualTo("voice.transcription.baseUrl");
    assertThat(
            SiteDocTest.fieldOf(
                () ->
                    site(new VoiceDoc(
                            null, new VoiceDoc.Transcription("http://w", null, null, null)))
                        .checked()))
        .isEqualTo("voice.transcription.model");
    assertThat(
            SiteDocTest.fieldOf(
                () ->
                    site(new VoiceDoc(
                            null, new VoiceDoc.Transcription("http://w", "m", null, "English")))
                        .checked()))
        .isEqualTo("voice.transcription.language");
  }

  @Test
  void theKeyIsSealedAtRestNeverShownKeptWhenLeftOutAndClearedWhenEmpty() {
    BotEmbeddingsTest.done(
        config.putSite("root", site(whisper(60, "sk-voice")).checked(), 0L).join());
    sync.reload().join();
    assertThat(directory.site("acme").voice().transcription().apiKey()).isEqualTo("sk-voice");
    assertThat(directory.site("acme").voice().maxSeconds()).isEqualTo(60);
    ConfigStore.Entry stored = store.find(ConfigStore.Kind.SITE, "acme").join().orElseThrow();
    assertThat(stored.body()).doesNotContain("sk-voice").contains("enc:v1:");

    Configuration.Stored<SiteDoc> read = config.site("acme").join().orElseThrow();
    String shown = new String(Json.write(AdminApi.siteView(read)), StandardCharsets.UTF_8);
    assertThat(shown).doesNotContain("sk-voice").doesNotContain("enc:v1:");
    assertThat(shown).contains("\"apiKeySet\":true").contains("\"maxSeconds\":60");

    BotEmbeddingsTest.done(config.putSite("root", site(whisper(90, null)).checked(), null).join());
    sync.reload().join();
    assertThat(directory.site("acme").voice().transcription().apiKey())
        .as("left out: kept")
        .isEqualTo("sk-voice");

    BotEmbeddingsTest.done(config.putSite("root", site(whisper(90, "")).checked(), null).join());
    sync.reload().join();
    assertThat(directory.site("acme").voice().transcription().apiKey()).as("cleared").isNull();
  }
}
