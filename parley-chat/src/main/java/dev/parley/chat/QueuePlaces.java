package dev.parley.chat;

import dev.parley.core.Node;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Where a queued visitor stands: its place in its site's queue (longest waiting first), the wait
 * {@link WaitEstimate} gives for it, and a note when the team is away. Remembers the place last
 * announced per conversation, so a place is announced when it changes and only then.
 *
 * <p>Thread-safe: the last places are a {@link ConversationMemo}; reads are asynchronous.
 */
final class QueuePlaces {
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEEE HH:mm z");

  /** A queued conversation's place: from 1, the estimated wait, and why it waits (or null). */
  record Place(int position, int waitSeconds, String note) {}

  private final Node node;
  private final Directory directory;
  private final Conversations conversations;
  private final WaitEstimate estimate;
  private final ConversationMemo<Place> announced = new ConversationMemo<>();

  QueuePlaces(Node node, Directory directory, Conversations conversations, WaitEstimate estimate) {
    this.node = node;
    this.directory = directory;
    this.conversations = conversations;
    this.estimate = estimate;
  }

  /** Most agents of one site counted online (the first, by user id). */
  static final int MAX_ONLINE_AGENTS = 10_000;

  /** The agents of {@code site} online on any node, by user id, sorted. */
  CompletableFuture<List<String>> onlineAgents(String site) {
    return node.sharedState()
        .presentUsers("conv:" + ConversationLifecycle.AGENTS_TOPIC + site, null, MAX_ONLINE_AGENTS)
        .thenApply(
            present ->
                present.stream()
                    .filter(
                        u -> {
                          Agent a = directory.agent(u);
                          return a != null && a.sites().contains(site);
                        })
                    .sorted()
                    .toList());
  }

  /** {@code c}'s place now (it must be queued; a conversation no longer queued is at 0). */
  CompletableFuture<Place> placeOf(ChatConversation c) {
    return conversations
        .list(c.site(), ConversationStatus.QUEUED)
        .thenCombine(
            onlineAgents(c.site()),
            (queued, online) -> {
              int position = 0;
              for (int i = 0; i < queued.size(); i++) {
                if (queued.get(i).id().equals(c.id())) {
                  position = i + 1;
                }
              }
              return place(c.site(), position, online.size());
            });
  }

  /** The place of the visitor at {@code position} of {@code site} with {@code online} agents. */
  Place place(String site, int position, int online) {
    Site s = directory.site(site);
    Instant now = Instant.ofEpochMilli(node.clock().millis());
    String note =
        s == null || s.hours().isOpen(now)
            ? null
            : "away until " + WHEN.format(s.hours().nextOpening(now));
    return new Place(position, estimate.seconds(site, position, online), note);
  }

  /**
   * Remembers {@code p} as announced for {@code conv}; false when it is what was announced last.
   */
  boolean announce(String conv, Place p) {
    return !p.equals(announced.put(conv, p));
  }

  /** The place last announced for {@code conv}, or null. */
  Place last(String conv) {
    return announced.get(conv);
  }

  /** {@code conv} left the queue. */
  void forget(String conv) {
    announced.remove(conv);
  }

  /** The places last announced, for tests and gauges. */
  Map<String, Place> announced() {
    return announced.snapshot();
  }
}
