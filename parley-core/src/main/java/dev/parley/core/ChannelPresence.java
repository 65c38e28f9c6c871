package dev.parley.core;

import dev.parley.protocol.Push;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Who is present in a conversation, asked from outside any session (the server API's presence
 * query): the count and the first users in ascending order, read from the {@link SharedState} that
 * every node writes, so the answer covers the whole cluster. What {@code presence_list} answers a
 * joined client, without its paging.
 *
 * <p>Thread-safe and stateless; never blocks.
 */
public final class ChannelPresence {
  private final Node node;

  public ChannelPresence(Node node) {
    this.node = node;
  }

  /**
   * The users present in {@code conversation} on any node: their count and the first {@code limit}
   * in ascending order (no {@code ref}, no {@code next}); none where presence is not tracked (its
   * namespace turned it off), the count alone where it is count only ({@link
   * PresencePolicy#lists}). Completes exceptionally when the shared state cannot be read.
   */
  public CompletableFuture<Push.PresenceList> of(String conversation, int limit) {
    if (!node.presencePolicy().tracks(conversation)) {
      return CompletableFuture.completedFuture(
          new Push.PresenceList(null, conversation, 0, List.of(), null));
    }
    String topic = LocalHub.topicOf(conversation);
    SharedState shared = node.sharedState();
    if (!node.presencePolicy().lists(conversation)) {
      return shared
          .presenceCount(topic)
          .thenApply(count -> new Push.PresenceList(null, conversation, count, List.of(), null));
    }
    return shared
        .presentUsers(topic, null, limit)
        .thenCombine(
            shared.presenceCount(topic),
            (users, count) -> new Push.PresenceList(null, conversation, count, users, null));
  }
}
