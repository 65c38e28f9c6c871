package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link Leaves}: a {@code joined} that arrives while a leave of its conversation is unanswered is
 * not taken up, however many join-and-leave pairs are in flight; a leave made before the welcome
 * goes out after it.
 */
class LeavesTest {
  private final Leaves leaves = new Leaves();

  @Test
  void aJoinedIsTakenUpOnlyOnceEveryLeaveOfItsConversationIsAnswered() {
    assertThat(leaves.takesUp("a")).isTrue();
    leaves.joining("a");
    assertThat(leaves.leave("a", true)).isTrue();
    leaves.joining("a"); // join, leave, join, leave: an agent flicking to a conversation and away
    assertThat(leaves.leave("a", true)).isTrue();
    assertThat(leaves.takesUp("a")).as("the first join's joined").isFalse();
    leaves.answered("a");
    assertThat(leaves.takesUp("a")).as("the second join's joined").isFalse();
    leaves.answered("a");
    assertThat(leaves.takesUp("a")).isTrue();
    assertThat(leaves.takesUp("b")).as("other conversations").isTrue();
  }

  @Test
  void aLeaveBeforeTheWelcomeGoesOutAfterItUnlessJoinedAgain() {
    assertThat(leaves.leave("a", false)).as("not written while not connected").isFalse();
    assertThat(leaves.leave("b", false)).isFalse();
    leaves.joining("b"); // the application changed its mind
    assertThat(leaves.takesUp("a")).isTrue();
    assertThat(leaves.welcomed()).containsExactly("a");
    assertThat(leaves.takesUp("a")).as("the resume's joined").isFalse();
    leaves.answered("a");
    assertThat(leaves.takesUp("a")).isTrue();
    assertThat(leaves.welcomed()).as("written once").isEmpty();
  }

  @Test
  void aNewConnectionForgetsTheLeavesTheOldOneNeverAnswered() {
    leaves.leave("a", true);
    assertThat(leaves.welcomed()).isEmpty();
    assertThat(leaves.takesUp("a")).isTrue();
  }
}
