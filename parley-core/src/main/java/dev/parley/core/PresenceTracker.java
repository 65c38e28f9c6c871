package dev.parley.core;

import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Push;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's presence in the conversations it joined, kept in {@link SharedState} so every node
 * sees it: added on join (with the snapshot a joiner needs: how many are present, the first {@link
 * Push#JOINED_PRESENCE_CAP} of them, the live ephemeral states), renewed every third of its
 * time-to-live, removed on leave and close. When the user's first session comes or its last goes,
 * and the node's {@link PresencePolicy} announces in that conversation, the change goes to the
 * node's {@link PresenceEvents}. Every step costs the same whatever the conversation's size: no
 * step reads the whole presence list. Pages of it are read on demand ({@code presence_list}).
 *
 * <p>Confined to the session's executor except {@link #renew}, which the node's timer calls and
 * which only reads the session's volatile state and starts asynchronous writes.
 */
final class PresenceTracker {
  private static final Logger log = LoggerFactory.getLogger(PresenceTracker.class);

  /** How long a presence entry lives unless renewed; renewed every third of it. */
  static final Duration TTL = Duration.ofSeconds(60);

  /**
   * What a joiner reads from the shared state: the first users present (in order, capped), how many
   * in all, whether this join made its user present, and the live ephemeral states.
   */
  record Snapshot(List<String> users, int count, boolean came, List<byte[]> states) {}

  private final Session session;
  private final Node node;

  PresenceTracker(Session session, Node node) {
    this.session = session;
    this.node = node;
  }

  /**
   * Marks the session present in {@code conv} and reads what a joiner gets. Never fails: without
   * shared state the joiner sees itself alone and no states.
   */
  CompletableFuture<Snapshot> enter(String conv) {
    String topic = LocalHub.topicOf(conv);
    String user = session.principal().user();
    SharedState shared = node.sharedState();
    PresencePolicy policy = node.presencePolicy();
    boolean lists = policy.lists(conv);
    CompletableFuture<Snapshot> present =
        !policy.tracks(conv)
            ? CompletableFuture.completedFuture(new Snapshot(List.of(), 0, false, List.of()))
            : shared
                .presenceAdd(topic, session.id(), user, TTL)
                .thenCompose(
                    change ->
                        !lists
                            ? CompletableFuture.completedFuture(
                                new Snapshot(
                                    List.of(), change.count(), change.changed(), List.of()))
                            : shared
                                .presentUsers(topic, null, Push.JOINED_PRESENCE_CAP)
                                .thenApply(
                                    users ->
                                        new Snapshot(
                                            users,
                                            Math.max(change.count(), users.size()),
                                            change.changed(),
                                            List.of())))
                .exceptionally(
                    err -> {
                      log.warn("presence of {} unavailable", conv, err);
                      return new Snapshot(lists ? List.of(user) : List.of(), 1, false, List.of());
                    });
    return present.thenCombine(
        shared.states(topic).exceptionally(err -> List.of()),
        (p, states) -> new Snapshot(p.users(), p.count(), p.came(), states));
  }

  /** Tells the others in {@code conv} that this user came, if the join made it present. */
  void announce(String conv, Snapshot s) {
    if (s.came() && announces(conv)) {
      node.presenceEvents().changed(conv, session.principal().user(), true, s.count());
    }
  }

  /**
   * This session left {@code conv}: drop its entry; say "offline" if the user has no other session
   * there.
   */
  void leave(String conv) {
    String user = session.principal().user();
    node.sharedState()
        .presenceRemove(LocalHub.topicOf(conv), session.id(), user)
        .thenAccept(
            change -> {
              if (change.changed() && announces(conv)) {
                node.presenceEvents().changed(conv, user, false, change.count());
              }
            })
        .exceptionally(
            err -> {
              log.warn("presence of {} could not be removed", conv, err);
              return null;
            });
  }

  private boolean announces(String conv) {
    PresencePolicy p = node.presencePolicy();
    return p.tracks(conv) && p.lists(conv) && p.announces(conv);
  }

  /**
   * Answers {@code presence_list} (the conversation is joined): a page of the users present, with
   * the count; the count alone (an empty page) where presence is count only. Any thread: the answer
   * is pushed when the reads complete.
   */
  void list(Command.PresenceList c) {
    String topic = LocalHub.topicOf(c.conv());
    int limit = c.limitOrDefault();
    if (!node.presencePolicy().tracks(c.conv())) {
      session.push(new Push.PresenceList(c.ref(), c.conv(), 0, List.of(), null));
      return;
    }
    SharedState shared = node.sharedState();
    CompletableFuture<Push.PresenceList> answer =
        !node.presencePolicy().lists(c.conv())
            ? shared
                .presenceCount(topic)
                .thenApply(
                    count -> new Push.PresenceList(c.ref(), c.conv(), count, List.of(), null))
            : page(c, topic, limit);
    answer.whenComplete(
        (page, err) -> {
          if (err != null) {
            log.warn("presence of {} unavailable", c.conv(), err);
            session.push(
                Push.Error.of(
                        ErrorCode.STORE_UNAVAILABLE,
                        "presence is unavailable; ask again",
                        null,
                        c.ref(),
                        null)
                    .about(c.conv()));
          } else {
            session.push(page);
          }
        });
  }

  /** A page of the users present in {@code c.conv()}, with the count. */
  private CompletableFuture<Push.PresenceList> page(
      Command.PresenceList c, String topic, int limit) {
    SharedState shared = node.sharedState();
    return shared
        .presentUsers(topic, c.after(), limit + 1)
        .thenCombine(
            shared.presenceCount(topic),
            (users, count) ->
                users.size() > limit
                    ? new Push.PresenceList(
                        c.ref(), c.conv(), count, users.subList(0, limit), users.get(limit - 1))
                    : new Push.PresenceList(c.ref(), c.conv(), count, users, null));
  }

  /** Renews the session's entries in {@code conversations}. Any thread: only starts writes. */
  void renew(Iterable<String> conversations) {
    Principal p = session.principal();
    if (p == null) {
      return;
    }
    for (String conv : conversations) {
      if (!node.presencePolicy().tracks(conv)) {
        continue; // an entry made before its namespace turned presence off expires
      }
      node.sharedState().presenceAdd(LocalHub.topicOf(conv), session.id(), p.user(), TTL);
    }
  }
}
