package dev.parley.core;

import dev.parley.protocol.Push;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's presence in the conversations it joined, kept in {@link SharedState} so every node
 * sees it: added on join (with the snapshot a joiner needs: who is present, the live ephemeral
 * states), renewed every third of its time-to-live, removed on leave and close — with a {@code
 * presence} event when the user's last session there went.
 *
 * <p>Confined to the session's executor except {@link #renew}, which the node's timer calls and
 * which only reads the session's volatile state and starts asynchronous writes.
 */
final class PresenceTracker {
  private static final Logger log = LoggerFactory.getLogger(PresenceTracker.class);

  /** How long a presence entry lives unless renewed; renewed every third of it. */
  static final Duration TTL = Duration.ofSeconds(60);

  /** What a joiner reads from the shared state: who is present, and the live ephemeral states. */
  record Snapshot(List<String> users, List<byte[]> states) {}

  private final Session session;
  private final Node node;

  PresenceTracker(Session session, Node node) {
    this.session = session;
    this.node = node;
  }

  /**
   * Marks the session present in {@code conv} and reads what a joiner gets: the users present (this
   * one included) and the live states. Never fails: without shared state the joiner sees itself
   * alone and no states.
   */
  CompletableFuture<Snapshot> enter(String conv) {
    String topic = LocalHub.topicOf(conv);
    String user = session.principal().user();
    SharedState shared = node.sharedState();
    CompletableFuture<Map<String, String>> present =
        shared
            .presenceAdd(topic, session.id(), user, TTL)
            .thenCompose(ok -> shared.presence(topic))
            .exceptionally(
                err -> {
                  log.warn("presence of {} unavailable", conv, err);
                  return Map.of(session.id(), user);
                });
    return present.thenCombine(
        shared.states(topic).exceptionally(err -> List.of()),
        (p, states) -> new Snapshot(p.values().stream().distinct().sorted().toList(), states));
  }

  /** Tells the others in {@code conv} that this user is online there. */
  void announce(String conv) {
    String user = session.principal().user();
    node.publish(
        conv, BrokerEvent.aboutOthers(user, node.encode(new Push.Presence(conv, user, true))));
  }

  /**
   * This session left {@code conv}: drop its entry; say "offline" if the user has no other session
   * there.
   */
  void leave(String conv) {
    String topic = LocalHub.topicOf(conv);
    String user = session.principal().user();
    node.sharedState()
        .presenceRemove(topic, session.id())
        .thenCompose(v -> node.sharedState().presence(topic))
        .thenAccept(
            present -> {
              if (!present.containsValue(user)) {
                node.publish(
                    conv,
                    BrokerEvent.aboutOthers(
                        user, node.encode(new Push.Presence(conv, user, false))));
              }
            });
  }

  /** Renews the session's entries in {@code conversations}. Any thread: only starts writes. */
  void renew(Iterable<String> conversations) {
    Principal p = session.principal();
    if (p == null) {
      return;
    }
    for (String conv : conversations) {
      node.sharedState().presenceAdd(LocalHub.topicOf(conv), session.id(), p.user(), TTL);
    }
  }
}
