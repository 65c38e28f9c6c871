package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The core with real collaborators (in-memory store and broker) and a recording connection. */
@Timeout(30)
class SessionTest {
  InMemoryMessageStore store;
  InMemoryBroker broker;
  Node node;
  RecordingConnection conn;
  Session session;
  final Codec codec = new Codec();

  @BeforeEach
  void setUp() throws Exception {
    store = new InMemoryMessageStore();
    broker = new InMemoryBroker();
    node =
        Node.builder()
            .store(store)
            .broker(broker)
            .authenticator(new AnonymousTokens(new byte[32]))
            .build();
    conn = new RecordingConnection();
    session = node.open(conn);
    command("{\"type\":\"hello\"}");
    conn.next(Push.Welcome.class);
  }

  @AfterEach
  void tearDown() {
    conn.close();
    node.close();
    store.close();
  }

  void command(String json) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    conn.onLoop(() -> session.onFrame(b, 0, b.length));
  }

  StoredMessage storeQuietly(String conv, String text) throws Exception {
    return store
        .append(new AppendRequest(conv, "other", null, "text", text, 1))
        .get(5, TimeUnit.SECONDS)
        .message();
  }

  void publish(StoredMessage m) {
    broker.publish(
        "conv:" + m.conversation(),
        BrokerEvent.message(
            m.seq(),
            m.sender(),
            codec.encode(
                new Push.Message(
                    m.conversation(),
                    m.seq(),
                    m.id(),
                    m.sender(),
                    m.kind(),
                    m.text(),
                    m.createdAtMillis(),
                    m.cid(),
                    m.status()))));
  }

  @Test
  void aLiveMessageAheadOfTheNextSeqMakesTheSubscriberFetchTheGapFromTheStore() throws Exception {
    for (int i = 1; i <= 5; i++) {
      storeQuietly("g", "old " + i);
    }
    command("{\"type\":\"join\",\"conv\":\"g\"}");
    assertThat(conn.next(Push.Joined.class).lastSeq()).isEqualTo(5);
    storeQuietly("g", "six");
    storeQuietly("g", "seven");
    StoredMessage eight = storeQuietly("g", "eight");
    publish(
        eight); // 6 and 7 were never published: a lost broker event, another node's interleaving
    assertThat(conn.next(Push.Message.class).seq()).isEqualTo(6);
    assertThat(conn.next(Push.Message.class).seq()).isEqualTo(7);
    assertThat(conn.next(Push.Message.class).seq()).isEqualTo(8);
    publish(store.readAfter("g", 6, 1).get(0)); // a late duplicate of 7
    conn.assertNothingMoreBefore(session);
  }

  @Test
  void resumeReplaysEveryPageAfterThePositionThenContinuesLiveWithoutDuplicates() throws Exception {
    for (int i = 1; i <= 600; i++) {
      storeQuietly("r", "m" + i);
    }
    command("{\"type\":\"join\",\"conv\":\"r\",\"after\":10}");
    assertThat(conn.next(Push.Joined.class).lastSeq()).isEqualTo(600);
    for (long seq = 11; seq <= 600; seq++) {
      assertThat(conn.next(Push.Message.class).seq()).isEqualTo(seq);
    }
    StoredMessage live =
        node.append(new AppendRequest("r", "other", "x", "text", "live", 1)).get().message();
    assertThat(conn.next(Push.Message.class).seq()).isEqualTo(live.seq()).isEqualTo(601);
    conn.assertNothingMoreBefore(session);
  }

  @Test
  void sendIsAckedAfterTheStoreAndEchoedToTheSender() throws Exception {
    command("{\"type\":\"join\",\"conv\":\"s\"}");
    conn.next(Push.Joined.class);
    command("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"s\",\"text\":\"hi\"}");
    Push a = conn.next();
    Push b = conn.next();
    assertThat(List.of(a, b))
        .hasAtLeastOneElementOfType(Push.Ack.class)
        .hasAtLeastOneElementOfType(Push.Message.class);
    assertThat(store.lastSeq("s")).isEqualTo(1);
  }

  @Test
  void typingIsSnapshottedToLaterJoinersAndClearedWhenTheTyperDisconnects() throws Exception {
    command("{\"type\":\"join\",\"conv\":\"t\"}");
    conn.next(Push.Joined.class);
    command("{\"type\":\"typing\",\"conv\":\"t\",\"on\":true}");
    assertThat(conn.next(Push.Typing.class).on()).isTrue();

    try (RecordingConnection other = new RecordingConnection()) {
      Session late = node.open(other);
      byte[] hello = "{\"type\":\"hello\"}".getBytes(StandardCharsets.UTF_8);
      byte[] join = "{\"type\":\"join\",\"conv\":\"t\"}".getBytes(StandardCharsets.UTF_8);
      other.onLoop(() -> late.onFrame(hello, 0, hello.length));
      other.next(Push.Welcome.class);
      other.onLoop(() -> late.onFrame(join, 0, join.length));
      other.next(Push.Joined.class);
      Push.Typing snapshot = other.next(Push.Typing.class);
      assertThat(snapshot.on()).isTrue();
      assertThat(snapshot.user()).isEqualTo(session.principal().user());

      conn.onLoop(session::onClose);
      Push.Typing off = other.next(Push.Typing.class);
      assertThat(off.on()).isFalse();
      assertThat(off.user()).isEqualTo(snapshot.user());
      Awaitility.await().until(() -> node.sessionCount() == 1);
    }
  }

  @Test
  void joinersSeeWhoIsPresentAndOthersSeeThemComeAndGoButNotThemselves() throws Exception {
    command("{\"type\":\"join\",\"conv\":\"p\"}");
    Push.Joined first = conn.next(Push.Joined.class);
    String me = session.principal().user();
    assertThat(first.presence()).containsExactly(me);
    try (RecordingConnection other = new RecordingConnection()) {
      Session second = node.open(other);
      byte[] hello = "{\"type\":\"hello\"}".getBytes(StandardCharsets.UTF_8);
      byte[] join = "{\"type\":\"join\",\"conv\":\"p\"}".getBytes(StandardCharsets.UTF_8);
      other.onLoop(() -> second.onFrame(hello, 0, hello.length));
      String them = other.next(Push.Welcome.class).user();
      other.onLoop(() -> second.onFrame(join, 0, join.length));
      assertThat(other.next(Push.Joined.class).presence()).containsExactlyInAnyOrder(me, them);
      assertThat(conn.next(Push.Presence.class)).isEqualTo(new Push.Presence("p", them, true));
      other.onLoop(second::onClose);
      assertThat(conn.next(Push.Presence.class)).isEqualTo(new Push.Presence("p", them, false));
    }
    conn.assertNothingMoreBefore(session);
  }

  @Test
  void typingOnAtEveryKeystrokeIsPassedOnOnceWhileItsLeaseIsFresh() throws Exception {
    command("{\"type\":\"join\",\"conv\":\"th\"}");
    conn.next(Push.Joined.class);
    for (int i = 0; i < 20; i++) {
      command("{\"type\":\"typing\",\"conv\":\"th\",\"on\":true}");
    }
    assertThat(conn.next(Push.Typing.class).on()).isTrue();
    command("{\"type\":\"typing\",\"conv\":\"th\",\"on\":false}");
    assertThat(conn.next(Push.Typing.class).on()).as("the next typing event is the off").isFalse();
    command("{\"type\":\"typing\",\"conv\":\"th\",\"on\":false}");
    conn.assertNothingMoreBefore(session);
  }

  @Test
  void aReceiptBeyondWhatTheConnectionReceivedIsRefused() throws Exception {
    command("{\"type\":\"join\",\"conv\":\"rc\"}");
    conn.next(Push.Joined.class);
    command("{\"type\":\"receipt\",\"conv\":\"rc\",\"kind\":\"read\",\"seq\":3}");
    Push.Error e = conn.next(Push.Error.class);
    assertThat(e.code()).isEqualTo("invalid_field");
    assertThat(e.field()).isEqualTo("seq");
  }

  /**
   * What a session holds for its joins: the subscription map and the presence and typing helpers
   * made with it, read on the session's loop (private fields: no other way to see an object's
   * absence).
   */
  List<Object> joinState() throws Exception {
    return CompletableFuture.supplyAsync(
            () -> {
              List<Object> held = new ArrayList<>();
              for (String name : List.of("subscriptions", "presence", "typing")) {
                try {
                  Field f = Session.class.getDeclaredField(name);
                  f.setAccessible(true);
                  held.add(f.get(session));
                } catch (ReflectiveOperationException e) {
                  throw new LinkageError(e.getMessage(), e);
                }
              }
              return held;
            },
            conn.executor())
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void aSessionThatNeverJoinsHoldsNoSubscriptionMapAndOneThatJoinsLaterBehavesAsEver()
      throws Exception {
    command("{\"type\":\"ping\",\"ref\":\"p\"}");
    conn.next(Push.Pong.class);
    assertThat(joinState()).as("after hello and a ping").containsOnlyNulls();

    command("{\"type\":\"typing\",\"conv\":\"t\",\"on\":true}");
    assertThat(conn.next(Push.Error.class).code()).isEqualTo("not_joined");
    command("{\"type\":\"join\",\"conv\":\"t\"}");
    conn.next(Push.Joined.class);
    assertThat(joinState()).doesNotContainNull();
    assertThat(node.subscribedConversations()).isEqualTo(1);
    command("{\"type\":\"typing\",\"conv\":\"t\",\"on\":true}");
    assertThat(conn.nextOf(Push.Typing.class).on()).isTrue();
    command("{\"type\":\"leave\",\"conv\":\"t\"}");
    conn.nextOf(Push.Left.class);
    assertThat(node.subscribedConversations()).isZero();
  }

  @Test
  void aSessionThatNeverJoinedClosesCleanly() throws Exception {
    conn.onLoop(session::onClose);
    Awaitility.await().until(() -> node.sessionCount() == 0);
    assertThat(joinState()).as("closing made nothing").containsOnlyNulls();
  }

  @Test
  void closingReleasesTheSessionAndItsTopics() throws Exception {
    command("{\"type\":\"join\",\"conv\":\"a\"}");
    conn.next(Push.Joined.class);
    command("{\"type\":\"join\",\"conv\":\"b\"}");
    conn.next(Push.Joined.class);
    assertThat(node.subscribedConversations()).isEqualTo(2);
    conn.onLoop(session::onClose);
    Awaitility.await().until(() -> node.sessionCount() == 0 && node.subscribedConversations() == 0);
  }
}
