package dev.parley.server;

import dev.parley.bots.DeliveryBackoff;
import dev.parley.bots.EventWebhooks;
import dev.parley.bots.HttpChannelProxy;
import dev.parley.bots.SmtpMail;
import dev.parley.bots.WebhookDispatcher;
import dev.parley.chat.ChatLayer;
import dev.parley.chat.DeliveryStore;
import dev.parley.chat.Directory;
import dev.parley.chat.FileLinker;
import dev.parley.chat.MailPolicy;
import dev.parley.chat.MailStore;
import dev.parley.core.MessageStore;
import dev.parley.core.NodeClock;
import dev.parley.edge.ChatAuthenticator;
import dev.parley.edge.admin.Configuration;
import dev.parley.edge.admin.DeliveryLogApi;
import dev.parley.edge.admin.MailLogApi;
import dev.parley.protocol.http.HttpApi;
import dev.parley.store.jdbc.JdbcDeliveryStore;
import dev.parley.store.jdbc.JdbcMailStore;
import dev.parley.store.jdbc.PostgresMessageStore;
import dev.parley.store.jdbc.SqliteMessageStore;
import java.time.Duration;
import java.util.UUID;

/**
 * The event webhooks, assembled: the delivery log on the messages' database ({@link
 * JdbcDeliveryStore}), the {@link WebhookDispatcher} that sends what is due, and {@link
 * EventWebhooks}, the chat layer's integration events port that fills the log. And away mail, the
 * other way out of the chat: the mail outbox on the same database ({@link JdbcMailStore}) and
 * {@link SmtpMail}, the chat layer's mail port that sends it (off without an SMTP host). And the
 * namespaces' proxies to the applications' backends ({@link HttpChannelProxy}): the chat layer asks
 * them before joins and sends.
 *
 * <p>Start-up and {@link #close} on the server's thread; {@link #close} stores what is queued, then
 * stops the dispatcher and the store.
 */
final class EventDelivery implements AutoCloseable {
  private final DeliveryStore store;
  private final WebhookDispatcher dispatcher;
  private final EventWebhooks events;
  private final MailStore mailStore;
  private final SmtpMail mail;
  private final HttpChannelProxy channelProxy;
  private final Duration batchWindow;

  /** Away mail's retries: 8 attempts, the first retry within 30 s, at most an hour apart. */
  static final DeliveryBackoff MAIL_BACKOFF =
      new DeliveryBackoff(Duration.ofSeconds(30), Duration.ofHours(1), 8);

  EventDelivery(
      IntegrationConfig config,
      MessageStore messages,
      PostgresMessageStore.Options postgres,
      Directory directory,
      NodeClock clock,
      MicrometerMetrics metrics,
      FileLinker links) {
    this.store =
        messages instanceof SqliteMessageStore sq
            ? JdbcDeliveryStore.onSqlite(sq)
            : JdbcDeliveryStore.onPostgres(postgres);
    this.dispatcher =
        new WebhookDispatcher(
                store, directory::site, clock, config.eventDelivery(), "node-" + UUID.randomUUID())
            .start();
    this.events =
        new EventWebhooks(directory::site, store, config.eventQueue(), dispatcher::wake, links)
            .start();
    this.batchWindow = config.smtp().batchWindow();
    this.mailStore =
        messages instanceof SqliteMessageStore sq
            ? JdbcMailStore.onSqlite(sq)
            : JdbcMailStore.onPostgres(postgres);
    this.mail =
        new SmtpMail(
                mailStore,
                clock,
                SmtpMail.Config.of(config.smtp(), MAIL_BACKOFF, config.eventDelivery().keepLog()),
                "node-" + UUID.randomUUID())
            .start();
    this.channelProxy = new HttpChannelProxy(clock);
    metrics.bindEvents(this);
  }

  /** Gives {@code chat} these ports: integration events, their log, away mail, channel proxies. */
  ChatLayer plugInto(ChatLayer chat) {
    return chat.integrationEvents(events)
        .deliveries(store)
        .mail(mailStore, mail, mailPolicy())
        .channelProxy(channelProxy);
  }

  /** The admin API's delivery log and mail log in front of {@code next}. */
  DeliveryLogApi logApi(HttpApi next, ChatAuthenticator auth, Configuration configuration) {
    return new DeliveryLogApi(
        new MailLogApi(next, auth, configuration, mailStore), auth, configuration, store);
  }

  /** Away mail's outbox. */
  MailStore mailStore() {
    return mailStore;
  }

  /** The chat layer's mail port. */
  SmtpMail mail() {
    return mail;
  }

  /** Away mail's limits: the defaults, with the batch window of {@code config.smtp()}. */
  MailPolicy mailPolicy() {
    MailPolicy d = MailPolicy.defaults();
    return new MailPolicy(batchWindow, d.transcriptsPerHour(), d.siteMailsPerHour());
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
    channelProxy.close();
    events.close();
    dispatcher.close();
    mail.close();
    store.close();
    mailStore.close();
  }
}
