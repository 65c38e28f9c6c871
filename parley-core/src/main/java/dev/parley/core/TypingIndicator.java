package dev.parley.core;

import dev.parley.protocol.Command;
import dev.parley.protocol.Push;
import java.util.HashMap;
import java.util.Map;

/**
 * One session's typing indicators: ephemeral state {@code typing:<user>} per conversation, with a
 * lease of {@code typingTtl} that clients renew by typing. A client may send "on" at every
 * keystroke; it is passed on at most once per third of the lease, which keeps the lease alive.
 * Indicators still on when the session leaves or closes are turned off.
 *
 * <p>Not thread-safe: confined to the session's executor. Times come from the node's clock.
 */
final class TypingIndicator {
  private final Session session;
  private final Node node;

  /** Conversations where the indicator is on, with when it was last published; null until used. */
  private Map<String, Long> on;

  TypingIndicator(Session session, Node node) {
    this.session = session;
    this.node = node;
  }

  void typing(Command.Typing t) {
    long now = node.clock().nanoTime();
    if (t.on()) {
      if (on == null) {
        on = new HashMap<>();
      }
      Long last = on.get(t.conv());
      if (last != null && now - last < node.config().typingTtl().toNanos() / 3) {
        return; // the indicator is on and its lease is fresh
      }
      on.put(t.conv(), now);
    } else if (on == null || on.remove(t.conv()) == null) {
      return;
    }
    publish(t.conv(), t.on());
  }

  /** The session left {@code conv}: its indicator there goes off. */
  void left(String conv) {
    if (on != null && on.remove(conv) != null) {
      publish(conv, false);
    }
  }

  /** The session closed: every indicator goes off. */
  void close() {
    if (on != null) {
      on.keySet().forEach(conv -> publish(conv, false));
      on = null;
    }
  }

  private void publish(String conv, boolean isOn) {
    long ttl = isOn ? node.config().typingTtl().toMillis() : 0;
    String user = session.principal().user();
    byte[] frame = node.encode(new Push.Typing(conv, user, isOn, ttl));
    node.publish(conv, BrokerEvent.ephemeral(user, "typing:" + user, ttl, frame));
  }
}
