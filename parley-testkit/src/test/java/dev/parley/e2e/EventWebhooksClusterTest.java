package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.parley.bots.DeliveryBackoff;
import dev.parley.bots.WebhookDispatcher;
import dev.parley.chat.BusinessHours;
import dev.parley.chat.DeliveryStore;
import dev.parley.chat.EventWebhook;
import dev.parley.chat.IntegrationEvent;
import dev.parley.chat.Site;
import dev.parley.core.NodeClock;
import dev.parley.store.jdbc.CommitListener;
import dev.parley.store.jdbc.JdbcDeliveryStore;
import dev.parley.store.jdbc.PostgresMessageStore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes' dispatchers on one PostgreSQL delivery log, claiming at the same time: every delivery
 * reaches the receiver exactly once, and each conversation's in the order they were added, though
 * the receiver fails some posts at random.
 */
@Timeout(120)
class EventWebhooksClusterTest {
  static final String SECRET = "cluster-secret-0123456";
  static final int CONVERSATIONS = 6;
  static final int PER_CONVERSATION = 10;

  final String schema = "parley_events_" + Long.toHexString(System.nanoTime());
  final PostgresMessageStore.Options options =
      PostgresMessageStore.Options.of(ClusterTest.PG_URL, ClusterTest.PG_USER, null)
          .withSchema(schema);
  final ObjectMapper json = new ObjectMapper();
  final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    try (Connection c = DriverManager.getConnection(ClusterTest.PG_URL, ClusterTest.PG_USER, null);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  <T extends AutoCloseable> T open(T t) {
    opened.add(t);
    return t;
  }

  @Test
  void twoNodesSendEachDeliveryOnceAndEachConversationInOrder() throws Exception {
    open(PostgresMessageStore.open(options, CommitListener.NONE)); // migrates the schema
    Map<String, List<Long>> seen = new ConcurrentHashMap<>();
    List<String> ids = new CopyOnWriteArrayList<>();
    AtomicInteger posts = new AtomicInteger();
    HttpServer receiver =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/hook",
        x -> {
          byte[] body = x.getRequestBody().readAllBytes();
          int status = posts.incrementAndGet() % 7 == 0 ? 503 : 204; // some fail
          if (status == 204) {
            var b = json.readTree(body);
            ids.add(x.getRequestHeaders().getFirst("X-Parley-Delivery"));
            seen.computeIfAbsent(
                    b.get("conversation").get("id").asText(), k -> new CopyOnWriteArrayList<>())
                .add(b.get("message").get("seq").asLong());
          }
          x.sendResponseHeaders(status, -1);
          x.close();
        });
    receiver.start();
    opened.add(() -> receiver.stop(0));
    Site site =
        new Site("acme", "Acme", List.of(), "Hi", "Bot", 0.5, BusinessHours.always())
            .withEventWebhooks(
                List.of(
                    new EventWebhook(
                        "crm",
                        "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                        SECRET,
                        Set.of(IntegrationEvent.Type.MESSAGE_CREATED),
                        true)));

    DeliveryStore writer = open(JdbcDeliveryStore.onPostgres(options));
    List<DeliveryStore.NewDelivery> all = new ArrayList<>();
    for (int n = 1; n <= PER_CONVERSATION; n++) {
      for (int c = 1; c <= CONVERSATIONS; c++) {
        String id = "d_" + c + "_" + n;
        all.add(
            new DeliveryStore.NewDelivery(
                id,
                "acme",
                "crm",
                "chat_" + c,
                "message.created",
                "{\"conversation\":{\"id\":\"chat_" + c + "\"},\"message\":{\"seq\":" + n + "}}",
                System.currentTimeMillis()));
      }
    }
    writer.add(all).get(10, TimeUnit.SECONDS);

    NodeClock clock = open(NodeClock.system("events-cluster-timer"));
    WebhookDispatcher.Config config =
        new WebhookDispatcher.Config(
            Duration.ofMillis(100),
            Duration.ofSeconds(60),
            Duration.ofSeconds(5),
            4,
            new DeliveryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), 20),
            Duration.ofDays(1));
    for (String node : List.of("node-a", "node-b")) {
      DeliveryStore store = open(JdbcDeliveryStore.onPostgres(options));
      open(new WebhookDispatcher(store, s -> site, clock, config, node).start());
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> ids.size() >= CONVERSATIONS * PER_CONVERSATION);
    assertThat(ids).doesNotHaveDuplicates().hasSize(CONVERSATIONS * PER_CONVERSATION);
    List<Long> inOrder = new ArrayList<>();
    for (long n = 1; n <= PER_CONVERSATION; n++) {
      inOrder.add(n);
    }
    assertThat(seen).hasSize(CONVERSATIONS);
    seen.values().forEach(l -> assertThat(l).containsExactlyElementsOf(inOrder));
    assertThat(writer.list("acme", 100, Long.MAX_VALUE).get(10, TimeUnit.SECONDS))
        .extracting(DeliveryStore.Delivery::status)
        .containsOnly(DeliveryStore.Status.DELIVERED);
    assertThat(posts.get()).isGreaterThan(CONVERSATIONS * PER_CONVERSATION); // some were retried
  }
}
