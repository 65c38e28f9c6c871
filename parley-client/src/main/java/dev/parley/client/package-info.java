/**
 * The Java SDK: {@link dev.parley.client.ParleyClient} keeps the client half of the delivery
 * contract (cid and retry until acked, reconnect with backoff and full jitter, resume from the last
 * contiguous seq, duplicates dropped; an ephemeral channel's position is its (epoch, seq)). The
 * behaviour every SDK follows is written down in {@code docs/CLIENTS.md}.
 *
 * <p>{@code ParleyClient} is the public face; each job is a package-private class of its own,
 * confined to the client's thread: {@code Connection} (states, sockets, reconnects, liveness) with
 * {@code SocketListener} (one socket's frames), {@code Credentials} (token, login, refresh), {@code
 * Outbox} (sends until acked), {@code Positions} (resume, parking, duplicates, epochs; a {@link
 * dev.parley.client.Position} is its public snapshot of one conversation) and {@code Pings}; {@code
 * ClientThread} is that thread.
 */
package dev.parley.client;
