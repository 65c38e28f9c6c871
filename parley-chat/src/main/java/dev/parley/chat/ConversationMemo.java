package dev.parley.chat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Soft state this node keeps per conversation (the visitor's mood, the bot's unsure answers in a
 * row, when it was queued, the place last announced), bounded: at most {@link #CAPACITY}
 * conversations, the one touched least recently forgotten first. Such an entry is removed when its
 * conversation moves on as this node sees it, but many end where this node never hears of it (a
 * move made on another node, a visitor who left), so without the bound the map would grow with
 * every conversation the node ever served. Forgetting costs little: a mood not shown, a count or a
 * first-response time started again, a place announced once more.
 *
 * <p>Thread-safe: one monitor; each call is O(1).
 */
final class ConversationMemo<V> {
  /**
   * Conversations remembered at most: far beyond the conversations one node has in flight at once
   * (each entry is about 150 bytes: some 15 MB at the bound).
   */
  static final int CAPACITY = 100_000;

  private final Map<String, V> entries;

  ConversationMemo() {
    this(CAPACITY);
  }

  ConversationMemo(int capacity) {
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
            return size() > capacity;
          }
        };
  }

  /** What is remembered of {@code conv}, or null. */
  synchronized V get(String conv) {
    return entries.get(conv);
  }

  /** Remembers {@code value} for {@code conv}; what was remembered before, or null. */
  synchronized V put(String conv, V value) {
    return entries.put(conv, value);
  }

  /** Forgets {@code conv}; what was remembered, or null. */
  synchronized V remove(String conv) {
    return entries.remove(conv);
  }

  /** {@link Map#merge} for {@code conv}: {@code value}, or {@code f} of the old and it. */
  synchronized V merge(String conv, V value, BiFunction<? super V, ? super V, ? extends V> f) {
    return entries.merge(conv, value, f);
  }

  /** A copy of what is remembered. */
  synchronized Map<String, V> snapshot() {
    return Map.copyOf(entries);
  }

  /** How many conversations are remembered. */
  synchronized int size() {
    return entries.size();
  }
}
