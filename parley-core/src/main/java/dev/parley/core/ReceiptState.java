package dev.parley.core;

/**
 * A participant's cumulative receipt in a conversation: {@code user} has {@code kind} ({@code
 * delivered} or {@code read}) every message up to {@code seq}.
 */
public record ReceiptState(String conversation, String user, String kind, long seq) {}
