package dev.parley.edge.admin;

import dev.parley.chat.VoiceSettings;
import java.util.regex.Pattern;

/**
 * An OpenAI-compatible speech endpoint as operators write it ({@code voice.speech} in a {@link
 * SiteDoc}): where the bot's answers are read aloud when {@code voice.spokenAnswers} is {@code
 * server}.
 *
 * @param baseUrl http or https, with or without {@code /v1}; required
 * @param model e.g. {@code tts-1}; required
 * @param voice e.g. {@code alloy}; required (letters, digits, {@code _ . -}, at most 100)
 * @param apiKey a secret ({@link SiteSecrets}): sealed at rest, never shown
 * @param format {@code mp3} (the default) or {@code opus}
 */
public record SpeechDoc(String baseUrl, String model, String voice, String apiKey, String format) {
  private static final Pattern VOICE = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

  SpeechDoc withApiKey(String key) {
    return new SpeechDoc(baseUrl, model, voice, key, format);
  }

  /** Checks {@code s} field by field (errors name {@code voice.speech.…}); null is fine. */
  static void check(SpeechDoc s) {
    if (s == null) {
      return;
    }
    if (!VoiceDoc.isHttpUrl(s.baseUrl)) {
      throw new InvalidSetting(
          "voice.speech.baseUrl", "must be an http or https URL (like http://tts:8000)");
    }
    SiteRules.text("voice.speech.model", s.model, 100, false);
    if (s.model == null || s.model.isBlank()) {
      throw new InvalidSetting("voice.speech.model", "is required (like tts-1)");
    }
    if (s.voice == null || !VOICE.matcher(s.voice).matches()) {
      throw new InvalidSetting(
          "voice.speech.voice", "is required: a voice's name (like alloy), at most 100 characters");
    }
    if (s.apiKey != null && s.apiKey.length() > 1000) {
      throw new InvalidSetting("voice.speech.apiKey", "is longer than 1000 characters");
    }
    if (s.format != null
        && !s.format.equals(VoiceSettings.Speech.MP3)
        && !s.format.equals(VoiceSettings.Speech.OPUS)) {
      throw new InvalidSetting("voice.speech.format", "must be mp3 or opus");
    }
  }

  /** What the chat layer uses, or null. */
  static VoiceSettings.Speech toSettings(SpeechDoc s) {
    return s == null
        ? null
        : new VoiceSettings.Speech(
            s.baseUrl,
            s.model,
            s.voice,
            s.apiKey == null || s.apiKey.isEmpty() ? null : s.apiKey,
            s.format == null ? VoiceSettings.Speech.MP3 : s.format);
  }

  /** The document of {@code s}, or null. */
  static SpeechDoc of(VoiceSettings.Speech s) {
    return s == null
        ? null
        : new SpeechDoc(s.baseUrl(), s.model(), s.voice(), s.apiKey(), s.format());
  }

  @Override
  public String toString() {
    return "SpeechDoc[" + baseUrl + ", " + model + ", " + voice + "]"; // never prints the key
  }
}
