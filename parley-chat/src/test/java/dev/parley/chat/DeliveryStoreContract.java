package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.DeliveryStore.Attempt;
import dev.parley.chat.DeliveryStore.Delivery;
import dev.parley.chat.DeliveryStore.NewDelivery;
import dev.parley.chat.DeliveryStore.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The guarantees of {@link DeliveryStore}, run against every implementation. */
@Timeout(60)
public abstract class DeliveryStoreContract {
  private static final Duration LEASE = Duration.ofSeconds(30);

  protected DeliveryStore store;

  protected abstract DeliveryStore openStore() throws Exception;

  /** The same store opened again (a restart); null when the implementation keeps nothing. */
  protected DeliveryStore reopen() throws Exception {
    return null;
  }

  @BeforeEach
  void open() throws Exception {
    store = openStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  static NewDelivery delivery(String id, String conv, long at) {
    return new NewDelivery(
        id, "acme", "crm", conv, "message.created", "{\"id\":\"" + id + "\"}", at);
  }

  static List<String> ids(List<Delivery> l) {
    return l.stream().map(Delivery::id).toList();
  }

  @Test
  void onlyTheOldestPendingDeliveryOfAConversationIsClaimed() throws Exception {
    get(
        store.add(
            List.of(
                delivery("d1", "chat_a", 100),
                delivery("d2", "chat_a", 101),
                delivery("d3", "chat_b", 102))));
    List<Delivery> claimed = get(store.claim("n1", 200, LEASE, 10));
    assertThat(ids(claimed)).containsExactly("d1", "d3");
    assertThat(claimed.get(0).status()).isEqualTo(Status.PENDING);
    assertThat(claimed.get(0).body()).isEqualTo("{\"id\":\"d1\"}");
    assertThat(claimed.get(0).seq()).isLessThan(claimed.get(1).seq());

    assertThat(get(store.settle("d1", "n1", new Attempt(Status.DELIVERED, 0, null, 200, 210))))
        .isTrue();
    assertThat(ids(get(store.claim("n1", 220, LEASE, 10)))).containsExactly("d2");
  }

  @Test
  void aLeasedDeliveryIsNotClaimedAgainUntilItsLeaseRunsOut() throws Exception {
    get(store.add(List.of(delivery("d1", "chat_a", 100))));
    assertThat(ids(get(store.claim("n1", 100, LEASE, 10)))).containsExactly("d1");
    assertThat(get(store.claim("n2", 100 + LEASE.toMillis() - 1, LEASE, 10))).isEmpty();
    assertThat(ids(get(store.claim("n2", 100 + LEASE.toMillis(), LEASE, 10))))
        .containsExactly("d1");
    // n1's lease is gone: its late result changes nothing
    assertThat(get(store.settle("d1", "n1", new Attempt(Status.DELIVERED, 0, null, 200, 500))))
        .isFalse();
    assertThat(get(store.settle("d1", "n2", new Attempt(Status.DELIVERED, 0, null, 204, 600))))
        .isTrue();
    Delivery d = get(store.list("acme", 10, Long.MAX_VALUE)).get(0);
    assertThat(d.status()).isEqualTo(Status.DELIVERED);
    assertThat(d.responseCode()).isEqualTo(204);
    assertThat(d.attempts()).isEqualTo(1);
  }

  @Test
  void aFailedAttemptIsDueAgainAtItsRetryTimeAndHoldsBackTheConversation() throws Exception {
    get(store.add(List.of(delivery("d1", "chat_a", 100), delivery("d2", "chat_a", 101))));
    get(store.claim("n1", 100, LEASE, 10));
    assertThat(
            get(store.settle("d1", "n1", new Attempt(Status.PENDING, 5_000, "HTTP 500", 500, 200))))
        .isTrue();
    assertThat(get(store.claim("n1", 4_999, LEASE, 10))).isEmpty();
    List<Delivery> again = get(store.claim("n1", 5_000, LEASE, 10));
    assertThat(ids(again)).containsExactly("d1");
    assertThat(again.get(0).attempts()).isEqualTo(1);
    assertThat(again.get(0).lastError()).isEqualTo("HTTP 500");
    get(store.settle("d1", "n1", new Attempt(Status.FAILED, 0, "gave up", null, 5_100)));
    assertThat(ids(get(store.claim("n1", 5_200, LEASE, 10)))).containsExactly("d2");
  }

  @Test
  void releasedLeasesAreClaimableAtOnceAndTheirOwnersResultsNoLongerCount() throws Exception {
    get(store.add(List.of(delivery("d1", "chat_a", 100), delivery("d2", "chat_b", 100))));
    get(store.claim("n1", 100, LEASE, 1));
    get(store.claim("n2", 100, LEASE, 1));
    assertThat(get(store.release("n1"))).isEqualTo(1);
    assertThat(ids(get(store.claim("n3", 101, LEASE, 10)))).containsExactly("d1");
    assertThat(get(store.settle("d1", "n1", new Attempt(Status.DELIVERED, 0, null, 200, 102))))
        .isFalse();
    assertThat(get(store.settle("d2", "n2", new Attempt(Status.DELIVERED, 0, null, 200, 102))))
        .as("another owner's lease is untouched")
        .isTrue();
  }

  @Test
  void aSettledDeliveryCannotBeSettledAgain() throws Exception {
    get(store.add(List.of(delivery("d1", "chat_a", 100))));
    get(store.claim("n1", 100, LEASE, 10));
    assertThat(get(store.settle("d1", "n1", new Attempt(Status.DELIVERED, 0, null, 200, 110))))
        .isTrue();
    assertThat(get(store.settle("d1", "n1", new Attempt(Status.FAILED, 0, "x", null, 120))))
        .isFalse();
    assertThat(get(store.settle("nope", "n1", new Attempt(Status.FAILED, 0, "x", null, 120))))
        .isFalse();
  }

  @Test
  void theClaimLimitIsKept() throws Exception {
    get(
        store.add(
            List.of(
                delivery("d1", "chat_a", 100),
                delivery("d2", "chat_b", 100),
                delivery("d3", "chat_c", 100))));
    assertThat(ids(get(store.claim("n1", 100, LEASE, 2)))).containsExactly("d1", "d2");
    assertThat(ids(get(store.claim("n2", 100, LEASE, 2)))).containsExactly("d3");
  }

  @Test
  void theLogListsASitesNewestDeliveriesFirstAndPages() throws Exception {
    get(
        store.add(
            List.of(
                delivery("d1", "chat_a", 100),
                new NewDelivery("o1", "other", "crm", "chat_z", "conversation.created", "{}", 100),
                delivery("d2", "chat_b", 101),
                delivery("d3", "chat_c", 102))));
    List<Delivery> page = get(store.list("acme", 2, Long.MAX_VALUE));
    assertThat(ids(page)).containsExactly("d3", "d2");
    assertThat(ids(get(store.list("acme", 2, page.get(1).seq())))).containsExactly("d1");
    assertThat(ids(get(store.list("other", 10, Long.MAX_VALUE)))).containsExactly("o1");
  }

  @Test
  void pruneDeletesOnlyOldSettledDeliveries() throws Exception {
    get(store.add(List.of(delivery("d1", "chat_a", 100), delivery("d2", "chat_b", 100))));
    get(store.claim("n1", 100, LEASE, 10));
    get(store.settle("d1", "n1", new Attempt(Status.DELIVERED, 0, null, 200, 150)));
    assertThat(get(store.prune(150))).isZero();
    assertThat(get(store.prune(151))).isEqualTo(1);
    assertThat(ids(get(store.list("acme", 10, Long.MAX_VALUE)))).containsExactly("d2");
  }

  @Test
  void deletingAConversationsDeliveriesTakesPendingAndSettledOnesOfItOnly() throws Exception {
    get(store.add(List.of(delivery("d1", "chat_a", 100), delivery("d2", "chat_b", 100))));
    get(store.claim("n1", 100, LEASE, 10));
    get(store.settle("d1", "n1", new Attempt(Status.DELIVERED, 0, null, 200, 150)));
    get(store.add(List.of(delivery("d3", "chat_a", 160))));
    assertThat(get(store.deleteConversation("chat_a"))).isEqualTo(2);
    assertThat(ids(get(store.list("acme", 10, Long.MAX_VALUE)))).containsExactly("d2");
    assertThat(get(store.deleteConversation("chat_a"))).isZero();
  }

  @Test
  void pendingDeliveriesSurviveARestart() throws Exception {
    get(store.add(List.of(delivery("d1", "chat_a", 100))));
    get(store.claim("n1", 100, LEASE, 10)); // the node dies holding the lease
    store.close();
    DeliveryStore again = reopen();
    if (again == null) {
      store = new InMemoryDeliveryStore();
      return; // nothing kept: nothing to check
    }
    store = again;
    assertThat(get(store.claim("n2", 100, LEASE, 10))).isEmpty();
    assertThat(ids(get(store.claim("n2", 100 + LEASE.toMillis(), LEASE, 10))))
        .containsExactly("d1");
  }
}
