package dev.parley.edge.admin;

import dev.parley.chat.VoiceSettings;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * A site's voice messages as operators write them ({@code voice} in a {@link SiteDoc}); a field
 * left out takes its default ({@link VoiceSettings#DEFAULTS}: 120 seconds, no transcription, no
 * spoken answers).
 *
 * @param maxSeconds the longest voice note: 1 to {@link VoiceSettings#MAX_SECONDS}
 * @param transcription where audio uploads are transcribed, or null for none
 * @param spokenAnswers {@code off} (the default), {@code browser} or {@code server} ({@link
 *     VoiceSettings.SpokenAnswers}); {@code server} needs {@code speech}
 * @param speech where the bot's answers are spoken ({@link SpeechDoc}), or null
 */
public record VoiceDoc(
    Integer maxSeconds, Transcription transcription, String spokenAnswers, SpeechDoc speech) {
  private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}");

  /** A document without spoken answers. */
  public VoiceDoc(Integer maxSeconds, Transcription transcription) {
    this(maxSeconds, transcription, null, null);
  }

  /**
   * An OpenAI-compatible transcription endpoint: {@code baseUrl} (http or https, with or without
   * {@code /v1}) and {@code model} required; {@code apiKey} is a secret ({@link SiteSecrets});
   * {@code language} an ISO-639-1 hint.
   */
  public record Transcription(String baseUrl, String model, String apiKey, String language) {
    Transcription withApiKey(String key) {
      return new Transcription(baseUrl, model, key, language);
    }
  }

  /** {@code d} checked field by field (errors name {@code voice.…}); null stays null. */
  static VoiceDoc checked(VoiceDoc d) {
    if (d == null) {
      return null;
    }
    if (d.maxSeconds != null && (d.maxSeconds < 1 || d.maxSeconds > VoiceSettings.MAX_SECONDS)) {
      throw new InvalidSetting(
          "voice.maxSeconds", "must be a number of seconds from 1 to " + VoiceSettings.MAX_SECONDS);
    }
    Transcription t = d.transcription;
    if (t != null) {
      if (!isHttpUrl(t.baseUrl)) {
        throw new InvalidSetting(
            "voice.transcription.baseUrl",
            "must be an http or https URL (like http://whisper:8080)");
      }
      SiteRules.text("voice.transcription.model", t.model, 100, false);
      if (t.model == null || t.model.isBlank()) {
        throw new InvalidSetting("voice.transcription.model", "is required (like whisper-1)");
      }
      if (t.apiKey != null && t.apiKey.length() > 1000) {
        throw new InvalidSetting("voice.transcription.apiKey", "is longer than 1000 characters");
      }
      if (t.language != null && !LANGUAGE.matcher(t.language).matches()) {
        throw new InvalidSetting(
            "voice.transcription.language", "must be an ISO-639-1 code (like en) or left out");
      }
    }
    VoiceSettings.SpokenAnswers mode =
        d.spokenAnswers == null ? null : VoiceSettings.SpokenAnswers.ofWire(d.spokenAnswers);
    if (d.spokenAnswers != null && mode == null) {
      throw new InvalidSetting("voice.spokenAnswers", "must be off, browser or server");
    }
    if (mode == VoiceSettings.SpokenAnswers.SERVER && d.speech == null) {
      throw new InvalidSetting(
          "voice.speech",
          "is required when spokenAnswers is server (an /v1/audio/speech endpoint)");
    }
    SpeechDoc.check(d.speech);
    return d;
  }

  /** Whether {@code s} is an absolute http or https URL with a host. */
  static boolean isHttpUrl(String s) {
    if (s == null) {
      return false;
    }
    try {
      URI u = URI.create(s);
      return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** What the chat layer uses: the defaults where {@code d} (may be null) sets nothing. */
  static VoiceSettings toSettings(VoiceDoc d) {
    if (d == null) {
      return VoiceSettings.DEFAULTS;
    }
    Transcription t = d.transcription;
    return new VoiceSettings(
        d.maxSeconds != null ? d.maxSeconds : VoiceSettings.DEFAULTS.maxSeconds(),
        t == null
            ? null
            : new VoiceSettings.Transcription(
                t.baseUrl,
                t.model,
                t.apiKey == null || t.apiKey.isEmpty() ? null : t.apiKey,
                t.language),
        d.spokenAnswers == null ? null : VoiceSettings.SpokenAnswers.ofWire(d.spokenAnswers),
        SpeechDoc.toSettings(d.speech));
  }

  /** The document of {@code v}; null for the defaults. */
  static VoiceDoc of(VoiceSettings v) {
    if (v == null || v.equals(VoiceSettings.DEFAULTS)) {
      return null;
    }
    VoiceSettings.Transcription t = v.transcription();
    return new VoiceDoc(
        v.maxSeconds(),
        t == null ? null : new Transcription(t.baseUrl(), t.model(), t.apiKey(), t.language()),
        v.spokenAnswers() == VoiceSettings.SpokenAnswers.OFF ? null : v.spokenAnswers().wire(),
        SpeechDoc.of(v.speech()));
  }

  /** The transcription's API key, or null. */
  String apiKey() {
    return transcription == null ? null : transcription.apiKey;
  }

  /** The speech endpoint's API key, or null. */
  String speechKey() {
    return speech == null ? null : speech.apiKey();
  }

  /** This document with other API keys (each ignored where its endpoint is not set). */
  VoiceDoc withKeys(String transcriptionKey, String speechKey) {
    return new VoiceDoc(
        maxSeconds,
        transcription == null ? null : transcription.withApiKey(transcriptionKey),
        spokenAnswers,
        speech == null ? null : speech.withApiKey(speechKey));
  }
}
