package dev.parley.chat;

import java.util.concurrent.CompletableFuture;

/**
 * Speech to text: the port through which an audio upload gets its transcript ({@code
 * dev.parley.bots.OpenAiTranscriber} speaks to an OpenAI-compatible endpoint). Implementations are
 * thread-safe and never block the caller: the future completes elsewhere, with the text, or fails
 * with a {@link Failed} whose code says why.
 */
public interface Transcriber {
  /** Transcribes {@code audio} (media type {@code type}, file name {@code name}). */
  CompletableFuture<String> transcribe(String name, String type, byte[] audio);

  /** Why a transcription failed: a code kept with the file ({@code transcriptError}). */
  final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * {@code timeout}, {@code unavailable} (no connection, HTTP 5xx), {@code rejected} (HTTP 4xx)
     * or {@code invalid_answer}.
     */
    public final String code;

    public Failed(String code, String message) {
      super(message);
      this.code = code;
    }
  }
}
