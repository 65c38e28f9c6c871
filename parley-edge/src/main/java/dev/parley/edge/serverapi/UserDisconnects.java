package dev.parley.edge.serverapi;

import dev.parley.core.Broker;
import dev.parley.core.BrokerEvent;
import dev.parley.core.Node;
import dev.parley.core.Session;
import dev.parley.protocol.CloseCode;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes every connection of a user on every node, for the server API's {@code POST
 * /api/v1/users/{user}/disconnect}: the request is published on the broker topic {@value #TOPIC}
 * (the user id as its payload), and each node — this one included, the broker delivers to its own
 * subscribers too — closes its own sessions of that user with {@link CloseCode#DISCONNECTED}. A
 * node that misses the event (a broker outage) leaves that user's sessions there open; the caller
 * may ask again.
 *
 * <p>Made and started by {@link ServerApi#start}; {@link #close} ends the subscription (the
 * broker's closing ends it too). Thread-safe. Events arrive on the broker's threads; closing only
 * asks each connection to close, on its own event loop. Never blocks.
 */
public final class UserDisconnects implements AutoCloseable {
  /** The broker topic of disconnect requests. */
  public static final String TOPIC = "parley-disconnect";

  private static final Logger log = LoggerFactory.getLogger(UserDisconnects.class);

  private final Node node;
  private volatile Broker.Subscription subscription;

  public UserDisconnects(Node node) {
    this.node = node;
  }

  /** Starts following the requests; completes once this node receives them. */
  public CompletableFuture<Void> start() {
    return node.broker().subscribe(TOPIC, this::onEvent).thenAccept(s -> subscription = s);
  }

  /** Asks every node to close {@code user}'s connections; completes once the broker has it. */
  public CompletableFuture<Void> disconnect(String user) {
    return node.broker()
        .publish(
            TOPIC, BrokerEvent.ephemeral("server", null, 0, user.getBytes(StandardCharsets.UTF_8)));
  }

  private void onEvent(BrokerEvent e) {
    String user = new String(e.frame(), StandardCharsets.UTF_8);
    for (Session s : node.sessionsOf(user)) {
      log.info("closing a connection of {}: the server API disconnected them", user);
      s.close(CloseCode.DISCONNECTED);
    }
  }

  @Override
  public void close() {
    Broker.Subscription s = subscription;
    if (s != null) {
      s.unsubscribe();
    }
  }
}
