package dev.parley.core;

import dev.parley.protocol.Push;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This node's announcements of users coming to and going from conversations, coalesced per
 * conversation: the first change in a quiet conversation goes out at once as a {@code presence}
 * event; changes in the {@link #WINDOW} after an announcement wait for its end and go out together
 * as one {@code presence_batch} (or one {@code presence} if only one is left), so a crowd joining a
 * conversation costs its subscribers one event per window instead of one per joiner. A user who
 * comes and goes within a window is not announced at all.
 *
 * <p>Bounds: a conversation's pending changes name at most {@link Push#PRESENCE_BATCH_CAP} users;
 * beyond that they are only counted ({@code omitted}). A conversation is tracked only while it had
 * an announcement in the last window (one node timer each).
 *
 * <p>Thread-safe: guarded by its own lock, which is never held while publishing. Called from
 * session executors and the node's completion threads; the window's end runs on the node's timer
 * thread ({@link NodeClock#schedule}) and only publishes (never blocks).
 */
final class PresenceEvents {
  /** How long changes after an announcement wait to go out together. */
  static final Duration WINDOW = Duration.ofMillis(250);

  private final Node node;

  /** Conversations with an announcement in the last window. Guarded by {@code this}. */
  private final Map<String, Pending> recent = new HashMap<>();

  private static final class Pending {
    /** User → online, in arrival order. */
    final LinkedHashMap<String, Boolean> changes = new LinkedHashMap<>();

    int omitted;
    int count;
  }

  PresenceEvents(Node node) {
    this.node = node;
  }

  /** {@code user} came ({@code online}) or went; {@code count} users are present after it. */
  void changed(String conv, String user, boolean online, int count) {
    synchronized (this) {
      Pending p = recent.get(conv);
      if (p != null) {
        p.count = count;
        Boolean before = p.changes.remove(user);
        if (before == null) {
          if (p.changes.size() < Push.PRESENCE_BATCH_CAP) {
            p.changes.put(user, online);
          } else {
            p.omitted++;
          }
        } else if (before == online) {
          p.changes.put(user, online);
        } // else it came and went (or went and came back) within the window: nothing to say
        return;
      }
      recent.put(conv, new Pending());
    }
    single(conv, user, online);
    node.clock().schedule(WINDOW, () -> windowEnded(conv));
  }

  /** The window after an announcement in {@code conv} ended. Timer thread. */
  private void windowEnded(String conv) {
    List<String> joined = new ArrayList<>();
    List<String> left = new ArrayList<>();
    int omitted;
    int count;
    synchronized (this) {
      Pending p = recent.get(conv);
      if (p == null) {
        return;
      }
      if (p.changes.isEmpty() && p.omitted == 0) {
        recent.remove(conv);
        return;
      }
      p.changes.forEach((user, online) -> (online ? joined : left).add(user));
      omitted = p.omitted;
      count = p.count;
      recent.put(conv, new Pending());
    }
    if (omitted == 0 && joined.size() + left.size() == 1) {
      boolean online = left.isEmpty();
      single(conv, online ? joined.get(0) : left.get(0), online);
    } else {
      Push.PresenceBatch batch =
          new Push.PresenceBatch(conv, joined, left, omitted == 0 ? null : omitted, count);
      node.publish(conv, BrokerEvent.ephemeral(null, null, 0, node.encode(batch)));
    }
    node.clock().schedule(WINDOW, () -> windowEnded(conv));
  }

  private void single(String conv, String user, boolean online) {
    node.publish(
        conv, BrokerEvent.aboutOthers(user, node.encode(new Push.Presence(conv, user, online))));
  }
}
