package dev.parley.chat;

import dev.parley.protocol.chat.ChatProtocol;

/**
 * Internal notes: the staff-only companion stream of a chat conversation ({@code
 * docs/PROTOCOL.md#internal-notes}). The notes of conversation {@code chat_X} are the core
 * conversation {@code chat_X:notes}, with its own gapless {@code seq} and the whole delivery
 * contract (ack after durable, {@code cid} dedup, resume by {@code seq}); an agent writes a note
 * with an ordinary {@code send} to it. Only the agents of the conversation's site may join or write
 * it ({@link ChatAccess}); its visitor never can, so the visitor's own stream holds no note and
 * skips no {@code seq}.
 *
 * <p>Static helpers only; thread-safe.
 */
public final class Notes {
  /** What a conversation's id is followed by to name its notes. */
  public static final String SUFFIX = ChatProtocol.NOTES_SUFFIX;

  private Notes() {}

  /** Whether {@code id} names the notes of a chat conversation. */
  public static boolean isNotes(String id) {
    return ChatConversation.isChat(id) && id.endsWith(SUFFIX) && id.length() > SUFFIX.length();
  }

  /** The notes stream of chat conversation {@code conversation}. */
  public static String of(String conversation) {
    return conversation + SUFFIX;
  }

  /** The chat conversation whose notes {@code notes} are ({@link #isNotes} must hold). */
  public static String conversationOf(String notes) {
    return notes.substring(0, notes.length() - SUFFIX.length());
  }
}
