package dev.parley.bots;

import dev.parley.chat.Transcriber;
import dev.parley.chat.VoiceSettings;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The transcriber of each site's transcription settings ({@link VoiceSettings#transcription}): one
 * {@link OpenAiTranscriber} per distinct settings, made at first use and kept (a site that changes
 * its endpoint gets a new one at its next upload; a few stale ones stay open until {@link #close}).
 *
 * <p>Thread-safe.
 */
public final class Transcribers
    implements Function<VoiceSettings.Transcription, Transcriber>, AutoCloseable {
  private final Duration timeout;
  private final ConcurrentHashMap<VoiceSettings.Transcription, OpenAiTranscriber> made =
      new ConcurrentHashMap<>();

  /**
   * @param timeout how long one transcription may take
   */
  public Transcribers(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public Transcriber apply(VoiceSettings.Transcription settings) {
    return settings == null
        ? null
        : made.computeIfAbsent(settings, s -> new OpenAiTranscriber(s, timeout));
  }

  @Override
  public void close() {
    made.values().forEach(OpenAiTranscriber::close);
    made.clear();
  }
}
