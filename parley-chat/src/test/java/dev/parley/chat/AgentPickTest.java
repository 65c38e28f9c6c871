package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who gets the next conversation, on a directory of three agents. */
class AgentPickTest {
  final Directory directory =
      new Directory(
          Map.of(),
          Map.of(
              "ann", ChatHarness.agent("ann", 2),
              "bob", ChatHarness.agent("bob", 2),
              "cy", ChatHarness.agent("cy", 1)));
  final AgentPick pick = new AgentPick(directory);

  @Test
  void theLeastLoadedWithRoomGetsItAndEqualsTakeTurns() {
    List<String> online = List.of("ann", "bob", "cy");
    assertThat(pick.next(online, Map.of("ann", 1, "cy", 1)).orElseThrow().user())
        .as("bob has none; cy is full")
        .isEqualTo("bob");
    Map<String, Integer> even = Map.of("ann", 1, "bob", 1, "cy", 1);
    assertThat(List.of(pick.next(online, even), pick.next(online, even)))
        .extracting(a -> a.orElseThrow().user())
        .containsExactlyInAnyOrder("ann", "bob");
    assertThat(pick.next(online, Map.of("ann", 2, "bob", 2, "cy", 1))).isEmpty();
  }

  @Test
  void anOnlineUserWhoseAccountIsGoneIsPassedOver() {
    assertThat(pick.next(List.of("gone", "ann"), Map.of()).orElseThrow().user()).isEqualTo("ann");
    assertThat(pick.next(List.of("gone"), Map.of())).isEmpty();
  }
}
