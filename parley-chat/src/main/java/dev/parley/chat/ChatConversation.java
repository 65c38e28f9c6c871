package dev.parley.chat;

import java.util.List;

/**
 * A visitor's conversation on a site, as the {@link ChatStore} holds it. Immutable. Its id (a core
 * conversation id) starts with {@link #ID_PREFIX}, which tells the access rules to check ownership.
 *
 * @param agent the assigned agent's user id, or null
 * @param createdAtMillis when it was opened (epoch ms)
 * @param updatedAtMillis when its status or agent last changed (epoch ms)
 * @param version raised by one with every change, so a late or stale copy never replaces a newer
 *     one in the shared status cache
 * @param labels the agents' labels, sorted, distinct, each of {@code a-z 0-9 -} (at most 10; never
 *     null)
 */
public record ChatConversation(
    String id,
    String site,
    String visitor,
    ConversationStatus status,
    String agent,
    long createdAtMillis,
    long updatedAtMillis,
    long version,
    List<String> labels) {

  /** Copies the labels; none is an empty list. */
  public ChatConversation {
    labels = labels == null ? List.of() : List.copyOf(labels);
  }

  /** A conversation without labels. */
  public ChatConversation(
      String id,
      String site,
      String visitor,
      ConversationStatus status,
      String agent,
      long createdAtMillis,
      long updatedAtMillis,
      long version) {
    this(id, site, visitor, status, agent, createdAtMillis, updatedAtMillis, version, List.of());
  }

  /** Whether this is the tombstone of a deleted conversation ({@link ChatStore#delete}). */
  public boolean deleted() {
    return visitor.equals(ChatStore.deletedVisitor(id));
  }

  /** Every chat conversation id starts with this. */
  public static final String ID_PREFIX = "chat_";

  /** Whether a core conversation id names a chat conversation. */
  public static boolean isChat(String conversationId) {
    return conversationId.startsWith(ID_PREFIX);
  }

  /** A conversation just opened with the bot. */
  public static ChatConversation opened(String id, String site, String visitor, long nowMillis) {
    return new ChatConversation(
        id, site, visitor, ConversationStatus.BOT, null, nowMillis, nowMillis, 1);
  }

  /**
   * This conversation moved to {@code s} with {@code newAgent} at {@code nowMillis}: the next
   * version.
   */
  public ChatConversation moved(ConversationStatus s, String newAgent, long nowMillis) {
    return new ChatConversation(
        id, site, visitor, s, newAgent, createdAtMillis, nowMillis, version + 1, labels);
  }

  /**
   * This conversation with {@code newLabels}: the next version; its {@code updatedAtMillis} (the
   * queue's order) stays.
   */
  public ChatConversation labelled(List<String> newLabels) {
    return new ChatConversation(
        id, site, visitor, status, agent, createdAtMillis, updatedAtMillis, version + 1, newLabels);
  }
}
