package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.Push;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@code send} whose cid is already stored gets the stored message's {@code ack} even when the
 * extension's {@code beforeSend} now refuses it (a channel proxy's backend, a chat conversation's
 * rules): the client whose ack was lost is never told that a delivered message failed. Only a
 * refusal reads the store; a new cid is refused as before (docs/PROTOCOL.md#send).
 */
@Timeout(30)
class RefusedResendTest {
  static final StreamWindow.Limits WINDOW = new StreamWindow.Limits(10, Duration.ofSeconds(60));

  /** What {@code beforeSend} answers: null allows the send, otherwise this refusal. */
  final AtomicReference<ProtocolException> refusal = new AtomicReference<>();

  final AtomicInteger beforeSendAsked = new AtomicInteger();
  final LookingUpStore store = new LookingUpStore();
  Node node;
  RecordingConnection conn;
  Session session;
  String token;

  /** The in-memory store, counting its look-ups by cid, which fail while {@code failLookups}. */
  static final class LookingUpStore implements MessageStore {
    final InMemoryMessageStore real = new InMemoryMessageStore();
    final AtomicInteger lookups = new AtomicInteger();
    volatile boolean failLookups;

    @Override
    public <T> CompletableFuture<T> append(
        AppendRequest request, Function<? super Appended, ? extends CompletionStage<T>> then) {
      return real.append(request, then);
    }

    @Override
    public CompletableFuture<Boolean> saveReceipt(
        String conversation, String user, String kind, long seq) {
      return real.saveReceipt(conversation, user, kind, seq);
    }

    @Override
    public List<StoredMessage> readAfter(String conversation, long afterSeq, int limit) {
      return real.readAfter(conversation, afterSeq, limit);
    }

    @Override
    public List<StoredMessage> readBefore(String conversation, long beforeSeq, int limit) {
      return real.readBefore(conversation, beforeSeq, limit);
    }

    @Override
    public Optional<StoredMessage> findByCid(String conversation, String sender, String cid) {
      lookups.incrementAndGet();
      if (failLookups) {
        throw new StoreException("the disk is busy");
      }
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
  }

  @BeforeEach
  void setUp() throws Exception {
    node =
        Node.builder()
            .store(store)
            .broker(new InMemoryBroker())
            .authenticator(new AnonymousTokens(new byte[32]))
            .ephemeralStreams(c -> c.startsWith("live:") ? WINDOW : null, null)
            .extension(
                new Extension() {
                  @Override
                  public CompletableFuture<Void> beforeSend(Session s, Command.Send send) {
                    beforeSendAsked.incrementAndGet();
                    ProtocolException no = refusal.get();
                    return no == null
                        ? CompletableFuture.completedFuture(null)
                        : CompletableFuture.failedFuture(no);
                  }
                })
            .build();
    conn = new RecordingConnection();
    session = node.open(conn);
    conn.command(session, "{\"type\":\"hello\"}");
    token = conn.next(Push.Welcome.class).token();
  }

  @AfterEach
  void tearDown() {
    conn.close();
    node.close();
    store.close();
  }

  static String send(String cid, String conv) {
    return "{\"type\":\"send\",\"ref\":\"r-"
        + cid
        + "\",\"cid\":\""
        + cid
        + "\",\"conv\":\""
        + conv
        + "\",\"text\":\"hello\"}";
  }

  /** Joins {@code conv} on {@code c}, sends {@code cid} there and returns its ack. */
  Push.Ack joinAndSend(RecordingConnection c, Session s, String conv, String cid)
      throws InterruptedException {
    c.command(s, "{\"type\":\"join\",\"conv\":\"" + conv + "\"}");
    c.next(Push.Joined.class);
    c.command(s, send(cid, conv));
    return c.nextOf(Push.Ack.class);
  }

  static ProtocolException forbidden() {
    return new ProtocolException(ErrorCode.FORBIDDEN, "the backend says no", "conv");
  }

  @Test
  void aResendOfAStoredCidThatTheExtensionNowRefusesIsAckedWithTheStoredSeq() throws Exception {
    Push.Ack first = joinAndSend(conn, session, "bids", "c1");
    assertThat(first.seq()).isEqualTo(1);

    // The ack was lost: the client reconnects as the same user and sends c1 again, which the
    // backend now refuses.
    refusal.set(forbidden());
    try (RecordingConnection again = new RecordingConnection()) {
      Session resumed = node.open(again);
      again.command(resumed, "{\"type\":\"hello\",\"token\":\"" + token + "\"}");
      again.next(Push.Welcome.class);
      again.command(resumed, "{\"type\":\"join\",\"conv\":\"bids\",\"after\":1}");
      again.next(Push.Joined.class);
      again.command(resumed, send("c1", "bids"));

      assertThat(again.next(Push.Ack.class))
          .isEqualTo(new Push.Ack("r-c1", "c1", "bids", 1, first.id(), first.ts()));
      assertThat(beforeSendAsked).as("the backend is still asked first").hasValue(2);
      assertThat(store.lookups).hasValue(1);

      // A new cid is refused as before: nothing stored, the refusal names it.
      again.command(resumed, send("c2", "bids"));
      Push.Error refused = again.next(Push.Error.class);
      assertThat(refused.code()).isEqualTo("forbidden");
      assertThat(refused.cid()).isEqualTo("c2");
      assertThat(refused.ref()).isEqualTo("r-c2");
      again.assertNothingMoreBefore(resumed);
    }
    assertThat(store.lastSeq("bids")).isEqualTo(1);
  }

  @Test
  void anAllowedSendNeverReadsTheStoreByCid() throws Exception {
    joinAndSend(conn, session, "bids", "c1");
    conn.command(session, send("c1", "bids"));
    assertThat(conn.nextOf(Push.Ack.class).seq()).isEqualTo(1);
    assertThat(store.lookups).hasValue(0);
  }

  @Test
  void aRefusedResendIsRefusedWhenTheStoreCannotLookItUp() throws Exception {
    joinAndSend(conn, session, "bids", "c1");
    refusal.set(forbidden());
    store.failLookups = true;
    conn.command(session, send("c1", "bids"));
    Push.Error refused = conn.nextOf(Push.Error.class);
    assertThat(refused.code()).isEqualTo("forbidden");
    assertThat(refused.cid()).isEqualTo("c1");
    assertThat(store.lookups).hasValue(1);
  }

  @Test
  void aRetryableRefusalOfAStoredCidIsAckedToo() throws Exception {
    Push.Ack first = joinAndSend(conn, session, "bids", "c1");
    refusal.set(
        new ProtocolException(ErrorCode.PROXY_UNAVAILABLE, "the backend did not answer", "conv"));
    conn.command(session, send("c1", "bids"));
    Push.Ack again = conn.nextOf(Push.Ack.class);
    assertThat(again.seq()).isEqualTo(first.seq());
    assertThat(again.id()).isEqualTo(first.id());
  }

  @Test
  void anEphemeralStreamRemembersNoCidSoItsRefusalStands() throws Exception {
    joinAndSend(conn, session, "live:x", "c1");
    refusal.set(forbidden());
    conn.command(session, send("c1", "live:x"));
    Push.Error refused = conn.nextOf(Push.Error.class);
    assertThat(refused.code()).isEqualTo("forbidden");
    assertThat(refused.cid()).isEqualTo("c1");
    assertThat(store.lookups).hasValue(0);
  }
}
