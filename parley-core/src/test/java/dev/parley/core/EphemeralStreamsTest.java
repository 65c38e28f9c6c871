package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Push;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ephemeral streams seen from sessions: conversations {@code live:…} keep their last 3 messages for
 * a minute in a {@link StreamWindow} and nothing in the store; sends are acked once the window
 * holds them, joins resume from the window or are told {@code continuity_lost}.
 */
@Timeout(30)
class EphemeralStreamsTest {
  static final StreamWindow.Limits THREE = new StreamWindow.Limits(3, Duration.ofSeconds(60));

  final ManualClock clock = new ManualClock();
  InMemoryMessageStore store;
  RestartableWindow window;
  Node node;
  RecordingConnection pub;
  Session pubSession;

  /** The node's window, which the test can lose as a restart would (a new in-memory window). */
  final class RestartableWindow implements StreamWindow {
    volatile InMemoryStreamWindow current = new InMemoryStreamWindow(clock::millis);

    void lose() {
      current = new InMemoryStreamWindow(clock::millis);
    }

    @Override
    public <T> CompletableFuture<T> append(
        String stream,
        Limits limits,
        Template template,
        Function<? super Position, ? extends CompletionStage<T>> then) {
      return current.append(stream, limits, template, then);
    }

    @Override
    public CompletableFuture<Replay> since(String stream, Limits limits, String epoch, long after) {
      return current.since(stream, limits, epoch, after);
    }

    @Override
    public CompletableFuture<Page> before(String stream, Limits limits, long before, int limit) {
      return current.before(stream, limits, before, limit);
    }

    @Override
    public void close() {}
  }

  @BeforeEach
  void setUp() throws Exception {
    store = new InMemoryMessageStore();
    window = new RestartableWindow();
    node =
        Node.builder()
            .store(store)
            .broker(new InMemoryBroker())
            .authenticator(new AnonymousTokens(new byte[32]))
            .clock(clock)
            .ephemeralStreams(c -> c.startsWith("live:") ? THREE : null, window)
            .build();
    pub = new RecordingConnection();
    pubSession = connect(pub);
    pub.command(pubSession, "{\"type\":\"join\",\"conv\":\"live:x\"}");
    pub.next(Push.Joined.class);
  }

  @AfterEach
  void tearDown() {
    pub.close();
    node.close();
    store.close();
  }

  Session connect(RecordingConnection c) throws InterruptedException {
    Session s = node.open(c);
    c.command(s, "{\"type\":\"hello\"}");
    c.next(Push.Welcome.class);
    return s;
  }

  /** Sends {@code n} messages from the publisher and waits for their acks. */
  void publish(int n) throws InterruptedException {
    for (int i = 0; i < n; i++) {
      pub.command(
          pubSession,
          "{\"type\":\"send\",\"cid\":\"c" + i + "\",\"conv\":\"live:x\",\"text\":\"m\"}");
      pub.nextOf(Push.Ack.class);
    }
  }

  @Test
  void aSendIsAckedWithItsWindowSeqDeliveredLiveToEverySubscriberAndNeverStored() throws Exception {
    try (RecordingConnection sub = new RecordingConnection()) {
      Session s = connect(sub);
      sub.command(s, "{\"type\":\"join\",\"conv\":\"live:x\"}");
      Push.Joined joined = sub.next(Push.Joined.class);
      assertThat(joined.epoch()).isNotBlank();
      assertThat(joined.lastSeq()).isZero();
      pub.command(
          pubSession, "{\"type\":\"send\",\"cid\":\"a\",\"conv\":\"live:x\",\"text\":\"hi\"}");
      Push.Ack ack = pub.nextOf(Push.Ack.class);
      assertThat(ack.seq()).isEqualTo(1);
      assertThat(ack.id()).startsWith("e_");
      // Past the subscriber's own presence event, which comes before or after the first message.
      Push.Message m = sub.nextOf(Push.Message.class);
      assertThat(m.seq()).isEqualTo(1);
      assertThat(m.text()).isEqualTo("hi");
      assertThat(m.cid()).isEqualTo("a");
      publish(2);
      assertThat(sub.nextOf(Push.Message.class).seq()).isEqualTo(2);
      assertThat(sub.nextOf(Push.Message.class).seq()).isEqualTo(3);
      sub.assertNothingMoreBefore(s);
    }
    assertThat(store.lastSeq("live:x")).isZero();
  }

  @Test
  void aResumeInsideTheWindowGetsExactlyTheMissedMessages() throws Exception {
    String epoch = pubJoinEpoch();
    publish(3);
    try (RecordingConnection sub = new RecordingConnection()) {
      Session s = connect(sub);
      sub.command(
          s, "{\"type\":\"join\",\"conv\":\"live:x\",\"after\":1,\"epoch\":\"" + epoch + "\"}");
      Push.Joined joined = sub.next(Push.Joined.class);
      assertThat(joined.epoch()).isEqualTo(epoch);
      assertThat(joined.from()).isEqualTo(1);
      assertThat(joined.lastSeq()).isEqualTo(3);
      assertThat(sub.next(Push.Message.class).seq()).isEqualTo(2);
      assertThat(sub.next(Push.Message.class).seq()).isEqualTo(3);
      sub.assertNothingMoreBefore(s);
      publish(1);
      assertThat(sub.next(Push.Message.class).seq()).isEqualTo(4);
    }
  }

  @Test
  void aResumeOlderThanTheWindowIsToldContinuityWasLostThenGetsWhatTheWindowHolds()
      throws Exception {
    String epoch = pubJoinEpoch();
    publish(5);
    try (RecordingConnection sub = new RecordingConnection()) {
      Session s = connect(sub);
      sub.command(
          s, "{\"type\":\"join\",\"conv\":\"live:x\",\"after\":1,\"epoch\":\"" + epoch + "\"}");
      assertThat(sub.next(Push.Joined.class).from()).isEqualTo(2);
      assertThat(sub.next(Push.ContinuityLost.class))
          .isEqualTo(new Push.ContinuityLost("live:x", epoch, 2, 5));
      assertThat(sub.next(Push.Message.class).seq()).isEqualTo(3);
      assertThat(sub.next(Push.Message.class).seq()).isEqualTo(4);
      assertThat(sub.next(Push.Message.class).seq()).isEqualTo(5);
      sub.assertNothingMoreBefore(s);
    }
  }

  @Test
  void aResumeOfAnotherEpochOrWithoutOneIsToldContinuityWasLost() throws Exception {
    publish(1);
    try (RecordingConnection sub = new RecordingConnection()) {
      Session s = connect(sub);
      sub.command(s, "{\"type\":\"join\",\"conv\":\"live:x\",\"after\":1,\"epoch\":\"old\"}");
      sub.next(Push.Joined.class);
      assertThat(sub.next(Push.ContinuityLost.class).from()).isZero();
      assertThat(sub.next(Push.Message.class).seq()).isEqualTo(1);
    }
    try (RecordingConnection sub = new RecordingConnection()) {
      Session s = node.open(sub);
      sub.command(s, "{\"type\":\"hello\",\"resume\":{\"live:x\":1}}");
      sub.next(Push.Welcome.class);
      sub.next(Push.Joined.class);
      assertThat(sub.next(Push.ContinuityLost.class).lastSeq()).isEqualTo(1);
    }
  }

  @Test
  void messagesOlderThanTheTimeToLiveAreGoneAndAResumeBehindThemIsToldSo() throws Exception {
    String epoch = pubJoinEpoch();
    publish(2);
    clock.advance(Duration.ofSeconds(61));
    try (RecordingConnection sub = new RecordingConnection()) {
      Session s = connect(sub);
      sub.command(
          s, "{\"type\":\"join\",\"conv\":\"live:x\",\"after\":1,\"epoch\":\"" + epoch + "\"}");
      sub.next(Push.Joined.class);
      assertThat(sub.next(Push.ContinuityLost.class))
          .isEqualTo(new Push.ContinuityLost("live:x", epoch, 2, 2));
      sub.assertNothingMoreBefore(s);
    }
  }

  @Test
  void aLiveSubscriberWhoseWindowWasLostIsToldContinuityWasLostAndFollowsTheNewEpoch()
      throws Exception {
    try (RecordingConnection sub = new RecordingConnection()) {
      Session s = connect(sub);
      sub.command(s, "{\"type\":\"join\",\"conv\":\"live:x\"}");
      String before = sub.next(Push.Joined.class).epoch();
      publish(2);
      sub.nextOf(Push.Message.class); // past the subscriber's own presence, which may come first
      sub.next(Push.Message.class);
      window.lose();
      publish(1);
      Push.ContinuityLost lost = sub.next(Push.ContinuityLost.class);
      assertThat(lost.epoch()).isNotEqualTo(before);
      assertThat(lost.from()).isZero();
      assertThat(sub.next(Push.Message.class).seq()).isEqualTo(1);
      publish(1);
      assertThat(sub.next(Push.Message.class).seq()).isEqualTo(2);
      sub.assertNothingMoreBefore(s);
    }
  }

  @Test
  void historyPagesBackThroughTheWindowOfTheReadersEpochOnly() throws Exception {
    publish(5); // the window keeps 3, 4 and 5
    pub.command(pubSession, "{\"type\":\"history\",\"ref\":\"h1\",\"conv\":\"live:x\"}");
    Push.History all = pub.nextOf(Push.History.class);
    assertThat(all.ref()).isEqualTo("h1");
    assertThat(all.messages()).extracting(Push.Message::seq).containsExactly(3L, 4L, 5L);
    assertThat(all.messages()).allSatisfy(m -> assertThat(m.cid()).startsWith("c"));
    assertThat(all.more()).as("nothing older is kept").isFalse();

    pub.command(
        pubSession,
        "{\"type\":\"history\",\"ref\":\"h2\",\"conv\":\"live:x\",\"before\":5,\"limit\":1}");
    Push.History page = pub.nextOf(Push.History.class);
    assertThat(page.messages()).extracting(Push.Message::seq).containsExactly(4L);
    assertThat(page.more()).as("3 is still kept").isTrue();
    assertThat(store.lastSeq("live:x")).as("never the store's").isZero();

    window.lose(); // the reader still holds the old epoch: nothing of the new one is its page
    pub.command(pubSession, "{\"type\":\"history\",\"ref\":\"h3\",\"conv\":\"live:x\"}");
    Push.History lost = pub.nextOf(Push.History.class);
    assertThat(lost.messages()).isEmpty();
    assertThat(lost.more()).isFalse();
  }

  @Test
  void durableConversationsBesideThemKeepTheStore() throws Exception {
    pub.command(pubSession, "{\"type\":\"join\",\"conv\":\"room\"}");
    assertThat(pub.next(Push.Joined.class).epoch()).isNull();
    pub.command(
        pubSession, "{\"type\":\"send\",\"cid\":\"d\",\"conv\":\"room\",\"text\":\"kept\"}");
    assertThat(pub.nextOf(Push.Ack.class).seq()).isEqualTo(1);
    assertThat(store.lastSeq("room")).isEqualTo(1);
  }

  /** The epoch of {@code live:x} as a fresh join reports it. */
  private String pubJoinEpoch() throws InterruptedException {
    pub.command(pubSession, "{\"type\":\"join\",\"conv\":\"live:x\"}");
    return pub.next(Push.Joined.class).epoch();
  }
}
