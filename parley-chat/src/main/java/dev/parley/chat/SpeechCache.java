package dev.parley.chat;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The speech of answers already read aloud, so a replay does not synthesise again: least recently
 * used first out, bounded by the bytes of audio held ({@code maxBytes}); an audio larger than the
 * bound is not kept. Thread-safe (one lock; every operation is a map operation, never I/O).
 *
 * @param <K> what names an answer's speech
 */
final class SpeechCache<K> {
  private final long maxBytes;
  private final LinkedHashMap<K, Speaker.Audio> held = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;

  SpeechCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The audio kept for {@code key} (now the most recently used), or null. */
  synchronized Speaker.Audio get(K key) {
    return held.get(key);
  }

  /** Keeps {@code audio} for {@code key}, dropping the least recently used beyond the bound. */
  synchronized void put(K key, Speaker.Audio audio) {
    long size = audio.bytes().length;
    if (size > maxBytes) {
      return;
    }
    Speaker.Audio before = held.put(key, audio);
    bytes += size - (before == null ? 0 : before.bytes().length);
    Iterator<Map.Entry<K, Speaker.Audio>> oldest = held.entrySet().iterator();
    while (bytes > maxBytes && oldest.hasNext()) {
      bytes -= oldest.next().getValue().bytes().length;
      oldest.remove();
    }
  }

  /** The bytes of audio held. */
  synchronized long bytes() {
    return bytes;
  }

  /** How many answers' speech is held. */
  synchronized int size() {
    return held.size();
  }
}
