package dev.parley.chat;

/**
 * A site's voice messages ({@code docs/OPERATIONS.md#voice-messages}). Immutable.
 *
 * @param maxSeconds the longest voice note, in seconds (default 120, 1 to {@link #MAX_SECONDS}).
 *     The server reads the duration of a WAV from its header; for compressed audio (Ogg, WebM, MP4,
 *     MP3) it cannot do so safely with what it ships, so the length is bounded through the size:
 *     {@link #BYTES_PER_SECOND} per second allowed ({@link #maxCompressedBytes})
 * @param transcription where an audio upload is transcribed, or null for no transcripts (the
 *     default)
 */
public record VoiceSettings(int maxSeconds, Transcription transcription) {
  /** The largest {@link #maxSeconds} a site may set. */
  public static final int MAX_SECONDS = 600;

  /**
   * The generous bitrate that bounds compressed audio: 40,000 bytes a second is 320 kbit/s, the top
   * MP3 bitrate and ten times what MediaRecorder's Opus uses for speech.
   */
  public static final int BYTES_PER_SECOND = 40_000;

  /** What a site that sets nothing gets: two minutes, no transcription. */
  public static final VoiceSettings DEFAULTS = new VoiceSettings(120, null);

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
}
