package dev.parley.client;

/**
 * Where a client stands in one conversation ({@code docs/CLIENTS.md#resume-and-de-duplication}):
 * the highest contiguous {@code seq} it holds (-1 while unknown) and, for an ephemeral channel
 * ({@code docs/PROTOCOL.md#ephemeral-channels}), the {@code epoch} that seq belongs to (null for a
 * durable conversation). An application that keeps it across a restart resumes exactly where it was
 * with {@link ParleyClient#join(String, long, String) join(conv, seq, epoch)}.
 *
 * <p>Immutable and thread-safe: a snapshot, taken on the client's thread.
 *
 * @param seq the highest contiguous seq held, or -1
 * @param epoch the ephemeral channel's epoch {@code seq} belongs to, or null
 */
public record Position(long seq, String epoch) {}
