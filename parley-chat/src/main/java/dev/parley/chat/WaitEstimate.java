package dev.parley.chat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The wait a queued visitor is told ({@code docs/PROTOCOL.md#chat-events}):
 *
 * <pre>
 *   wait = handle × position ÷ max(1, agents online)
 * </pre>
 *
 * where {@code handle} is the mean of the site's last {@value #WINDOW} handle times (from an agent
 * taking a conversation to resolving it), measured on this node, or the configured average handle
 * time while the site has none yet.
 *
 * <p>Thread-safe: each site's samples are guarded by their deque.
 */
final class WaitEstimate {
  /** How many recent handle times the mean covers. */
  static final int WINDOW = 20;

  private final Duration prior;
  private final ConcurrentHashMap<String, Deque<Long>> samples = new ConcurrentHashMap<>();

  WaitEstimate(Duration prior) {
    this.prior = prior;
  }

  /** An agent of {@code site} handled a conversation for {@code millis}. */
  void record(String site, long millis) {
    Deque<Long> d = samples.computeIfAbsent(site, s -> new ArrayDeque<>());
    synchronized (d) {
      d.addLast(Math.max(0, millis));
      if (d.size() > WINDOW) {
        d.removeFirst();
      }
    }
  }

  /** The handle time the estimate uses for {@code site} now. */
  Duration handleTime(String site) {
    Deque<Long> d = samples.get(site);
    if (d == null) {
      return prior;
    }
    synchronized (d) {
      return d.isEmpty()
          ? prior
          : Duration.ofMillis((long) d.stream().mapToLong(Long::longValue).average().orElse(0));
    }
  }

  /**
   * Seconds the visitor at {@code position} (from 1) of {@code site} waits with {@code
   * onlineAgents}.
   */
  int seconds(String site, int position, int onlineAgents) {
    return (int) (handleTime(site).toSeconds() * position / Math.max(1, onlineAgents));
  }
}
