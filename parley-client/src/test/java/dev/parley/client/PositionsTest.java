package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Command;
import dev.parley.protocol.Push;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Positions, parking and de-duplication, message by message. */
class PositionsTest {
  final Positions positions = new Positions();

  static Push.Message m(String conv, long seq) {
    return new Push.Message(conv, seq, "m" + seq, "u", "text", "t" + seq, seq, null, null);
  }

  static Push.Joined joined(String conv, long from) {
    return new Push.Joined(null, conv, from, from, List.of(), List.of());
  }

  static Push.Joined joined(String conv, long from, String epoch) {
    return new Push.Joined(null, conv, from, from, List.of(), List.of(), 0, epoch);
  }

  static List<Long> seqs(Positions.Accepted a) {
    return a.deliver().stream().map(Push.Message::seq).toList();
  }

  @Test
  void theNextSeqIsDeliveredAndBecomesThePosition() {
    positions.track("c", 0);
    assertThat(seqs(positions.accept(m("c", 1)))).containsExactly(1L);
    assertThat(seqs(positions.accept(m("c", 2)))).containsExactly(2L);
    assertThat(positions.seq("c")).isEqualTo(2);
  }

  @Test
  void aSeqAtOrBelowThePositionOrParkedAlreadyIsADuplicate() {
    positions.track("c", 3);
    assertThat(positions.accept(m("c", 3))).isEqualTo(Positions.Accepted.NOTHING);
    assertThat(positions.accept(m("c", 1))).isEqualTo(Positions.Accepted.NOTHING);
    positions.accept(m("c", 6));
    assertThat(positions.accept(m("c", 6))).isEqualTo(Positions.Accepted.NOTHING);
    assertThat(positions.duplicatesDropped()).isEqualTo(3);
    assertThat(positions.seq("c")).isEqualTo(3);
  }

  @Test
  void aGapParksTheMessageAndAsksOnceForWhatFollowsThePosition() {
    positions.track("c", 2);
    Positions.Accepted first = positions.accept(m("c", 5));
    assertThat(first.deliver()).isEmpty();
    assertThat(first.resyncAfter()).isEqualTo(OptionalLong.of(2));
    Positions.Accepted second = positions.accept(m("c", 7));
    assertThat(second).isEqualTo(Positions.Accepted.NOTHING); // the join for the gap is out already
    assertThat(positions.seq("c")).isEqualTo(2);
  }

  @Test
  void theMissingMessageBringsTheParkedOnesItUnblocksInOrder() {
    positions.track("c", 2);
    positions.accept(m("c", 5));
    positions.accept(m("c", 4));
    positions.accept(m("c", 7));
    assertThat(seqs(positions.accept(m("c", 3)))).containsExactly(3L, 4L, 5L);
    assertThat(positions.seq("c")).isEqualTo(5);
    // 7 is still parked behind 6, and no second join goes out for it.
    assertThat(positions.accept(m("c", 8)).resyncAfter()).isEmpty();
    assertThat(seqs(positions.accept(m("c", 6)))).containsExactly(6L, 7L, 8L);
    // The gap is filled: the next gap asks again.
    assertThat(positions.accept(m("c", 10)).resyncAfter()).isEqualTo(OptionalLong.of(8));
  }

  @Test
  void messagesOfAConversationNotHeldOrNotYetPlacedAreNotDelivered() {
    assertThat(positions.accept(m("other", 1))).isEqualTo(Positions.Accepted.NOTHING);
    positions.track("c", -1);
    assertThat(positions.accept(m("c", 1))).isEqualTo(Positions.Accepted.NOTHING);
    assertThat(positions.duplicatesDropped()).isZero();
  }

  @Test
  void aJoinedPlacesAnUnknownPositionAndAdoptsAConversationTheServerJoinedUsTo() {
    positions.track("asked", -1);
    positions.joined(joined("asked", 4));
    positions.joined(joined("given", 9));
    assertThat(positions.seq("asked")).isEqualTo(4);
    assertThat(positions.seq("given")).isEqualTo(9);
    assertThat(seqs(positions.accept(m("given", 10)))).containsExactly(10L);
  }

  @Test
  void aJoinedDoesNotMoveAKnownPosition() {
    positions.track("c", 5);
    positions.joined(joined("c", 2));
    assertThat(positions.seq("c")).isEqualTo(5);
  }

  @Test
  void trackingAConversationHeldAlreadyChangesNothing() {
    assertThat(positions.track("c", 0)).isTrue();
    positions.accept(m("c", 1));
    assertThat(positions.track("c", 0)).isFalse();
    assertThat(positions.seq("c")).isEqualTo(1);
    assertThat(positions.track("unplaced", -1)).isTrue();
    assertThat(positions.track("unplaced", 3)).as("an unknown position may still be set").isTrue();
    assertThat(positions.seq("unplaced")).isEqualTo(3);
  }

  @Test
  void reconnectingForgetsParkedMessagesAndResumesEveryKnownPosition() {
    positions.track("a", 2);
    positions.track("b", -1);
    positions.track("c", 0);
    positions.accept(m("a", 5)); // parked, join for the gap sent on the old connection
    assertThat(positions.reconnecting()).containsExactly(Map.entry("a", 2L), Map.entry("c", 0L));
    assertThat(positions.rejoins()).containsExactly(new Command.Join(null, "b", null));
    // Parked 5 is gone; on the new connection the same gap asks again.
    assertThat(positions.accept(m("a", 5)).resyncAfter()).isEqualTo(OptionalLong.of(2));
  }

  @Test
  void aJoinedWithAnEpochPlacesAnEphemeralPositionAndKeepsTheEpoch() {
    positions.track("ticks:eur", -1);
    positions.joined(joined("ticks:eur", 41, "E1"));
    positions.joined(joined("ticks:given", 7, "E2"));
    assertThat(positions.position("ticks:eur")).isEqualTo(new Position(41, "E1"));
    assertThat(positions.position("ticks:given")).isEqualTo(new Position(7, "E2"));
    assertThat(seqs(positions.accept(m("ticks:eur", 42)))).containsExactly(42L);
    assertThat(positions.position("ticks:eur")).isEqualTo(new Position(42, "E1"));
    // A later joined (the answer to a resume) moves neither the seq nor the epoch.
    positions.joined(joined("ticks:eur", 40, "E9"));
    assertThat(positions.position("ticks:eur")).isEqualTo(new Position(42, "E1"));
    assertThat(positions.position("durable")).isEqualTo(new Position(-1, null));
  }

  @Test
  void anEphemeralPositionResumesWithAJoinCarryingItsEpochNotInHelloResume() {
    positions.track("durable", 3);
    positions.track("ticks:eur", 5, "E1");
    positions.track("ticks:new", -1);
    positions.track("ticks:placed", -1);
    positions.joined(joined("ticks:placed", 9, "E2"));
    assertThat(positions.reconnecting()).containsExactly(Map.entry("durable", 3L));
    assertThat(positions.rejoins())
        .containsExactly(
            new Command.Join(null, "ticks:eur", 5L, "E1"),
            new Command.Join(null, "ticks:new", null),
            new Command.Join(null, "ticks:placed", 9L, "E2"));
  }

  @Test
  void aGapInAnEphemeralChannelIsAskedForWithItsEpoch() {
    positions.track("ticks:eur", 5, "E1");
    assertThat(positions.accept(m("ticks:eur", 8)).resyncAfter()).isEqualTo(OptionalLong.of(5));
    assertThat(positions.epoch("ticks:eur")).isEqualTo("E1");
    assertThat(positions.epoch("durable")).isNull();
  }

  @Test
  void continuityLostMovesThePositionToTheNewEpochAndFromAndVoidsWhatWasParked() {
    positions.track("ticks:eur", 5, "E1");
    positions.accept(m("ticks:eur", 8)); // parked, a gap request out
    positions.accept(m("ticks:eur", 9));
    positions.continuityLost(new Push.ContinuityLost("ticks:eur", "E2", 2, 4));
    assertThat(positions.position("ticks:eur")).isEqualTo(new Position(2, "E2"));
    // 3 follows from; the parked 8 and 9 of the old epoch are gone, and the resync is over.
    assertThat(seqs(positions.accept(m("ticks:eur", 3)))).containsExactly(3L);
    assertThat(positions.accept(m("ticks:eur", 5)).resyncAfter()).isEqualTo(OptionalLong.of(3));
    assertThat(positions.duplicatesDropped()).isZero();
  }

  @Test
  void aStaleContinuityLostOfTheEpochHeldNeverMovesThePositionBack() {
    positions.track("ticks:eur", 5, "E1");
    assertThat(positions.continuityLost(new Push.ContinuityLost("ticks:eur", "E1", 2, 7)))
        .as("3-5 are had already: nothing lost")
        .isFalse();
    assertThat(positions.position("ticks:eur")).isEqualTo(new Position(5, "E1"));
    assertThat(seqs(positions.accept(m("ticks:eur", 3)))).as("a repeat").isEmpty();
    assertThat(seqs(positions.accept(m("ticks:eur", 6)))).containsExactly(6L);

    assertThat(positions.continuityLost(new Push.ContinuityLost("ticks:eur", "E1", 9, 12)))
        .as("7-9 are gone")
        .isTrue();
    assertThat(positions.position("ticks:eur")).isEqualTo(new Position(9, "E1"));
    assertThat(positions.continuityLost(new Push.ContinuityLost("ticks:eur", "E2", 0, 1)))
        .as("another epoch: whatever the seqs")
        .isTrue();
    assertThat(positions.position("ticks:eur")).isEqualTo(new Position(0, "E2"));
    assertThat(positions.continuityLost(new Push.ContinuityLost("not-held", "E3", 0, 1))).isFalse();
    assertThat(positions.position("not-held")).isEqualTo(new Position(-1, null));
  }

  @Test
  void aKnownSeqJoinedWithoutAnEpochLearnsItFromJoined() {
    positions.track("ticks:eur", 0, null);
    positions.joined(new Push.Joined(null, "ticks:eur", 4, 0, List.of(), List.of(), 0, "E1"));
    assertThat(positions.position("ticks:eur")).isEqualTo(new Position(0, "E1"));
  }

  @Test
  void aSeqJoinedWithoutAnEpochBelowWhichTheWindowAnswersTakesTheLossThatFollows() {
    positions.track("ticks:eur", 50, null); // e.g. held from before the node restarted
    positions.joined(new Push.Joined(null, "ticks:eur", 20, 0, List.of(), List.of(), 0, "E2"));
    assertThat(positions.continuityLost(new Push.ContinuityLost("ticks:eur", "E2", 0, 20)))
        .as("not a stale repeat: the new epoch's 1-20 are to come")
        .isTrue();
    assertThat(seqs(positions.accept(m("ticks:eur", 1)))).containsExactly(1L);
  }

  @Test
  void anEpochWithoutAKnownSeqIsNotKept() {
    positions.track("ticks:eur", -1, "E1");
    assertThat(positions.position("ticks:eur")).isEqualTo(new Position(-1, null));
    assertThat(positions.rejoins()).containsExactly(new Command.Join(null, "ticks:eur", null));
  }
}
