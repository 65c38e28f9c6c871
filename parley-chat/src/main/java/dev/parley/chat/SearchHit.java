package dev.parley.chat;

import java.util.List;

/**
 * One message that matched a {@link SearchQuery}, with the conversation it belongs to. Immutable.
 *
 * @param conversation the chat conversation ({@code chat_…}), also for a note
 * @param note whether the message is an internal note (its stream is {@code conversation +
 *     ":notes"})
 * @param seq the message's seq in its stream: where the transcript (or the notes) should open
 * @param messageId the stored message's id
 * @param sender who wrote it
 * @param kind {@code text} or {@code bot}
 * @param text what it says
 * @param createdAtMillis when it was stored (epoch ms)
 * @param site the conversation's site
 * @param visitor the conversation's visitor
 * @param status the conversation's status now
 * @param agent the conversation's assigned agent, or null
 * @param labels the conversation's labels
 */
public record SearchHit(
    String conversation,
    boolean note,
    long seq,
    String messageId,
    String sender,
    String kind,
    String text,
    long createdAtMillis,
    String site,
    String visitor,
    ConversationStatus status,
    String agent,
    List<String> labels) {

  /** Copies the labels. */
  public SearchHit {
    labels = labels == null ? List.of() : List.copyOf(labels);
  }

  /** The position after which the next page starts. */
  public SearchQuery.After after() {
    return new SearchQuery.After(
        createdAtMillis, note ? Notes.of(conversation) : conversation, seq);
  }
}
