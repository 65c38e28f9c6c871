package dev.parley.bots;

import dev.parley.chat.ChatConversation;
import dev.parley.chat.DeliveryStore;
import dev.parley.chat.EventWebhook;
import dev.parley.chat.FileLinker;
import dev.parley.chat.IntegrationEvent;
import dev.parley.chat.IntegrationEvents;
import dev.parley.chat.Rating;
import dev.parley.chat.Site;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.http.Json;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat layer's {@link IntegrationEvents}, for a site's event webhooks: each event becomes one
 * delivery per enabled webhook of its site that subscribes to it (its JSON body made here, once),
 * put on a bounded queue; one writer thread stores the queued deliveries in batches ({@link
 * DeliveryStore#add}) and wakes the {@link WebhookDispatcher}.
 *
 * <p>{@link #emit} runs on the chat's threads (event loops included) and never blocks: when the
 * queue is full the delivery is dropped, counted ({@link #dropped}) and logged (the first, then
 * every 1000th). Events of one conversation are queued in the order they were emitted and stored in
 * that order, which is the order they are sent in.
 *
 * <p>Threads: the writer {@code parley-event-writer} (a platform daemon thread, started by {@link
 * #start}); it alone takes from the queue.
 */
public final class EventWebhooks implements IntegrationEvents, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventWebhooks.class);

  /** How many queued deliveries the writer stores in one transaction at most. */
  private static final int BATCH = 256;

  private final Function<String, Site> sites;
  private final DeliveryStore store;
  private final BlockingQueue<DeliveryStore.NewDelivery> queue;
  private final Runnable stored;
  private final FileLinker links;
  private final SecureRandom random = new SecureRandom();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private final Thread writer;

  /** Set by {@link #close}: the writer stores what is left and ends. */
  private volatile boolean closing;

  /**
   * @param sites the live site of an id (null when it is gone or disabled)
   * @param queueCapacity deliveries waiting to be stored at most
   * @param stored called on the writer thread after each stored batch (wakes the dispatcher)
   * @param links makes the signed links of a message's attachments ({@code message.attachments})
   */
  public EventWebhooks(
      Function<String, Site> sites,
      DeliveryStore store,
      int queueCapacity,
      Runnable stored,
      FileLinker links) {
    this.links = links;
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("the event queue needs room for at least one delivery");
    }
    this.sites = sites;
    this.store = store;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.stored = stored;
    this.writer = Thread.ofPlatform().name("parley-event-writer").daemon(true).unstarted(this::run);
  }

  /** Starts the writer thread. */
  public EventWebhooks start() {
    writer.start();
    return this;
  }

  @Override
  public void emit(IntegrationEvent e) {
    Site site = sites.apply(e.site());
    if (site == null) {
      return;
    }
    for (EventWebhook hook : site.eventWebhooks()) {
      if (!hook.wants(e.type())) {
        continue;
      }
      String id = newId();
      DeliveryStore.NewDelivery d =
          new DeliveryStore.NewDelivery(
              id,
              site.id(),
              hook.id(),
              e.conversation().id(),
              e.type().wire(),
              new String(body(id, hook, e, links), StandardCharsets.UTF_8),
              e.atMillis());
      if (!queue.offer(d)) {
        long n = dropped.incrementAndGet();
        if (n == 1 || n % 1000 == 0) {
          log.warn(
              "event queue full: dropped the {} delivery {} of site {} ({} dropped so far)",
              e.type().wire(),
              id,
              site.id(),
              n);
        }
      }
    }
  }

  /** Deliveries dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Deliveries lost because the store refused them (logged each time). */
  public long lost() {
    return lost.get();
  }

  /** Deliveries waiting to be stored. */
  public int queued() {
    return queue.size();
  }

  /**
   * The JSON body of one delivery: {@code delivery}, {@code event}, {@code webhook}, {@code site},
   * {@code createdAt}, the {@code conversation} and, for {@code message.created}, the {@code
   * message} (with {@code attachments}: the files it carries with signed links, made now and valid
   * for 15 minutes, so a delivery retried later carries expired links); for {@code
   * conversation.rated}, the {@code rating} (docs/OPERATIONS.md#event-webhooks).
   */
  static byte[] body(String delivery, EventWebhook hook, IntegrationEvent e, FileLinker links) {
    ChatConversation c = e.conversation();
    Map<String, Object> conv = new LinkedHashMap<>();
    conv.put("id", c.id());
    conv.put("status", c.status().wire());
    conv.put("visitor", c.visitor());
    conv.put("agent", c.agent());
    conv.put("createdAt", c.createdAtMillis());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("delivery", delivery);
    body.put("event", e.type().wire());
    body.put("webhook", hook.id());
    body.put("site", c.site());
    body.put("createdAt", e.atMillis());
    body.put("conversation", conv);
    StoredMessage m = e.message();
    if (m != null) {
      Map<String, Object> msg = new LinkedHashMap<>();
      msg.put("id", m.id());
      msg.put("seq", m.seq());
      msg.put("sender", m.sender());
      msg.put("kind", m.kind());
      msg.put("text", m.text());
      msg.put("createdAt", m.createdAtMillis());
      msg.put("status", m.status());
      if (m.meta() != null) {
        msg.put("meta", m.meta()); // docs/PROTOCOL.md#message-meta: absent when empty
        if (!m.meta().attachments().isEmpty()) {
          msg.put("attachments", links.describe(m.meta()));
        }
      }
      body.put("message", msg);
    }
    Rating r = e.rating();
    if (r != null) {
      Map<String, Object> rating = new LinkedHashMap<>();
      rating.put("value", r.wire());
      rating.put("comment", r.comment());
      rating.put("ratedAt", r.ratedAtMillis());
      body.put("rating", rating);
    }
    return Json.write(body);
  }

  private String newId() {
    byte[] b = new byte[12];
    random.nextBytes(b);
    return "d_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The writer: takes what is queued, stores it in batches, wakes the dispatcher. */
  private void run() {
    List<DeliveryStore.NewDelivery> batch = new ArrayList<>(BATCH);
    try {
      while (!closing || !queue.isEmpty()) {
        DeliveryStore.NewDelivery first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        try {
          store.add(batch).join();
          stored.run();
        } catch (RuntimeException e) {
          lost.addAndGet(batch.size());
          log.error("could not store {} event deliveries; they are lost", batch.size(), e);
        }
        batch.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing, and the store did not answer in time
    }
  }

  /**
   * Stores what is queued (waiting up to 2 s), then stops the writer. Deliveries stored are not
   * lost: the dispatcher of this or another node sends them.
   */
  @Override
  public void close() {
    closing = true;
    if (!writer.isAlive()) {
      return;
    }
    try {
      writer.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writer.interrupt();
  }
}
