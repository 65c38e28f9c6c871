package dev.parley.bots;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.parley.chat.BusinessHours;
import dev.parley.chat.ChatConversation;
import dev.parley.chat.DeliveryStore;
import dev.parley.chat.DeliveryStore.Delivery;
import dev.parley.chat.DeliveryStore.Status;
import dev.parley.chat.EventWebhook;
import dev.parley.chat.FileLinker;
import dev.parley.chat.InMemoryDeliveryStore;
import dev.parley.chat.IntegrationEvent;
import dev.parley.chat.Site;
import dev.parley.core.ManualClock;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.MessageMeta;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dispatcher against a real HTTP receiver (the JDK's server on an ephemeral port), a stored
 * delivery log in memory and a manual clock: signatures, retries at their backoff, giving up, and
 * order within a conversation.
 */
@Timeout(30)
class WebhookDispatcherTest {
  static final String SECRET = "integration-secret-123";
  static final DeliveryBackoff BACKOFF =
      new DeliveryBackoff(Duration.ofSeconds(10), Duration.ofMinutes(10), 3);

  record Received(String delivery, String event, String signature, byte[] body) {}

  final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
  final DeliveryStore store = new InMemoryDeliveryStore();
  final List<Received> received = new CopyOnWriteArrayList<>();

  /** HTTP statuses the receiver answers next, in order; 204 once they run out. */
  final LinkedBlockingQueue<Integer> answers = new LinkedBlockingQueue<>();

  HttpServer receiver;
  volatile boolean hookEnabled = true;
  final Map<String, Site> sites = new ConcurrentHashMap<>();
  WebhookDispatcher dispatcher;
  EventWebhooks events;

  @BeforeEach
  void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/hooks/parley",
        x -> {
          byte[] body = x.getRequestBody().readAllBytes();
          received.add(
              new Received(
                  x.getRequestHeaders().getFirst("X-Parley-Delivery"),
                  x.getRequestHeaders().getFirst("X-Parley-Event"),
                  x.getRequestHeaders().getFirst("X-Parley-Signature"),
                  body));
          Integer code = answers.poll();
          x.sendResponseHeaders(code == null ? 204 : code, -1);
          x.close();
        });
    receiver.start();
    site(true);
    dispatcher =
        new WebhookDispatcher(
            store,
            sites::get,
            clock,
            new WebhookDispatcher.Config(
                Duration.ofSeconds(1),
                Duration.ofSeconds(60),
                Duration.ofSeconds(5),
                4,
                BACKOFF,
                Duration.ofDays(7)),
            "node-1",
            () -> 0.5);
    events = new EventWebhooks(sites::get, store, 100, () -> {}, FileLinker.NONE);
  }

  void site(boolean enabled) {
    String url = "http://127.0.0.1:" + (receiver == null ? 1 : receiver.getAddress().getPort());
    sites.put(
        "acme",
        new Site("acme", "Acme", List.of(), "Hi", "Bot", 0.5, BusinessHours.always())
            .withEventWebhooks(
                List.of(
                    new EventWebhook(
                        "crm",
                        url + "/hooks/parley",
                        SECRET,
                        Set.of(
                            IntegrationEvent.Type.CONVERSATION_CREATED,
                            IntegrationEvent.Type.MESSAGE_CREATED),
                        enabled))));
  }

  @AfterEach
  void stop() {
    dispatcher.close();
    receiver.stop(0);
  }

  static ChatConversation conv(String id) {
    return ChatConversation.opened(id, "acme", "v_1", 1_000);
  }

  /** Emits {@code n} messages in {@code conv} and stores the deliveries (as the writer would). */
  void messages(String conv, int n) throws Exception {
    for (int i = 1; i <= n; i++) {
      events.emit(
          new IntegrationEvent(
              IntegrationEvent.Type.MESSAGE_CREATED,
              conv(conv),
              new StoredMessage(
                  conv, i, "m_" + i, "v_1", "c" + i, "text", "hello " + i, 2_000, null),
              clock.millis()));
    }
    storeQueued();
  }

  void storeQueued() throws Exception {
    events.start();
    events.close(); // the writer stores what is queued, then ends
    events = new EventWebhooks(sites::get, store, 100, () -> {}, FileLinker.NONE);
  }

  Delivery only() throws Exception {
    List<Delivery> l = store.list("acme", 10, Long.MAX_VALUE).get(5, TimeUnit.SECONDS);
    assertThat(l).hasSize(1);
    return l.get(0);
  }

  int pass() throws Exception {
    return dispatcher.runOnce().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aDeliveryIsPostedSignedForIntegrationsAndRecorded() throws Exception {
    messages("chat_a", 1);
    assertThat(pass()).isEqualTo(1);
    Received r = received.get(0);
    assertThat(r.event()).isEqualTo("message.created");
    assertThat(new String(r.body(), StandardCharsets.UTF_8))
        .contains("\"text\":\"hello 1\"")
        .contains("\"seq\":1")
        .as("a message without meta has no meta field")
        .doesNotContain("\"meta\"");
    WebhookSignature key = WebhookSignature.of(SECRET, WebhookSignature.Direction.TO_INTEGRATION);
    long now = clock.millis() / 1000;
    assertThat(key.check(r.signature(), now, "POST", "/hooks/parley", r.delivery(), r.body()))
        .isEqualTo(WebhookSignature.Verdict.VALID);
    // bound to its direction: the webhook bot's key does not accept it
    assertThat(
            WebhookSignature.of(SECRET, WebhookSignature.Direction.TO_PARLEY)
                .check(r.signature(), now, "POST", "/hooks/parley", r.delivery(), r.body()))
        .isEqualTo(WebhookSignature.Verdict.FORGED);
    Delivery d = only();
    assertThat(d.id()).isEqualTo(r.delivery());
    assertThat(d.status()).isEqualTo(Status.DELIVERED);
    assertThat(d.attempts()).isEqualTo(1);
    assertThat(d.responseCode()).isEqualTo(204);
  }

  @Test
  void aBotAnswersSourcesGoWithItsMessageCreatedEvent() throws Exception {
    MessageMeta meta =
        new MessageMeta(List.of(new MessageMeta.Source("Pricing", "https://x.example/p", null)));
    events.emit(
        new IntegrationEvent(
            IntegrationEvent.Type.MESSAGE_CREATED,
            conv("chat_a"),
            new StoredMessage(
                "chat_a", 1, "m_1", "bot", null, "bot", "From 9 €", 2_000, null, meta),
            clock.millis()));
    storeQueued();
    assertThat(pass()).isEqualTo(1);
    assertThat(new String(received.get(0).body(), StandardCharsets.UTF_8))
        .contains(
            "\"meta\":{\"sources\":[{\"title\":\"Pricing\",\"url\":\"https://x.example/p\"}]}");
  }

  @Test
  void aFailingReceiverGetsTheDeliveryAgainAtEachBackoffUntilItAnswers() throws Exception {
    answers.add(500);
    answers.add(503);
    messages("chat_a", 1);
    assertThat(pass()).isEqualTo(1);
    Delivery d = only();
    assertThat(d.status()).isEqualTo(Status.PENDING);
    assertThat(d.lastError()).isEqualTo("HTTP 500");
    assertThat(d.responseCode()).isEqualTo(500);
    // after the first failure: half of 10 s plus half of the other half (random 0.5) = 7.5 s
    assertThat(d.dueAtMillis() - clock.millis()).isEqualTo(7_500);

    clock.advance(Duration.ofMillis(7_499));
    assertThat(pass()).isZero();
    clock.advance(Duration.ofMillis(1));
    assertThat(pass()).isEqualTo(1);
    d = only();
    assertThat(d.attempts()).isEqualTo(2);
    assertThat(d.lastError()).isEqualTo("HTTP 503");
    assertThat(d.dueAtMillis() - clock.millis()).isEqualTo(15_000); // 10 s + 5 s

    clock.advance(Duration.ofSeconds(15));
    assertThat(pass()).isEqualTo(1);
    d = only();
    assertThat(d.status()).isEqualTo(Status.DELIVERED);
    assertThat(d.attempts()).isEqualTo(3);
    assertThat(received).hasSize(3);
    // the same delivery id every time, each attempt signed anew
    assertThat(received.stream().map(Received::delivery).distinct()).hasSize(1);
  }

  @Test
  void aDeliveryIsGivenUpAfterItsAttempts() throws Exception {
    answers.addAll(List.of(500, 500, 500));
    messages("chat_a", 1);
    pass();
    clock.advance(Duration.ofMinutes(1));
    pass();
    clock.advance(Duration.ofMinutes(1));
    pass();
    Delivery d = only();
    assertThat(d.status()).isEqualTo(Status.FAILED);
    assertThat(d.attempts()).isEqualTo(3);
    clock.advance(Duration.ofHours(1));
    assertThat(pass()).isZero();
  }

  @Test
  void aRefusalOtherThanATemporaryOneIsNotRetried() throws Exception {
    answers.add(400);
    messages("chat_a", 1);
    pass();
    Delivery d = only();
    assertThat(d.status()).isEqualTo(Status.FAILED);
    assertThat(d.responseCode()).isEqualTo(400);
  }

  @Test
  void aConversationsEventsArriveInOrderAFailureHoldingBackTheRest() throws Exception {
    answers.add(503);
    messages("chat_a", 3);
    assertThat(pass()).isEqualTo(1); // only the head of the conversation; it fails
    clock.advance(Duration.ofSeconds(8));
    while (pass() > 0) {
      // each pass sends the conversation's next one
    }
    assertThat(
            received.stream()
                .map(r -> new String(r.body(), StandardCharsets.UTF_8))
                .map(b -> b.replaceAll(".*\"seq\":(\\d+).*", "$1")))
        .containsExactly("1", "1", "2", "3");
  }

  @Test
  void aDisabledWebhooksPendingDeliveriesFail() throws Exception {
    messages("chat_a", 1);
    site(false);
    pass();
    Delivery d = only();
    assertThat(d.status()).isEqualTo(Status.FAILED);
    assertThat(d.lastError()).contains("disabled");
    assertThat(received).isEmpty();
  }

  @Test
  void whenTheQueueIsFullADeliveryIsDroppedAndCounted() throws Exception {
    AtomicInteger storedBatches = new AtomicInteger();
    EventWebhooks small =
        new EventWebhooks(sites::get, store, 2, storedBatches::incrementAndGet, FileLinker.NONE);
    for (int i = 1; i <= 3; i++) {
      small.emit(
          new IntegrationEvent(
              IntegrationEvent.Type.CONVERSATION_CREATED, conv("chat_" + i), null, 1));
    }
    assertThat(small.dropped()).isEqualTo(1);
    assertThat(small.queued()).isEqualTo(2);
    small.start().close();
    assertThat(store.list("acme", 10, Long.MAX_VALUE).get(5, TimeUnit.SECONDS)).hasSize(2);
    assertThat(storedBatches).hasValue(1);
  }

  @Test
  void eventsTheWebhookDoesNotSubscribeToAreNotDelivered() throws Exception {
    events.emit(
        new IntegrationEvent(
            IntegrationEvent.Type.CONVERSATION_RESOLVED, conv("chat_a"), null, clock.millis()));
    storeQueued();
    assertThat(store.list("acme", 10, Long.MAX_VALUE).get(5, TimeUnit.SECONDS)).isEmpty();
  }
}
