package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.InMemorySharedState;
import dev.parley.core.ManualClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A pass's claim on its site, on the in-memory shared state and a manual clock: when it is renewed,
 * and when a pass must stop.
 */
class AssignClaimTest {
  final ManualClock clock = new ManualClock();
  final InMemorySharedState shared = new InMemorySharedState(clock::nanoTime);
  final AtomicInteger asked = new AtomicInteger();

  /** This node's claim; every shared-state answer it waits for is counted. */
  AssignClaim claim() {
    return new AssignClaim(
        shared,
        clock,
        f -> {
          asked.incrementAndGet();
          return f.join();
        },
        "demo",
        "this-node");
  }

  /** Whether another node's pass could take the site now (it releases at once if so). */
  boolean otherNodeCouldTake() {
    boolean took = shared.claim("assign:demo", "other-node", AssignClaim.LENGTH).join();
    if (took) {
      shared.release("assign:demo", "other-node").join();
    }
    return took;
  }

  @Test
  void movesWithinAThirdOfTheClaimDoNotRenewIt() {
    AssignClaim c = claim();
    assertThat(c.take()).isTrue();
    for (int i = 0; i < 3; i++) {
      assertThat(c.keep()).isTrue();
      c.moved();
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(asked).as("taken once, never renewed").hasValue(1);

    clock.advance(AssignClaim.LENGTH.minusSeconds(3));
    assertThat(otherNodeCouldTake()).as("the claim taken at 0 s lapsed at 10 s").isTrue();
  }

  @Test
  void aMoveAfterAThirdOfTheClaimRenewsIt() {
    AssignClaim c = claim();
    assertThat(c.take()).isTrue();
    c.moved();
    clock.advance(AssignClaim.RENEW_AFTER);
    assertThat(c.keep()).isTrue();
    assertThat(asked).hasValue(2);

    clock.advance(AssignClaim.LENGTH.minus(AssignClaim.RENEW_AFTER));
    assertThat(otherNodeCouldTake()).as("renewed at 3.3 s, held until 13.3 s").isFalse();
    clock.advance(AssignClaim.RENEW_AFTER);
    assertThat(otherNodeCouldTake()).isTrue();
  }

  @Test
  void aMoveThatOutlivedTheClaimEndsThePassWithoutRenewing() {
    AssignClaim c = claim();
    assertThat(c.take()).isTrue();
    c.moved();
    clock.advance(AssignClaim.LENGTH);
    assertThat(c.keep()).isFalse();
    assertThat(asked).as("a lapsed claim is not renewed").hasValue(1);
  }

  @Test
  void aRenewalThatAnswersAfterTheClaimLapsedEndsThePass() {
    AtomicReference<Duration> answersAfter = new AtomicReference<>(Duration.ZERO);
    AssignClaim c =
        new AssignClaim(
            shared,
            clock,
            f -> {
              clock.advance(answersAfter.get()); // the shared state answers this much later
              return f.join();
            },
            "demo",
            "this-node");
    assertThat(c.take()).isTrue(); // at 0 s
    c.moved();
    clock.advance(Duration.ofSeconds(4));
    answersAfter.set(Duration.ofSeconds(7));
    assertThat(c.keep())
        .as("asked at 4 s, answered at 11 s: the claim of 0 s may have lapsed")
        .isFalse();
  }

  @Test
  void theReadsBeforeTheFirstMoveAreNotHeldAgainstThePass() {
    AssignClaim c = claim();
    assertThat(c.take()).isTrue();
    clock.advance(AssignClaim.LENGTH.plusSeconds(2)); // slow reads: the claim lapsed
    assertThat(c.keep()).as("renewed: no move was made on the old counts").isTrue();
    assertThat(otherNodeCouldTake()).isFalse();
  }

  @Test
  void aClaimAnotherNodeTookMeanwhileEndsThePassEvenBeforeItsFirstMove() {
    AssignClaim c = claim();
    assertThat(c.take()).isTrue();
    clock.advance(AssignClaim.LENGTH);
    assertThat(shared.claim("assign:demo", "other-node", AssignClaim.LENGTH).join()).isTrue();
    assertThat(c.keep()).isFalse();
  }

  @Test
  void aClaimHeldByAnotherNodeIsNotTakenAndReleaseLeavesIt() {
    assertThat(shared.claim("assign:demo", "other-node", AssignClaim.LENGTH).join()).isTrue();
    AssignClaim c = claim();
    assertThat(c.take()).isFalse();
    c.release();
    assertThat(shared.claim("assign:demo", "third-node", AssignClaim.LENGTH).join())
        .as("still the other node's")
        .isFalse();
  }

  @Test
  void releaseLetsAnotherNodeTakeTheSiteAtOnce() {
    AssignClaim c = claim();
    assertThat(c.take()).isTrue();
    c.release();
    assertThat(otherNodeCouldTake()).isTrue();
  }
}
