package dev.parley.core;

import dev.parley.protocol.MessageMeta;

/**
 * A message to store. Immutable.
 *
 * @param conversation conversation id
 * @param sender user id of the author
 * @param cid client id; the store keeps at most one message per (conversation, sender, cid). Null
 *     for server-made messages, which are never de-duplicated.
 * @param kind message kind, {@code text} for people's messages
 * @param text the body
 * @param createdAtMillis server time, epoch milliseconds
 * @param id the message id to use (a streamed answer keeps the id its stream had), or null for a
 *     new one
 * @param status null, or {@code stopped} / {@code interrupted} for an answer that did not finish
 * @param meta what the message carries besides its text, or null (docs/PROTOCOL.md#message-meta);
 *     only the server sets it: a bot answer's sources
 */
public record AppendRequest(
    String conversation,
    String sender,
    String cid,
    String kind,
    String text,
    long createdAtMillis,
    String id,
    String status,
    MessageMeta meta) {

  public AppendRequest {
    meta = meta == null || meta.isEmpty() ? null : meta;
  }

  /** This message as the store keeps it once it has placed it at {@code seq} with {@code id}. */
  public StoredMessage storedAt(long seq, String id) {
    return new StoredMessage(
        conversation, seq, id, sender, cid, kind, text, createdAtMillis, status, meta);
  }

  /** A message without meta. */
  public AppendRequest(
      String conversation,
      String sender,
      String cid,
      String kind,
      String text,
      long createdAtMillis,
      String id,
      String status) {
    this(conversation, sender, cid, kind, text, createdAtMillis, id, status, null);
  }

  /** A message with a new id and no status. */
  public AppendRequest(
      String conversation,
      String sender,
      String cid,
      String kind,
      String text,
      long createdAtMillis) {
    this(conversation, sender, cid, kind, text, createdAtMillis, null, null);
  }
}
