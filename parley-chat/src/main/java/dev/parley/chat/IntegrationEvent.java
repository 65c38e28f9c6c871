package dev.parley.chat;

import dev.parley.core.StoredMessage;
import java.util.Locale;

/**
 * Something that happened in a chat conversation that an integration (a CRM, Slack, ticketing) may
 * want to hear of, as the chat layer hands it to {@link IntegrationEvents}. Immutable.
 *
 * @param type what happened
 * @param conversation the conversation after it happened (its status, agent and visitor)
 * @param message the stored message, for {@link Type#MESSAGE_CREATED}; null otherwise
 * @param rating the visitor's rating, for {@link Type#CONVERSATION_RATED}; null otherwise
 * @param atMillis when, the node's wall clock, epoch milliseconds
 */
public record IntegrationEvent(
    Type type, ChatConversation conversation, StoredMessage message, Rating rating, long atMillis) {

  /** An event without a rating. */
  public IntegrationEvent(
      Type type, ChatConversation conversation, StoredMessage message, long atMillis) {
    this(type, conversation, message, null, atMillis);
  }

  /** The events a site's webhooks subscribe to. */
  public enum Type {
    /** A visitor's conversation was created (its first message or request). */
    CONVERSATION_CREATED,
    /** A message was stored: the visitor's, an agent's or the bot's (system notes are not). */
    MESSAGE_CREATED,
    /** The conversation went to the agents' queue. */
    CONVERSATION_HANDED_OFF,
    /** An agent took the conversation, or it was transferred to another. */
    CONVERSATION_ASSIGNED,
    /** The conversation was resolved (closed). */
    CONVERSATION_RESOLVED,
    /** The visitor rated the resolved conversation (again: a new event, the rating replaced). */
    CONVERSATION_RATED;

    /** The name on the wire: {@code conversation.created}, {@code message.created}, … */
    public String wire() {
      String n = name().toLowerCase(Locale.ROOT);
      int cut = n.indexOf('_');
      return n.substring(0, cut) + "." + n.substring(cut + 1);
    }

    /** The type named {@code wire}; IllegalArgumentException naming the choices otherwise. */
    public static Type ofWire(String wire) {
      for (Type t : values()) {
        if (t.wire().equals(wire)) {
          return t;
        }
      }
      throw new IllegalArgumentException(
          "must be one of conversation.created, message.created, conversation.handed_off, "
              + "conversation.assigned, conversation.resolved, conversation.rated");
    }
  }

  /** The site the conversation belongs to. */
  public String site() {
    return conversation.site();
  }
}
