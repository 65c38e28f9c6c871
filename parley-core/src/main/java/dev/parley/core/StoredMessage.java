package dev.parley.core;

import dev.parley.protocol.MessageMeta;

/**
 * A message as the store holds it. Immutable. An erased message stays at its seq as a tombstone:
 * kind and sender {@value #ERASED}, empty text, no cid (docs/PROTOCOL.md#erased-messages).
 *
 * @param conversation conversation id
 * @param seq gapless position in the conversation, from 1, assigned at durable write
 * @param id server-made message id, unique across conversations
 * @param sender user id of the author
 * @param cid the author's client id, or null for server-made messages
 * @param kind {@code text} for people's messages; other kinds belong to higher layers
 * @param text the body
 * @param createdAtMillis server time of the write, epoch milliseconds
 * @param status null for a complete message; {@code stopped} or {@code interrupted} for a streamed
 *     answer that did not finish
 * @param meta what the message carries besides its text (a bot answer's sources), or null when it
 *     carries nothing (an empty meta is kept as null)
 */
public record StoredMessage(
    String conversation,
    long seq,
    String id,
    String sender,
    String cid,
    String kind,
    String text,
    long createdAtMillis,
    String status,
    MessageMeta meta) {

  public StoredMessage {
    meta = meta == null || meta.isEmpty() ? null : meta;
  }

  /** A message without meta. */
  public StoredMessage(
      String conversation,
      long seq,
      String id,
      String sender,
      String cid,
      String kind,
      String text,
      long createdAtMillis,
      String status) {
    this(conversation, seq, id, sender, cid, kind, text, createdAtMillis, status, null);
  }

  /** The kind and the sender of a tombstone. */
  public static final String ERASED = "erased";

  /**
   * This message erased: same conversation, seq, id and time; nothing of what was said, no meta.
   */
  public StoredMessage tombstone() {
    return new StoredMessage(
        conversation, seq, id, ERASED, null, ERASED, "", createdAtMillis, null);
  }

  /** Whether this is a tombstone. */
  public boolean isErased() {
    return ERASED.equals(kind);
  }
}
