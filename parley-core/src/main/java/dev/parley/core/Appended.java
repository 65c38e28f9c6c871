package dev.parley.core;

/**
 * What {@link MessageStore#append} did.
 *
 * @param message the stored message: new, or the earlier one with the same cid
 * @param duplicate true when the cid was already stored and nothing new was written
 */
public record Appended(StoredMessage message, boolean duplicate) {}
