package dev.parley.bots;

import dev.parley.chat.Speaker;
import dev.parley.chat.VoiceSettings;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The speaker of each site's speech settings ({@link VoiceSettings#speech}): one {@link
 * OpenAiSpeaker} per distinct settings, made at first use and kept (a site that changes its
 * endpoint gets a new one at its next spoken answer; a few stale ones stay open until {@link
 * #close}).
 *
 * <p>Thread-safe.
 */
public final class Speakers implements Function<VoiceSettings.Speech, Speaker>, AutoCloseable {
  private final Duration timeout;
  private final ConcurrentHashMap<VoiceSettings.Speech, OpenAiSpeaker> made =
      new ConcurrentHashMap<>();

  /**
   * @param timeout how long one synthesis may take
   */
  public Speakers(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public Speaker apply(VoiceSettings.Speech settings) {
    return settings == null
        ? null
        : made.computeIfAbsent(settings, s -> new OpenAiSpeaker(s, timeout));
  }

  @Override
  public void close() {
    made.values().forEach(OpenAiSpeaker::close);
    made.clear();
  }
}
