package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Command;
import dev.parley.protocol.Push;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The outbox on a fake clock, writing to a recording wire. */
class OutboxTest {
  static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);
  final AtomicLong nanos = new AtomicLong(1_000);
  final List<Command> wire = new ArrayList<>();
  final Outbox outbox = new Outbox(ACK_TIMEOUT, nanos::get, wire::add);

  CompletableFuture<Push.Ack> add(String cid, boolean connected) {
    CompletableFuture<Push.Ack> f = new CompletableFuture<>();
    outbox.add(cid, "c", "text " + cid, f, connected);
    return f;
  }

  List<String> cidsWritten() {
    return wire.stream().map(c -> ((Command.Send) c).cid()).toList();
  }

  void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  static Push.Error error(String cid, boolean retry) {
    return new Push.Error(retry ? "rate_limited" : "forbidden", "no", cid, null, retry, null, null);
  }

  static ParleyException failure(CompletableFuture<?> f) {
    try {
      f.get();
      throw new AssertionError("completed normally");
    } catch (ExecutionException e) {
      return (ParleyException) e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aSendWhileConnectedIsWrittenAtOnceAndOneWhileOfflineWaitsForTheWelcome() {
    add("a", true);
    add("b", false);
    assertThat(wire).containsExactly(new Command.Send(null, "a", "c", "text a"));
    assertThat(outbox.size()).isEqualTo(2);
  }

  @Test
  void afterAWelcomeEveryWaitingSendIsWrittenAgainOldestFirst() {
    add("a", true);
    add("b", false);
    add("c", false);
    wire.clear();
    outbox.sendAll();
    assertThat(cidsWritten()).containsExactly("a", "b", "c");
  }

  @Test
  void onlySendsWaitingLongerThanTheAckTimeoutAreWrittenAgain() {
    add("old", true);
    advance(Duration.ofSeconds(6));
    add("new", true);
    wire.clear();
    advance(Duration.ofSeconds(4)); // "old" has waited exactly the time-out: not overdue yet
    outbox.resendOverdue();
    assertThat(wire).isEmpty();
    advance(Duration.ofMillis(1));
    outbox.resendOverdue();
    assertThat(cidsWritten()).containsExactly("old");
    advance(Duration.ofSeconds(6)); // "new" is overdue now; "old" was written again 6 s ago
    outbox.resendOverdue();
    assertThat(cidsWritten()).containsExactly("old", "new");
  }

  @Test
  void anAckSettlesItsSendOnly() throws Exception {
    CompletableFuture<Push.Ack> a = add("a", true);
    CompletableFuture<Push.Ack> b = add("b", true);
    Push.Ack ack = new Push.Ack(null, "a", "c", 7, "m7", 70);
    outbox.acked(ack);
    outbox.acked(new Push.Ack(null, "unknown", "c", 8, "m8", 80));
    assertThat(a.get()).isEqualTo(ack);
    assertThat(b).isNotDone();
    assertThat(outbox.size()).isEqualTo(1);
  }

  @Test
  void theClientsOwnMessageSettlesItsSendAsTheAckWould() throws Exception {
    CompletableFuture<Push.Ack> a = add("a", true);
    outbox.ownMessage(new Push.Message("c", 4, "m4", "me", "text", "text a", 40, "a", null));
    assertThat(a.get()).isEqualTo(new Push.Ack(null, "a", "c", 4, "m4", 40));
    assertThat(outbox.size()).isZero();
  }

  @Test
  void aRetryableErrorKeepsTheSendAndRestartsItsAckTimeout() {
    CompletableFuture<Push.Ack> a = add("a", true);
    advance(Duration.ofSeconds(8));
    assertThat(outbox.refused(error("a", true))).isTrue();
    wire.clear();
    advance(Duration.ofSeconds(8)); // 16 s after the write, 8 s after the refusal
    outbox.resendOverdue();
    assertThat(wire).isEmpty();
    advance(Duration.ofSeconds(3));
    outbox.resendOverdue();
    assertThat(cidsWritten()).containsExactly("a");
    assertThat(a).isNotDone();
  }

  @Test
  void aRefusalWithRetryAfterHoldsEverySendThatLongThenWritesThemInOrder() {
    add("a", true);
    add("b", true);
    outbox.refused(
        new Push.Error("rate_limited", "no", "a", null, true, null, null, 30_000L)); // 30 s
    outbox.refused(
        new Push.Error("store_unavailable", "no", "b", null, true, null, null, 1_000L)); // shorter
    wire.clear();
    add("c", true); // during the hold: not written
    outbox.sendAll(); // a reconnect during the hold: not written either
    advance(Duration.ofSeconds(29));
    outbox.resendOverdue();
    assertThat(wire).as("nothing before the longest wait is over").isEmpty();
    advance(Duration.ofSeconds(1));
    outbox.resendOverdue();
    assertThat(cidsWritten()).as("then all, oldest first").containsExactly("a", "b", "c");
    add("d", true);
    assertThat(cidsWritten()).as("the hold is over").endsWith("d");
  }

  @Test
  void aRefusalForGoodFailsTheSendWithTheServersCode() {
    CompletableFuture<Push.Ack> a = add("a", true);
    assertThat(outbox.refused(error("a", false))).isTrue();
    assertThat(failure(a).code()).isEqualTo("forbidden");
    assertThat(outbox.size()).isZero();
  }

  @Test
  void anErrorThatNamesNoWaitingSendIsNotTheOutboxs() {
    add("a", true);
    assertThat(outbox.refused(error("other", false))).isFalse();
    assertThat(outbox.refused(error(null, false))).isFalse();
    assertThat(outbox.size()).isEqualTo(1);
  }

  @Test
  void theSameCidWhileItWaitsIsOneSendWithOneAck() throws Exception {
    CompletableFuture<Push.Ack> first = add("a", true);
    CompletableFuture<Push.Ack> again = add("a", true);
    assertThat(cidsWritten()).containsExactly("a");
    assertThat(outbox.size()).isEqualTo(1);
    Push.Ack ack = new Push.Ack(null, "a", "c", 1, "m1", 10);
    outbox.acked(ack);
    assertThat(first.get()).isEqualTo(ack);
    assertThat(again.get()).isEqualTo(ack);
  }

  @Test
  void failAllFailsEveryWaitingSendWithClosed() {
    CompletableFuture<Push.Ack> a = add("a", true);
    CompletableFuture<Push.Ack> again = add("a", true);
    CompletableFuture<Push.Ack> b = add("b", false);
    outbox.failAll("gave up");
    assertThat(List.of(failure(a), failure(again), failure(b)))
        .extracting(ParleyException::code)
        .containsOnly("closed");
    assertThat(failure(b)).hasMessageContaining("gave up");
    assertThat(outbox.size()).isZero();
  }
}
