package dev.parley.edge.serverapi;

import dev.parley.core.AppendRequest;
import dev.parley.core.Node;
import dev.parley.core.StoredMessage;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes the server API's messages into channels, through the core's own send path ({@link
 * Node#append}: the store assigns the {@code seq}, then the broker fans the {@code message} event
 * out to every node), exactly as a client's {@code send} does, with the sender {@value #SENDER} and
 * the kind {@value #KIND}.
 *
 * <p>An idempotency key is the message's {@code cid}: the store keeps at most one message per
 * (channel, sender, cid), on every node alike since the store is shared, so a retried publish
 * stores nothing new and answers the first one's {@code seq}. A retry whose data differs from the
 * stored message is refused with {@code idempotency_key_reused} (and nothing is published). Keys
 * are per channel: the same key in another channel is another message.
 *
 * <p>Thread-safe and stateless; never blocks.
 */
final class Publisher {
  /** The sender of every server API message: its {@code from}. */
  static final String SENDER = "server";

  /**
   * The kind of every server API message. A client's {@code send} is always {@code text}, so a
   * subscriber trusts {@code kind}, not {@code from}: a user may be named {@code server} too.
   */
  static final String KIND = "server";

  private final Node node;

  Publisher(Node node) {
    this.node = node;
  }

  /**
   * Stores and fans out {@code data} in {@code channel} (checked by the caller); completes with the
   * stored message, or exceptionally: {@link ServerApiError} {@code idempotency_key_reused}, or the
   * store's or broker's failure.
   */
  CompletableFuture<StoredMessage> publish(String channel, String data, String idempotencyKey) {
    return node.append(
            new AppendRequest(channel, SENDER, idempotencyKey, KIND, data, node.clock().millis()))
        .thenApply(
            a -> {
              if (a.duplicate() && !Objects.equals(a.message().text(), data)) {
                throw ServerApiError.idempotencyKeyReused(channel);
              }
              return a.message();
            });
  }
}
