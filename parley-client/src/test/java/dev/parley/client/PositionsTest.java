package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

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
    assertThat(positions.unknown()).containsExactly("b");
    // Parked 5 is gone; on the new connection the same gap asks again.
    assertThat(positions.accept(m("a", 5)).resyncAfter()).isEqualTo(OptionalLong.of(2));
  }
}
