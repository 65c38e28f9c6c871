package dev.parley.client;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The leaves the server has not answered yet ({@code docs/CLIENTS.md#subscriptions}). The server
 * answers a connection's commands in order, so a {@code joined} that arrives while a {@code leave}
 * of its conversation is unanswered answers a join made before that leave: the client does not take
 * it up (it would hold the position again, and every reconnect would join what the application
 * left). Leaves are counted per conversation, so a join, leave, join, leave in a row drops both
 * answers. A leave made while not connected (a {@code hello} may be on its way, resuming the
 * conversation) goes out after the welcome.
 *
 * <p>Not thread-safe: the client's thread only ({@link ClientThread}).
 */
final class Leaves {
  /** Leaves written on this connection whose {@code left} has not come, by conversation. */
  private final Map<String, Integer> unanswered = new HashMap<>();

  /** Conversations left while not connected: left again after the welcome, in this order. */
  private final Set<String> afterWelcome = new LinkedHashSet<>();

  /**
   * The application leaves {@code conv}: true when the {@code leave} is to be written now ({@code
   * connected}); else it goes out after the next welcome ({@link #welcomed}).
   */
  boolean leave(String conv, boolean connected) {
    if (!connected) {
      afterWelcome.add(conv);
      return false;
    }
    unanswered.merge(conv, 1, Integer::sum);
    return true;
  }

  /** The application joins {@code conv} again: a leave still waiting for the welcome is void. */
  void joining(String conv) {
    afterWelcome.remove(conv);
  }

  /**
   * Whether a {@code joined} of {@code conv} is taken up: not while a leave of it is unanswered.
   */
  boolean takesUp(String conv) {
    return !unanswered.containsKey(conv);
  }

  /** A {@code left} of {@code conv}: one leave answered. */
  void answered(String conv) {
    unanswered.computeIfPresent(conv, (c, n) -> n > 1 ? n - 1 : null);
  }

  /**
   * A welcome on a new connection: nothing of the old one will be answered; the leaves made while
   * not connected are to be written now (and are unanswered from here on).
   */
  List<String> welcomed() {
    unanswered.clear();
    List<String> now = List.copyOf(afterWelcome);
    afterWelcome.clear();
    now.forEach(conv -> leave(conv, true));
    return now;
  }
}
