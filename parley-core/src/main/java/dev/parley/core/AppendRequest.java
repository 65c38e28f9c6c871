package dev.parley.core;

/**
 * A message to store. Immutable.
 *
 * @param conversation conversation id
 * @param sender user id of the author
 * @param cid client id; the store keeps at most one message per (conversation, sender, cid).
 *     Null for server-made messages, which are never de-duplicated.
 * @param kind message kind, {@code text} for people's messages
 * @param text the body
 * @param createdAtMillis server time, epoch milliseconds
 */
public record AppendRequest(
    String conversation, String sender, String cid, String kind, String text, long createdAtMillis) {}
