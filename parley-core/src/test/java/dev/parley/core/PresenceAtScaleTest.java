package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Push;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Presence in a crowded conversation, on a {@link ManualClock}: {@code joined} carries the count
 * and a capped list, {@code presence_list} pages through the rest, changes within {@link
 * PresenceEvents#WINDOW} go out as one {@code presence_batch}, and a conversation the {@link
 * PresencePolicy} does not announce in gets no events at all.
 */
@Timeout(30)
class PresenceAtScaleTest {
  final ManualClock clock = new ManualClock();
  final InMemorySharedState shared = new InMemorySharedState(clock::nanoTime);
  final List<RecordingConnection> conns = new ArrayList<>();
  Node node;

  void start(PresencePolicy policy) {
    node =
        Node.builder()
            .config(
                new NodeConfig(
                    4000,
                    64,
                    Duration.ofSeconds(6),
                    256,
                    Duration.ofSeconds(30),
                    10,
                    20,
                    100,
                    1,
                    1000,
                    5)) // a crowd of anonymous users from one address
            .clock(clock)
            .store(new InMemoryMessageStore())
            .broker(new InMemoryBroker())
            .sharedState(shared)
            .authenticator(new AnonymousTokens(new byte[32]))
            .presencePolicy(policy)
            .build();
  }

  /** A new anonymous user's session that joined {@code conv}; its {@code joined} in {@code out}. */
  Session joined(String conv, List<Push.Joined> out) throws Exception {
    RecordingConnection c = new RecordingConnection();
    conns.add(c);
    Session s = node.open(c);
    c.command(s, "{\"type\":\"hello\"}");
    c.next(Push.Welcome.class);
    c.command(s, "{\"type\":\"join\",\"conv\":\"" + conv + "\"}");
    out.add(c.next(Push.Joined.class));
    c.drainLoop(); // the join's announcement has been handed over
    return s;
  }

  RecordingConnection conn(int i) {
    return conns.get(i);
  }

  @AfterEach
  void tearDown() {
    conns.forEach(RecordingConnection::close);
    if (node != null) {
      node.close();
    }
  }

  @Test
  void joinedCarriesTheCountAndTheFirstUsersAndPresenceListPagesThroughAll() throws Exception {
    start(PresencePolicy.ALWAYS);
    for (int i = 0; i < 150; i++) {
      shared.presenceAdd("conv:big", "s_other" + i, "u%03d".formatted(i), Duration.ofMinutes(1));
    }
    List<Push.Joined> j = new ArrayList<>();
    Session me = joined("big", j);
    assertThat(j.get(0).presenceCount()).isEqualTo(151);
    assertThat(j.get(0).presence()).hasSize(Push.JOINED_PRESENCE_CAP).startsWith("u000", "u001");

    conn(0)
        .command(me, "{\"type\":\"presence_list\",\"ref\":\"p1\",\"conv\":\"big\",\"limit\":140}");
    Push.PresenceList first = conn(0).next(Push.PresenceList.class);
    assertThat(first.count()).isEqualTo(151);
    assertThat(first.users()).hasSize(140).endsWith("u139");
    assertThat(first.next()).isEqualTo("u139");
    conn(0)
        .command(
            me, "{\"type\":\"presence_list\",\"ref\":\"p2\",\"conv\":\"big\",\"after\":\"u139\"}");
    Push.PresenceList rest = conn(0).next(Push.PresenceList.class);
    assertThat(rest.users()).hasSize(11).contains(me.principal().user(), "u149");
    assertThat(rest.next()).isNull();
  }

  @Test
  void presenceListOfAConversationNotJoinedOrOverItsLimitIsRefused() throws Exception {
    start(PresencePolicy.ALWAYS);
    Session me = joined("a", new ArrayList<>());
    conn(0).command(me, "{\"type\":\"presence_list\",\"ref\":\"p\",\"conv\":\"b\"}");
    assertThat(conn(0).next(Push.Error.class).code()).isEqualTo("not_joined");
    conn(0).command(me, "{\"type\":\"presence_list\",\"conv\":\"a\",\"limit\":1001}");
    Push.Error tooMany = conn(0).next(Push.Error.class);
    assertThat(tooMany.code()).isEqualTo("invalid_field");
    assertThat(tooMany.field()).isEqualTo("limit");
  }

  @Test
  void aCrowdJoiningWithinTheWindowIsAnnouncedAsOneBatch() throws Exception {
    start(PresencePolicy.ALWAYS);
    List<Push.Joined> j = new ArrayList<>();
    Session watcher = joined("room", j);
    clock.advance(PresenceEvents.WINDOW); // the watcher's own announcement's window
    List<String> crowd = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      crowd.add(joined("room", j).principal().user());
    }
    assertThat(j.get(5).presenceCount()).isEqualTo(6);
    // The first comes to a quiet conversation: at once. The others wait for the window's end.
    assertThat(conn(0).next(Push.Presence.class))
        .isEqualTo(new Push.Presence("room", crowd.get(0), true));
    conn(0).assertNothingMoreBefore(watcher);
    clock.advance(PresenceEvents.WINDOW);
    Push.PresenceBatch batch = conn(0).next(Push.PresenceBatch.class);
    assertThat(batch.joined()).containsExactlyElementsOf(crowd.subList(1, 5));
    assertThat(batch.left()).isEmpty();
    assertThat(batch.omitted()).isNull();
    assertThat(batch.count()).isEqualTo(6);
    conn(0).assertNothingMoreBefore(watcher);
  }

  @Test
  void aUserWhoComesAndGoesWithinTheWindowIsNotAnnounced() throws Exception {
    start(PresencePolicy.ALWAYS);
    Session watcher = joined("room", new ArrayList<>());
    clock.advance(PresenceEvents.WINDOW);
    String first = joined("room", new ArrayList<>()).principal().user();
    assertThat(conn(0).next(Push.Presence.class)).isEqualTo(new Push.Presence("room", first, true));
    Session brief = joined("room", new ArrayList<>());
    conn(2).onLoop(brief::onClose);
    conn(2).drainLoop();
    clock.advance(PresenceEvents.WINDOW);
    conn(0).assertNothingMoreBefore(watcher);
    // The window passed quietly: the next change goes out at once again.
    Session late = joined("room", new ArrayList<>());
    assertThat(conn(0).next(Push.Presence.class))
        .isEqualTo(new Push.Presence("room", late.principal().user(), true));
  }

  @Test
  void aBatchNamesAtMostItsCapAndCountsTheRest() throws Exception {
    start(PresencePolicy.ALWAYS);
    Session watcher = joined("room", new ArrayList<>());
    clock.advance(PresenceEvents.WINDOW);
    joined("room", new ArrayList<>());
    conn(0).next(Push.Presence.class);
    for (int i = 0; i < Push.PRESENCE_BATCH_CAP + 3; i++) {
      joined("room", new ArrayList<>());
    }
    clock.advance(PresenceEvents.WINDOW);
    Push.PresenceBatch batch = conn(0).next(Push.PresenceBatch.class);
    assertThat(batch.joined()).hasSize(Push.PRESENCE_BATCH_CAP);
    assertThat(batch.omitted()).isEqualTo(3);
    assertThat(batch.count()).isEqualTo(Push.PRESENCE_BATCH_CAP + 5);
    conn(0).assertNothingMoreBefore(watcher);
  }

  @Test
  void aConversationThePolicyDoesNotAnnounceInGetsNoEventsButCountsEveryone() throws Exception {
    start(conv -> !conv.startsWith("feed"));
    List<Push.Joined> j = new ArrayList<>();
    Session watcher = joined("feed", j);
    Session other = joined("feed", j);
    assertThat(j.get(1).presenceCount()).isEqualTo(2);
    conn(1).onLoop(other::onClose);
    conn(1).drainLoop();
    clock.advance(PresenceEvents.WINDOW);
    conn(0).assertNothingMoreBefore(watcher);
    conn(0).command(watcher, "{\"type\":\"presence_list\",\"conv\":\"feed\"}");
    assertThat(conn(0).next(Push.PresenceList.class).users())
        .containsExactly(watcher.principal().user());
  }
}
