package dev.parley.chat;

import java.util.concurrent.CompletableFuture;

/**
 * Text to speech: the port through which a bot's answer is read aloud ({@code
 * dev.parley.bots.OpenAiSpeaker} speaks to an OpenAI-compatible endpoint). Implementations are
 * thread-safe, bound the time and the size of what they fetch, and never block the caller: the
 * future completes elsewhere, with the audio, or fails with a {@link Failed} whose code says why.
 */
public interface Speaker {
  /**
   * The speech of {@code text}, in the language tag {@code language} (null: unknown; a service may
   * detect it from the text).
   */
  CompletableFuture<Audio> speak(String text, String language);

  /** Audio as the service made it: its media type ({@code audio/mpeg}, {@code audio/ogg}). */
  record Audio(String type, byte[] bytes) {}

  /** Why speech could not be had. */
  final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * {@code timeout}, {@code unavailable} (no connection, HTTP 5xx or 429), {@code rejected} (HTTP
     * 4xx), {@code too_large} (more audio than the bound) or {@code invalid_answer} (not audio).
     */
    public final String code;

    public Failed(String code, String message) {
      super(message);
      this.code = code;
    }
  }
}
