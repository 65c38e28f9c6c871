package dev.parley.chat;

/**
 * A visitor's conversation on a site. Immutable. Its id (a core conversation id) starts with
 * {@link #ID_PREFIX}, which tells the authorizer to check ownership.
 *
 * @param agent the assigned agent's user id, or null
 */
public record ChatConversation(String id, String site, String visitor, ConversationStatus status, String agent,
    long createdAtMillis) {

  /** Every chat conversation id starts with this. */
  public static final String ID_PREFIX = "chat_";

  /** Whether a core conversation id names a chat conversation. */
  public static boolean isChat(String conversationId) {
    return conversationId.startsWith(ID_PREFIX);
  }

  public ChatConversation withStatus(ConversationStatus s, String newAgent) {
    return new ChatConversation(id, site, visitor, s, newAgent, createdAtMillis);
  }
}
