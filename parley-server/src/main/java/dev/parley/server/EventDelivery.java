package dev.parley.server;

import dev.parley.bots.EventWebhooks;
import dev.parley.bots.WebhookDispatcher;
import dev.parley.chat.DeliveryStore;
import dev.parley.chat.Directory;
import dev.parley.core.MessageStore;
import dev.parley.core.NodeClock;
import dev.parley.edge.ChatAuthenticator;
import dev.parley.edge.admin.Configuration;
import dev.parley.edge.admin.DeliveryLogApi;
import dev.parley.protocol.http.HttpApi;
import dev.parley.store.jdbc.JdbcDeliveryStore;
import dev.parley.store.jdbc.PostgresMessageStore;
import dev.parley.store.jdbc.SqliteMessageStore;
import java.util.UUID;

/**
 * The event webhooks, assembled: the delivery log on the messages' database ({@link
 * JdbcDeliveryStore}), the {@link WebhookDispatcher} that sends what is due, and {@link
 * EventWebhooks}, the chat layer's integration events port that fills the log.
 *
 * <p>Start-up and {@link #close} on the server's thread; {@link #close} stores what is queued, then
 * stops the dispatcher and the store.
 */
final class EventDelivery implements AutoCloseable {
  private final DeliveryStore store;
  private final WebhookDispatcher dispatcher;
  private final EventWebhooks events;

  EventDelivery(
      ServerConfig config,
      MessageStore messages,
      PostgresMessageStore.Options postgres,
      Directory directory,
      NodeClock clock,
      MicrometerMetrics metrics) {
    this.store =
        messages instanceof SqliteMessageStore sq
            ? JdbcDeliveryStore.onSqlite(sq)
            : JdbcDeliveryStore.onPostgres(postgres);
    this.dispatcher =
        new WebhookDispatcher(
                store, directory::site, clock, config.eventDelivery(), "node-" + UUID.randomUUID())
            .start();
    this.events =
        new EventWebhooks(directory::site, store, config.eventQueue(), dispatcher::wake).start();
    metrics.bindEvents(this);
  }

  /** The admin API's delivery log in front of {@code next}. */
  DeliveryLogApi logApi(HttpApi next, ChatAuthenticator auth, Configuration configuration) {
    return new DeliveryLogApi(next, auth, configuration, store);
  }

  /** The delivery log (data protection deletes a conversation's deliveries there). */
  DeliveryStore store() {
    return store;
  }

  /** The chat layer's port. */
  EventWebhooks events() {
    return events;
  }

  /** The dispatcher (its counts are metrics). */
  WebhookDispatcher dispatcher() {
    return dispatcher;
  }

  @Override
  public void close() {
    events.close();
    dispatcher.close();
    store.close();
  }
}
