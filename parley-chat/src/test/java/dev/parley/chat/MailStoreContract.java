package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.MailStore.Attempt;
import dev.parley.chat.MailStore.Kind;
import dev.parley.chat.MailStore.Mail;
import dev.parley.chat.MailStore.NewMail;
import dev.parley.chat.MailStore.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The guarantees of {@link MailStore}, run against every implementation. */
@Timeout(60)
public abstract class MailStoreContract {
  private static final Duration LEASE = Duration.ofSeconds(30);

  protected MailStore store;

  protected abstract MailStore openStore() throws Exception;

  /** The same store opened again (a restart); null when the implementation keeps nothing. */
  protected MailStore reopen() throws Exception {
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

  static NewMail mail(String id, String conv, Kind kind, long at, long due) {
    return new NewMail(id, "acme", conv, kind, "ana@example.com", "Subject", id, at, due, null);
  }

  static List<String> ids(List<Mail> l) {
    return l.stream().map(Mail::id).toList();
  }

  @Test
  void aContactIsKeptPerConversationAndReplaced() throws Exception {
    assertThat(get(store.contactOf("chat_a"))).isEmpty();
    get(store.setContact("chat_a", "acme", "ana@example.com", 1));
    get(store.setContact("chat_a", "acme", "ana@example.org", 2));
    assertThat(get(store.contactOf("chat_a"))).contains("ana@example.org");
    assertThat(get(store.contactOf("chat_b"))).isEmpty();
  }

  @Test
  void repliesBatchIntoTheUntriedMailOfTheirConversationUntilItIsClaimed() throws Exception {
    assertThat(get(store.queue(mail("m1", "chat_a", Kind.REPLY, 100, 200), "one"))).isTrue();
    assertThat(get(store.queue(mail("m2", "chat_a", Kind.REPLY, 110, 210), "two"))).isFalse();
    assertThat(get(store.queue(mail("m3", "chat_b", Kind.REPLY, 120, 220), "three"))).isTrue();
    assertThat(get(store.claim("n1", 150, LEASE, 10))).as("not due yet").isEmpty();
    List<Mail> due = get(store.claim("n1", 200, LEASE, 10));
    assertThat(ids(due)).containsExactly("m1");
    assertThat(due.get(0).text()).isEqualTo("m1\n\ntwo");
    assertThat(due.get(0).dueAtMillis()).as("the batch keeps its due time").isEqualTo(200);
    assertThat(get(store.queue(mail("m4", "chat_a", Kind.REPLY, 160, 260), "four")))
        .as("a claimed mail takes no more")
        .isTrue();
    assertThat(get(store.queue(mail("t1", "chat_a", Kind.TRANSCRIPT, 170, 170), null))).isTrue();
    assertThat(ids(get(store.list("acme", 10, Long.MAX_VALUE))))
        .containsExactly("t1", "m4", "m3", "m1");
  }

  @Test
  void claimsAreLeasesAndOnlyTheOwnerSettles() throws Exception {
    get(store.queue(mail("m1", "chat_a", Kind.TRANSCRIPT, 100, 100), null));
    assertThat(ids(get(store.claim("n1", 100, LEASE, 10)))).containsExactly("m1");
    assertThat(get(store.claim("n2", 101, LEASE, 10))).as("leased to n1").isEmpty();
    Attempt failed = new Attempt(Status.PENDING, 5_000, "MailConnectException", 102);
    assertThat(get(store.settle("m1", "n2", failed))).isFalse();
    assertThat(get(store.settle("m1", "n1", failed))).isTrue();
    Mail m = get(store.list("acme", 10, Long.MAX_VALUE)).get(0);
    assertThat(m.attempts()).isEqualTo(1);
    assertThat(m.lastError()).isEqualTo("MailConnectException");
    assertThat(m.status()).isEqualTo(Status.PENDING);
    assertThat(get(store.claim("n2", 4_999, LEASE, 10))).as("backing off").isEmpty();
    assertThat(ids(get(store.claim("n2", 5_000, LEASE, 10)))).containsExactly("m1");
    assertThat(get(store.release("n2"))).isEqualTo(1);
    assertThat(ids(get(store.claim("n3", 5_001, LEASE, 10)))).as("released").containsExactly("m1");
    assertThat(get(store.settle("m1", "n3", new Attempt(Status.SENT, 0, null, 5_002)))).isTrue();
    assertThat(get(store.settle("m1", "n3", new Attempt(Status.SENT, 0, null, 5_003))))
        .as("settled once")
        .isFalse();
    assertThat(get(store.prune(5_003))).isEqualTo(1);
    assertThat(get(store.list("acme", 10, Long.MAX_VALUE))).isEmpty();
  }

  @Test
  void aRefusedMailIsStoredFailedAndCountsTowardsTheLimits() throws Exception {
    NewMail refused =
        new NewMail(
            "r1", "acme", "chat_a", Kind.REPLY, "a@b.cd", "S", "x", 100, 100, "over the cap");
    get(store.queue(refused, "x"));
    Mail m = get(store.list("acme", 10, Long.MAX_VALUE)).get(0);
    assertThat(m.status()).isEqualTo(Status.FAILED);
    assertThat(m.lastError()).isEqualTo("over the cap");
    assertThat(get(store.claim("n1", 1_000, LEASE, 10))).isEmpty();
    get(store.queue(mail("t1", "chat_a", Kind.TRANSCRIPT, 200, 200), null));
    get(store.queue(mail("t2", "chat_b", Kind.TRANSCRIPT, 300, 300), null));
    assertThat(get(store.count("acme", null, null, 100))).isEqualTo(3);
    assertThat(get(store.count("acme", null, null, 101))).isEqualTo(2);
    assertThat(get(store.count("acme", "chat_a", Kind.TRANSCRIPT, 0))).isEqualTo(1);
    assertThat(get(store.count("other", null, null, 0))).isZero();
  }

  @Test
  void pendingMailSurvivesARestart() throws Exception {
    get(store.setContact("chat_a", "acme", "ana@example.com", 1));
    get(store.queue(mail("m1", "chat_a", Kind.REPLY, 100, 100), "one"));
    MailStore again = reopen();
    if (again == null) {
      return;
    }
    store.close();
    store = again;
    assertThat(get(store.contactOf("chat_a"))).contains("ana@example.com");
    assertThat(ids(get(store.claim("n1", 100, LEASE, 10)))).containsExactly("m1");
  }

  @Test
  void forgettingAConversationDeletesItsAddressAndItsMailsOnly() throws Exception {
    get(store.setContact("chat_a", "acme", "ana@example.com", 1));
    get(store.setContact("chat_b", "acme", "bo@example.com", 1));
    get(store.queue(mail("m1", "chat_a", Kind.REPLY, 1, 1), null));
    get(store.queue(mail("m2", "chat_a", Kind.TRANSCRIPT, 2, 2), null));
    get(store.queue(mail("m3", "chat_b", Kind.REPLY, 3, 3), null));
    assertThat(get(store.forget("chat_a"))).isEqualTo(2);
    assertThat(get(store.contactOf("chat_a"))).isEmpty();
    assertThat(get(store.contactOf("chat_b"))).contains("bo@example.com");
    assertThat(ids(get(store.list("acme", 10, Long.MAX_VALUE)))).containsExactly("m3");
    assertThat(get(store.forget("chat_a"))).isZero();
  }
}
