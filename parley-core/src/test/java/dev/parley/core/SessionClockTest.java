package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.Command;
import dev.parley.protocol.Push;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the core does over time, on a {@link ManualClock}: credentials that expire, the send and
 * join rate limits, typing leases, presence time-to-live and renewal, and the retry of a failed
 * store read. No test waits for time to pass.
 */
@Timeout(30)
class SessionClockTest {
  final ManualClock clock = new ManualClock();
  final InMemorySharedState shared = new InMemorySharedState(clock::nanoTime);
  MessageStore store = new InMemoryMessageStore();
  Node node;
  RecordingConnection conn;
  Session session;

  void start(NodeConfig config, Authenticator auth) throws Exception {
    node =
        Node.builder()
            .config(config)
            .clock(clock)
            .store(store)
            .broker(new InMemoryBroker())
            .sharedState(shared)
            .authenticator(auth)
            .build();
    conn = new RecordingConnection();
    session = node.open(conn);
    conn.command(session, "{\"type\":\"hello\"}");
    conn.next(Push.Welcome.class);
  }

  void start() throws Exception {
    start(NodeConfig.defaults(), new AnonymousTokens(new byte[32]));
  }

  @AfterEach
  void tearDown() {
    if (conn != null) {
      conn.close();
    }
    if (node != null) {
      node.close();
    }
  }

  /** Credentials that expire {@code ttl} after now, on the manual clock. */
  Authenticator expiringIn(Duration ttl) {
    return new Authenticator() {
      @Override
      public CompletableFuture<Principal> authenticate(Command.Hello hello) {
        return CompletableFuture.completedFuture(
            new Principal("u1", Map.of(), null, clock.millis() + ttl.toMillis()));
      }
    };
  }

  @Test
  void aConnectionIsClosedWith4401WhenItsCredentialsExpireAndNotBefore() throws Exception {
    start(NodeConfig.defaults(), expiringIn(Duration.ofMinutes(10)));
    clock.advance(Duration.ofMinutes(10).minusMillis(1));
    conn.drainLoop();
    assertThat(conn.closedWith()).isNull();
    clock.advance(Duration.ofMillis(1));
    conn.drainLoop();
    assertThat(conn.closedWith()).isEqualTo(CloseCode.TOKEN_EXPIRED);
  }

  @Test
  void sendsBeyondTheBurstAreRateLimitedUntilTheBucketRefills() throws Exception {
    NodeConfig d = NodeConfig.defaults();
    start(
        new NodeConfig(d.maxTextChars(), 64, d.typingTtl(), 256, d.heartbeat(), 10, 3, 100),
        new AnonymousTokens(new byte[32]));
    conn.command(session, "{\"type\":\"join\",\"conv\":\"r\"}");
    conn.next(Push.Joined.class);
    for (int i = 0; i < 4; i++) {
      conn.command(
          session, "{\"type\":\"send\",\"cid\":\"c" + i + "\",\"conv\":\"r\",\"text\":\"x\"}");
    }
    Push.Error limited = conn.nextOf(Push.Error.class);
    assertThat(limited.code()).isEqualTo("rate_limited");
    assertThat(limited.cid()).isEqualTo("c3");
    for (int i = 0; i < 3; i++) {
      assertThat(conn.nextOf(Push.Ack.class).cid()).isEqualTo("c" + i);
    }
    assertThat(store.lastSeq("r")).isEqualTo(3);
    conn.command(session, "{\"type\":\"send\",\"cid\":\"c3\",\"conv\":\"r\",\"text\":\"x\"}");
    assertThat(conn.nextOf(Push.Error.class).code())
        .as("no time has passed")
        .isEqualTo("rate_limited");
    clock.advance(Duration.ofMillis(100)); // 10 a second: one token back
    conn.command(session, "{\"type\":\"send\",\"cid\":\"c3\",\"conv\":\"r\",\"text\":\"x\"}");
    assertThat(conn.nextOf(Push.Ack.class).cid()).isEqualTo("c3");
  }

  @Test
  void sustainedExcessClosesTheConnectionWith4429() throws Exception {
    NodeConfig d = NodeConfig.defaults();
    start(
        new NodeConfig(d.maxTextChars(), 64, d.typingTtl(), 256, d.heartbeat(), 1, 1, 5),
        new AnonymousTokens(new byte[32]));
    conn.command(session, "{\"type\":\"join\",\"conv\":\"a\"}");
    conn.next(Push.Joined.class);
    for (int i = 0; i < 6; i++) {
      conn.command(
          session, "{\"type\":\"send\",\"cid\":\"c" + i + "\",\"conv\":\"a\",\"text\":\"x\"}");
    }
    conn.drainLoop();
    assertThat(conn.closedWith()).isEqualTo(CloseCode.TOO_MANY_REQUESTS);
  }

  @Test
  void
      joinsBeyondTheBurstAreRateLimitedAboutTheirConversationButResumedOnesAreNotAndResyncsHaveTheirOwn()
          throws Exception {
    start();
    RecordingConnection c = new RecordingConnection();
    try {
      Session s = node.open(c);
      c.command(s, "{\"type\":\"hello\",\"resume\":{\"r1\":0,\"r2\":0}}");
      c.next(Push.Welcome.class);
      assertThat(List.of(c.nextOf(Push.Joined.class).conv(), c.nextOf(Push.Joined.class).conv()))
          .containsExactlyInAnyOrder("r1", "r2");
      for (int i = 0; i < JoinLimiter.BURST; i++) { // join and leave: under the 64-conversation cap
        c.command(s, "{\"type\":\"join\",\"conv\":\"j" + i + "\"}");
        assertThat(c.nextOf(Push.Joined.class).conv()).isEqualTo("j" + i);
        c.command(s, "{\"type\":\"leave\",\"conv\":\"j" + i + "\"}");
        c.nextOf(Push.Left.class);
      }
      c.command(s, "{\"type\":\"join\",\"conv\":\"over\",\"ref\":\"o\"}");
      Push.Error limited = c.nextOf(Push.Error.class);
      assertThat(limited.code()).isEqualTo("rate_limited");
      assertThat(limited.conv()).isEqualTo("over");
      assertThat(limited.ref()).isEqualTo("o");
      assertThat(limited.field()).isEqualTo("conv");
      assertThat(limited.retry()).isTrue();
      assertThat(limited.retryAfterMs()).isEqualTo(200L); // 5 a second
      c.command(s, "{\"type\":\"join\",\"conv\":\"r1\",\"after\":0}");
      assertThat(c.nextOf(Push.Joined.class).conv())
          .as("a resync of a conversation held (an SDK's gap repair) has a bucket of its own")
          .isEqualTo("r1");
      clock.advance(Duration.ofMillis(100));
      c.command(s, "{\"type\":\"join\",\"conv\":\"over\",\"ref\":\"o\"}");
      assertThat(c.nextOf(Push.Error.class).retryAfterMs()).as("half a token").isBetween(99L, 101L);
      clock.advance(Duration.ofMillis(101));
      c.command(s, "{\"type\":\"join\",\"conv\":\"over\",\"ref\":\"o\"}");
      assertThat(c.nextOf(Push.Joined.class).conv()).isEqualTo("over");
    } finally {
      c.close();
    }
  }

  @Test
  void joinBucketsMadeAtTheFirstJoinAndResyncAfterAnIdleHourHoldTheBurstAndNoMore()
      throws Exception {
    start();
    RecordingConnection c = new RecordingConnection();
    try {
      Session s = node.open(c);
      c.command(s, "{\"type\":\"hello\",\"resume\":{\"held\":0}}");
      c.next(Push.Welcome.class);
      assertThat(c.nextOf(Push.Joined.class).conv()).isEqualTo("held");
      clock.advance(Duration.ofHours(1)); // idle: neither bucket is made yet, nor refills past full
      for (int i = 0; i < JoinLimiter.BURST; i++) {
        c.command(s, "{\"type\":\"join\",\"conv\":\"held\",\"after\":0}");
        assertThat(c.nextOf(Push.Joined.class).conv()).as("resync %d", i).isEqualTo("held");
      }
      c.command(s, "{\"type\":\"join\",\"conv\":\"held\",\"after\":0,\"ref\":\"x\"}");
      assertThat(c.nextOf(Push.Error.class).retryAfterMs())
          .as("the resyncs' burst, then 5 a second")
          .isEqualTo(200L);
      for (int i = 0; i < JoinLimiter.BURST; i++) {
        c.command(s, "{\"type\":\"join\",\"conv\":\"j" + i + "\"}");
        assertThat(c.nextOf(Push.Joined.class).conv()).isEqualTo("j" + i);
        c.command(s, "{\"type\":\"leave\",\"conv\":\"j" + i + "\"}");
        c.nextOf(Push.Left.class);
      }
      c.command(s, "{\"type\":\"join\",\"conv\":\"over\",\"ref\":\"o\"}");
      Push.Error limited = c.nextOf(Push.Error.class);
      assertThat(limited.code()).isEqualTo("rate_limited");
      assertThat(limited.retryAfterMs()).as("the joins' burst, then 5 a second").isEqualTo(200L);
    } finally {
      c.close();
    }
  }

  @Test
  void aTypingIndicatorIsPassedOnAgainOnlyOnceAThirdOfItsLeaseHasGone() throws Exception {
    start();
    conn.command(session, "{\"type\":\"join\",\"conv\":\"t\"}");
    conn.next(Push.Joined.class);
    conn.command(session, "{\"type\":\"typing\",\"conv\":\"t\",\"on\":true}");
    assertThat(conn.next(Push.Typing.class).ttlMs()).isEqualTo(6000);
    clock.advance(Duration.ofMillis(1999));
    conn.command(session, "{\"type\":\"typing\",\"conv\":\"t\",\"on\":true}");
    conn.assertNothingMoreBefore(session);
    clock.advance(Duration.ofMillis(1));
    conn.command(session, "{\"type\":\"typing\",\"conv\":\"t\",\"on\":true}");
    assertThat(conn.next(Push.Typing.class).on()).isTrue();
  }

  @Test
  void presenceOfAGoneNodeExpiresWhileALiveSessionsIsRenewed() throws Exception {
    start();
    shared.presenceAdd("conv:p", "s_dead", "ghost", PresenceTracker.TTL).join();
    conn.command(session, "{\"type\":\"join\",\"conv\":\"p\"}");
    assertThat(conn.next(Push.Joined.class).presence()).contains("ghost");
    clock.advance(
        PresenceTracker.TTL.multipliedBy(3)); // renewals run every 20 s; the ghost's never do
    conn.drainLoop();
    assertThat(shared.presentUsers("conv:p", null, 10).join())
        .containsExactly(session.principal().user());
    assertThat(shared.presenceCount("conv:p").join()).isEqualTo(1);
  }

  @Test
  void aFailedReplayReadIsTriedAgainAfterTheRetryDelay() throws Exception {
    AtomicInteger failures = new AtomicInteger(1);
    InMemoryMessageStore real = new InMemoryMessageStore();
    store =
        new MessageStore() {
          @Override
          public <T> CompletableFuture<T> append(
              AppendRequest request,
              Function<? super Appended, ? extends CompletionStage<T>> then) {
            return real.append(request, then);
          }

          @Override
          public CompletableFuture<Boolean> saveReceipt(
              String conversation, String user, String kind, long seq) {
            return real.saveReceipt(conversation, user, kind, seq);
          }

          @Override
          public List<StoredMessage> readAfter(String conversation, long afterSeq, int limit) {
            if (failures.getAndDecrement() > 0) {
              throw new StoreException("the disk is busy");
            }
            return real.readAfter(conversation, afterSeq, limit);
          }

          @Override
          public List<StoredMessage> readBefore(String conversation, long beforeSeq, int limit) {
            return real.readBefore(conversation, beforeSeq, limit);
          }

          @Override
          public Optional<StoredMessage> findByCid(String conversation, String sender, String cid) {
            return real.findByCid(conversation, sender, cid);
          }

          @Override
          public long lastSeq(String conversation) {
            return real.lastSeq(conversation);
          }

          @Override
          public List<ReceiptState> receipts(String conversation) {
            return real.receipts(conversation);
          }

          @Override
          public CompletableFuture<Integer> eraseSender(String conversation, String sender) {
            return real.eraseSender(conversation, sender);
          }

          @Override
          public CompletableFuture<Integer> deleteConversation(String conversation) {
            return real.deleteConversation(conversation);
          }

          @Override
          public Executor readExecutor() {
            return real.readExecutor();
          }

          @Override
          public boolean isHealthy() {
            return true;
          }

          @Override
          public void close() {
            real.close();
          }
        };
    start();
    store.append(new AppendRequest("f", "other", null, "text", "one", 1)).join();
    int timers = clock.pendingTimers();
    conn.command(session, "{\"type\":\"join\",\"conv\":\"f\",\"after\":0}");
    conn.next(Push.Joined.class);
    Awaitility.await().until(() -> clock.pendingTimers() > timers); // the retry is scheduled
    conn.assertNothingMoreBefore(session);
    clock.advance(Node.RETRY_DELAY);
    assertThat(conn.next(Push.Message.class).text()).isEqualTo("one");
  }
}
