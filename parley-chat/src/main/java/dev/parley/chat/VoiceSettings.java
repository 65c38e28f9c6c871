package dev.parley.chat;

import java.util.Locale;

/**
 * A site's voice messages ({@code docs/OPERATIONS.md#voice-messages}). Immutable.
 *
 * @param maxSeconds the longest voice note, in seconds (default 120, 1 to {@link #MAX_SECONDS}).
 *     The server reads the duration of a WAV from its header; for compressed audio (Ogg, WebM, MP4,
 *     MP3) it cannot do so safely with what it ships, so the length is bounded through the size:
 *     {@link #BYTES_PER_SECOND} per second allowed ({@link #maxCompressedBytes})
 * @param transcription where an audio upload is transcribed, or null for no transcripts (the
 *     default)
 * @param spokenAnswers whether and how the widget reads the bot's answers aloud (default {@link
 *     SpokenAnswers#OFF}; never null)
 * @param speech where the server synthesises the answers' speech ({@link SpokenAnswers#SERVER}
 *     requires it), or null
 */
public record VoiceSettings(
    int maxSeconds, Transcription transcription, SpokenAnswers spokenAnswers, Speech speech) {
  /** The largest {@link #maxSeconds} a site may set. */
  public static final int MAX_SECONDS = 600;

  /**
   * The generous bitrate that bounds compressed audio: 40,000 bytes a second is 320 kbit/s, the top
   * MP3 bitrate and ten times what MediaRecorder's Opus uses for speech.
   */
  public static final int BYTES_PER_SECOND = 40_000;

  /** What a site that sets nothing gets: two minutes, no transcription, no spoken answers. */
  public static final VoiceSettings DEFAULTS = new VoiceSettings(120, null);

  public VoiceSettings {
    spokenAnswers = spokenAnswers == null ? SpokenAnswers.OFF : spokenAnswers;
    if (spokenAnswers == SpokenAnswers.SERVER && speech == null) {
      throw new IllegalArgumentException("spoken answers from the server need a speech endpoint");
    }
  }

  /** Settings without spoken answers. */
  public VoiceSettings(int maxSeconds, Transcription transcription) {
    this(maxSeconds, transcription, SpokenAnswers.OFF, null);
  }

  /** The most bytes a compressed voice note of {@link #maxSeconds} may have. */
  public long maxCompressedBytes() {
    return (long) maxSeconds * BYTES_PER_SECOND;
  }

  /**
   * An OpenAI-compatible {@code /v1/audio/transcriptions} endpoint (whisper.cpp server,
   * faster-whisper, LocalAI, OpenAI).
   *
   * @param baseUrl the server's base, without {@code /v1} (e.g. {@code https://api.openai.com})
   * @param model e.g. {@code whisper-1}
   * @param apiKey sent as a bearer token, or null
   * @param language an ISO-639-1 hint (e.g. {@code en}), or null to let the model detect it
   */
  public record Transcription(String baseUrl, String model, String apiKey, String language) {
    @Override
    public String toString() {
      return "Transcription[" + baseUrl + ", " + model + "]"; // never prints the key
    }
  }

  /** Whether the widget reads the bot's answers aloud, and with what. */
  public enum SpokenAnswers {
    /** Never (the default). */
    OFF,
    /** With the browser's own speech synthesis ({@code window.speechSynthesis}). */
    BROWSER,
    /** With audio the server gets from the site's {@link Speech} endpoint. */
    SERVER;

    /** The word operators write: {@code off}, {@code browser} or {@code server}. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The value of {@link #wire}, or null for any other word. */
    public static SpokenAnswers ofWire(String s) {
      for (SpokenAnswers a : values()) {
        if (a.wire().equals(s)) {
          return a;
        }
      }
      return null;
    }
  }

  /**
   * An OpenAI-compatible {@code /v1/audio/speech} endpoint (OpenAI, LocalAI, Kokoro-FastAPI,
   * openedai-speech).
   *
   * @param baseUrl the server's base, with or without {@code /v1}
   * @param model e.g. {@code tts-1}
   * @param voice e.g. {@code alloy}
   * @param apiKey sent as a bearer token, or null
   * @param format {@link #MP3} or {@link #OPUS} (Ogg Opus)
   */
  public record Speech(String baseUrl, String model, String voice, String apiKey, String format) {
    public static final String MP3 = "mp3";
    public static final String OPUS = "opus";

    /** The media type of audio in {@link #format}. */
    public String contentType() {
      return OPUS.equals(format) ? "audio/ogg" : "audio/mpeg";
    }

    @Override
    public String toString() {
      return "Speech[" + baseUrl + ", " + model + ", " + voice + ", " + format + "]"; // no key
    }
  }
}
