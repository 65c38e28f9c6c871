package dev.parley.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ServerChannels;
import dev.parley.core.AnonymousTokens;
import dev.parley.core.InMemoryBroker;
import dev.parley.core.InMemoryMessageStore;
import dev.parley.core.ManualClock;
import dev.parley.core.Node;
import dev.parley.core.RecordingConnection;
import dev.parley.core.Session;
import dev.parley.protocol.Push;
import dev.parley.protocol.http.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The live figures' publisher on a real node with a {@link ManualClock}: a tick publishes the
 * figures into {@code parley:stats} while someone is subscribed, and nothing while nobody is; a
 * presence read that never answers does not stop the ticks, and one answered on another thread (a
 * Redis I/O thread) has the figures read back on the timer. Access to the channel is the server's
 * business ({@code ServerChannelsTest} end to end); here everyone may join.
 */
@Timeout(30)
class StatsChannelTest {
  final ManualClock clock = new ManualClock();
  final InMemoryMessageStore store = new InMemoryMessageStore();
  final Node node =
      Node.builder()
          .store(store)
          .broker(new InMemoryBroker())
          .authenticator(new AnonymousTokens(new byte[32]))
          .clock(clock)
          .presencePolicy(c -> false) // kept, not announced: as the chat layer has it
          .ephemeralStreams(
              c -> ServerChannels.isServerChannel(c) ? ServerChannels.WINDOW : null, null)
          .build();

  /** How many snapshots the figures gave. */
  final AtomicInteger snapshots = new AtomicInteger();

  final StatsChannel channel =
      StatsChannel.start(
          node, () -> Map.of("connections", 7, "snapshot", snapshots.incrementAndGet()));

  @AfterEach
  void tearDown() {
    channel.close();
    node.close();
    store.close();
  }

  Session subscriber(RecordingConnection c) throws InterruptedException {
    Session s = node.open(c);
    c.command(s, "{\"type\":\"hello\"}");
    c.next(Push.Welcome.class);
    c.command(s, "{\"type\":\"join\",\"conv\":\"parley:stats\"}");
    c.nextOf(Push.Joined.class);
    return s;
  }

  @Test
  void eachTickPublishesTheFiguresOnceToTheSubscribers() throws Exception {
    try (RecordingConnection sub = new RecordingConnection()) {
      Session s = subscriber(sub);
      clock.advance(StatsChannel.EVERY);
      Push.Message m = sub.nextOf(Push.Message.class);
      assertThat(m.conv()).isEqualTo(ServerChannels.STATS);
      assertThat(m.kind()).isEqualTo(StatsChannel.SENDER);
      assertThat(m.from()).isEqualTo(StatsChannel.SENDER);
      assertThat(m.seq()).isEqualTo(1);
      Map<String, Object> figures =
          Json.toMap(Json.read(m.text().getBytes(StandardCharsets.UTF_8), Object.class));
      assertThat(figures)
          .containsEntry("node", channel.nodeId())
          .containsEntry("connections", 7)
          .containsEntry("snapshot", 1);
      clock.advance(StatsChannel.EVERY);
      Push.Message second = sub.nextOf(Push.Message.class);
      assertThat(second.seq()).isEqualTo(2);
      assertThat(second.text()).contains("\"snapshot\":2");
      sub.assertNothingMoreBefore(s);
    }
    assertThat(store.lastSeq(ServerChannels.STATS)).isZero(); // ephemeral: never stored
  }

  @Test
  void nothingIsPublishedWhileNobodyListensNorAfterClose() throws Exception {
    clock.advance(Duration.ofSeconds(5));
    assertThat(snapshots).hasValue(0);
    try (RecordingConnection sub = new RecordingConnection()) {
      Session s = subscriber(sub);
      channel.close();
      clock.advance(Duration.ofSeconds(5));
      assertThat(snapshots).hasValue(0);
      sub.assertNothingMoreBefore(s);
    }
  }

  @Test
  void aPresenceReadThatNeverCompletesDoesNotStopTheTicks() {
    AtomicInteger reads = new AtomicInteger();
    AtomicInteger published = new AtomicInteger();
    try (StatsChannel stuck =
        StatsChannel.start(
            node,
            () -> Map.of("snapshot", published.incrementAndGet()),
            () ->
                reads.incrementAndGet() == 1
                    ? new CompletableFuture<>() // a stuck broker: never answers
                    : CompletableFuture.completedFuture(1))) {
      clock.advance(StatsChannel.EVERY);
      assertThat(reads).hasValue(1);
      clock.advance(StatsChannel.TICK_TIMEOUT); // the stuck read is given up
      clock.advance(StatsChannel.EVERY);
      assertThat(reads).hasValue(2);
      assertThat(published).hasValue(1);
    }
  }

  @Test
  void theFiguresAreReadOnTheTimerNotOnTheThreadThatAnsweredThePresence() throws Exception {
    CompletableFuture<Integer> answer = new CompletableFuture<>();
    AtomicReference<Thread> readOn = new AtomicReference<>();
    try (StatsChannel c =
        StatsChannel.start(
            node,
            () -> {
              readOn.set(Thread.currentThread());
              return Map.of();
            },
            () -> answer)) {
      clock.advance(StatsChannel.EVERY);
      Thread io = new Thread(() -> answer.complete(1), "fake-redis-io");
      io.start();
      io.join();
      assertThat(readOn.get()).as("nothing read on the answering thread").isNull();
      clock.advance(Duration.ZERO); // the timer runs what is due
      assertThat(readOn.get()).isSameAs(Thread.currentThread());
    }
  }
}
