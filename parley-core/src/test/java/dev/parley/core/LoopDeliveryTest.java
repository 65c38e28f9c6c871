package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Push;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fan-out's batches, with real collaborators (in-memory store and broker, a manual clock) and
 * recording connections that share one loop, as connections share an event loop: a burst becomes
 * one batch per loop, delivered in seq order to every subscriber, flushed once per subscriber.
 */
@Timeout(30)
class LoopDeliveryTest {
  final ExecutorService loop = Executors.newSingleThreadExecutor();
  final ManualClock clock = new ManualClock();
  InMemoryMessageStore store;
  Node node;
  final List<RecordingConnection> conns = new ArrayList<>();
  final List<Session> sessions = new ArrayList<>();

  /** The node's {@code messagesDelivered} calls, as "subscribers/millis". */
  final Queue<String> deliveredCalls = new ConcurrentLinkedQueue<>();

  /** Whether {@link #deliveries} throws (after recording the call). */
  volatile boolean failCounts;

  final CoreMetrics deliveries =
      new CoreMetrics() {
        @Override
        public void messagesDelivered(int subscribers, long millis) {
          deliveredCalls.add(subscribers + "/" + millis);
          if (failCounts) {
            throw new IllegalStateException("metrics failed (LoopDeliveryTest.failCounts)");
          }
        }
      };

  @BeforeEach
  void setUp() throws Exception {
    store = new InMemoryMessageStore();
    node =
        Node.builder()
            .store(store)
            .broker(new InMemoryBroker())
            .authenticator(new AnonymousTokens(new byte[32]))
            .clock(clock)
            .metrics(deliveries)
            .build();
    for (int i = 0; i < 3; i++) {
      RecordingConnection c = new RecordingConnection(loop);
      Session s = node.open(c);
      c.command(s, "{\"type\":\"hello\"}");
      c.next(Push.Welcome.class);
      c.command(s, "{\"type\":\"join\",\"conv\":\"c\"}");
      c.nextOf(Push.Joined.class);
      conns.add(c);
      sessions.add(s);
    }
    for (int i = 0; i < conns.size(); i++) {
      // An open channel announces no joins by default (PresencePolicy): nothing else is sent.
      conns.get(i).assertNothingMoreBefore(sessions.get(i));
      conns.get(i).takeCalls();
    }
  }

  @AfterEach
  void tearDown() {
    node.close();
    store.close();
    loop.shutdownNow();
  }

  /** Appends {@code n} messages from a user with no session here, as another node's sender. */
  void append(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      int k = appended++;
      node.append(new AppendRequest("c", "other", "cid" + k, "text", "m" + k, 1))
          .get(5, TimeUnit.SECONDS);
    }
  }

  /**
   * Waits until every join's catch-up is over: a message that arrives while one still reads the
   * store is parked and replayed from the store as a page (writes and a send), not batched. One
   * message (seq 1), received by all, then a fence on the loop (after the page's afterWrite), says
   * so.
   */
  void catchUpsOver() throws Exception {
    append(1);
    for (int i = 0; i < conns.size(); i++) {
      assertThat(conns.get(i).next(Push.Message.class).seq()).isEqualTo(1);
      conns.get(i).assertNothingMoreBefore(sessions.get(i));
      conns.get(i).takeCalls();
    }
  }

  /**
   * Keeps the loop busy until the latch is counted down, so that what is published meanwhile waits
   * in the loop's queue and is drained as one batch.
   */
  CountDownLatch holdTheLoop() {
    CountDownLatch busy = new CountDownLatch(1);
    loop.execute(
        () -> {
          try {
            busy.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    return busy;
  }

  /** How many messages {@link #append} sent: each gets a cid of its own. */
  int appended;

  @Test
  void aBurstPublishedWhileTheLoopIsBusyIsOneBatchFlushedOncePerSubscriberInSeqOrder()
      throws Exception {
    catchUpsOver();
    CountDownLatch busy = holdTheLoop();
    append(5);
    busy.countDown();

    for (RecordingConnection c : conns) {
      for (long seq = 2; seq <= 6; seq++) {
        assertThat(c.next(Push.Message.class).seq()).isEqualTo(seq);
      }
    }
    conns.get(0).drainLoop();
    for (RecordingConnection c : conns) {
      assertThat(c.takeCalls())
          .as("five writes held back, then one flush")
          .containsExactly("write", "write", "write", "write", "write", "flush");
    }
    for (int i = 0; i < conns.size(); i++) {
      conns.get(i).assertNothingMoreBefore(sessions.get(i));
    }
  }

  @Test
  void eachSubscriberGetsTheWholeBatchAndItsFlushBeforeTheNextSubscriberGetsAnything()
      throws Exception {
    catchUpsOver();
    Queue<String> order = new ConcurrentLinkedQueue<>();
    for (int i = 0; i < conns.size(); i++) {
      conns.get(i).logCallsTo(order, "s" + i);
    }
    CountDownLatch busy = holdTheLoop();
    append(2);
    busy.countDown();
    for (RecordingConnection c : conns) {
      assertThat(c.next(Push.Message.class).seq()).isEqualTo(2);
      assertThat(c.next(Push.Message.class).seq()).isEqualTo(3);
    }
    conns.get(0).drainLoop();
    assertThat(order)
        .as("one connection at a time, while it is in the cache: its writes, then its flush")
        .containsExactly(
            "s0:write",
            "s0:write",
            "s0:flush",
            "s1:write",
            "s1:write",
            "s1:flush",
            "s2:write",
            "s2:write",
            "s2:flush");
  }

  @Test
  void aBatchCountsEachMessageOnceForAllOfTheLoopsSubscribersWithTheLatencyTheyShare()
      throws Exception {
    catchUpsOver();
    deliveredCalls.clear();
    CountDownLatch busy = holdTheLoop();
    append(2); // created at 1 ms
    clock.advance(Duration.ofMillis(40));
    long latency = clock.millis() - 1;
    busy.countDown();
    for (RecordingConnection c : conns) {
      c.next(Push.Message.class);
      c.next(Push.Message.class);
    }
    conns.get(0).drainLoop();
    assertThat(deliveredCalls)
        .as("two messages to three subscribers: two records of three, not six of one")
        .containsExactly("3/" + latency, "3/" + latency);
  }

  @Test
  void ephemeralEventsAreWrittenButNotCountedAsDeliveredMessages() throws Exception {
    catchUpsOver();
    deliveredCalls.clear();
    conns.get(0).command(sessions.get(0), "{\"type\":\"typing\",\"conv\":\"c\",\"on\":true}");
    for (RecordingConnection c : conns.subList(1, 3)) {
      assertThat(c.next(Push.Typing.class).on()).isTrue();
    }
    conns.get(0).drainLoop();
    assertThat(conns.get(1).takeCalls()).containsExactly("write", "flush");
    assertThat(deliveredCalls).isEmpty();
  }

  @Test
  void aSubscriberWhoseFlushFailsTakesNothingFromTheOthersOrFromLaterBatches() throws Exception {
    catchUpsOver();
    deliveredCalls.clear();
    conns.get(1).failFlushes(); // the middle one of the loop
    CountDownLatch busy = holdTheLoop();
    append(2); // one batch: the first subscriber's flush throws
    busy.countDown();
    for (RecordingConnection c : conns) {
      assertThat(c.next(Push.Message.class).seq()).isEqualTo(2);
      assertThat(c.next(Push.Message.class).seq()).isEqualTo(3);
    }
    conns.get(0).drainLoop();
    for (RecordingConnection c : List.of(conns.get(0), conns.get(2))) {
      assertThat(c.takeCalls()).containsExactly("write", "write", "flush");
    }
    assertThat(deliveredCalls).hasSize(2).allMatch(call -> call.startsWith("3/"));

    append(1); // a later batch
    for (RecordingConnection c : conns) {
      assertThat(c.next(Push.Message.class).seq()).isEqualTo(4);
    }
    conns.get(0).drainLoop();
    for (RecordingConnection c : List.of(conns.get(0), conns.get(2))) {
      assertThat(c.takeCalls()).containsExactly("write", "flush");
    }
  }

  @Test
  void eventsLeftQueuedGetTheirDrainEvenWhenADrainThrows() throws Exception {
    catchUpsOver();
    failCounts = true;
    CountDownLatch busy = holdTheLoop();
    int n = LoopDelivery.MAX_BATCH + 10;
    append(n); // two drains' worth; the first one's count throws
    busy.countDown();
    for (RecordingConnection c : conns) {
      for (long seq = 2; seq <= n + 1; seq++) {
        assertThat(c.next(Push.Message.class).seq()).isEqualTo(seq);
      }
    }
  }

  @Test
  void aLoneMessageIsWrittenAndFlushedAtOnce() throws Exception {
    catchUpsOver();
    append(1);
    for (RecordingConnection c : conns) {
      assertThat(c.next(Push.Message.class).seq()).isEqualTo(2);
    }
    conns.get(0).drainLoop();
    for (RecordingConnection c : conns) {
      assertThat(c.takeCalls()).containsExactly("write", "flush");
    }
  }

  @Test
  void aSubscriberThatLeftGetsNothingMoreAndTheOthersStillGetEverything() throws Exception {
    conns.get(0).command(sessions.get(0), "{\"type\":\"leave\",\"conv\":\"c\"}");
    conns.get(0).next(Push.Left.class);
    append(3);
    for (RecordingConnection c : conns.subList(1, 3)) {
      for (long seq = 1; seq <= 3; seq++) {
        assertThat(c.nextOf(Push.Message.class).seq()).isEqualTo(seq);
      }
    }
    conns.get(0).takeCalls();
    conns.get(0).assertNothingMoreBefore(sessions.get(0));
    assertThat(conns.get(0).takeCalls()).doesNotContain("write");
  }

  @Test
  void moreThanOneBatchOfEventsIsHandedOutInOrderAcrossDrains() throws Exception {
    CountDownLatch busy = holdTheLoop();
    int n = LoopDelivery.MAX_BATCH + 10;
    append(n);
    busy.countDown();
    for (RecordingConnection c : conns) {
      for (long seq = 1; seq <= n; seq++) {
        assertThat(c.next(Push.Message.class).seq()).isEqualTo(seq);
      }
    }
    conns.get(0).drainLoop();
    assertThat(conns.get(0).takeCalls()).filteredOn("flush"::equals).hasSize(2);
  }
}
