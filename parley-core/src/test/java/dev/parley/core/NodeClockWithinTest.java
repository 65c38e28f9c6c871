package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@link NodeClock#within} on the manual clock: an answer within the limit passes through and
 * cancels the timer; none by the limit is a {@link TimeoutException}, completed on the executor
 * given, not on the clock's thread; a closed clock leaves the wait unbounded.
 */
class NodeClockWithinTest {
  static final Duration LIMIT = Duration.ofSeconds(10);

  final ManualClock clock = new ManualClock();

  /** Queues what the clock's timer hands over, so the test sees that it hopped. */
  final List<Runnable> handedOver = new ArrayList<>();

  final Executor executor = handedOver::add;

  @Test
  void anAnswerWithinTheLimitPassesThroughAndCancelsTheTimer() {
    CompletableFuture<String> answer = new CompletableFuture<>();
    CompletableFuture<String> bounded = clock.within(answer, LIMIT, executor);
    assertThat(clock.pendingTimers()).isEqualTo(1);

    clock.advance(LIMIT.minusNanos(1));
    answer.complete("yes");

    assertThat(bounded).isCompletedWithValue("yes");
    assertThat(clock.pendingTimers()).isZero();
    clock.advance(LIMIT);
    assertThat(handedOver).isEmpty();
  }

  @Test
  void aFailureWithinTheLimitPassesThrough() {
    CompletableFuture<String> answer = new CompletableFuture<>();
    CompletableFuture<String> bounded = clock.within(answer, LIMIT, executor);

    answer.completeExceptionally(new IllegalStateException("the store is down"));

    assertThat(bounded)
        .failsWithin(Duration.ZERO)
        .withThrowableThat()
        .havingRootCause()
        .isInstanceOf(IllegalStateException.class)
        .withMessage("the store is down");
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void noAnswerByTheLimitTimesOutOnTheExecutorAndLeavesTheWorkAlone() {
    CompletableFuture<String> answer = new CompletableFuture<>();
    CompletableFuture<String> bounded = clock.within(answer, LIMIT, executor);

    clock.advance(LIMIT.minusNanos(1));
    assertThat(handedOver).isEmpty();
    clock.advance(Duration.ofNanos(1));
    assertThat(bounded).as("the clock's thread only hands over").isNotDone();
    assertThat(handedOver).hasSize(1);

    handedOver.get(0).run();
    assertThat(bounded)
        .failsWithin(Duration.ZERO)
        .withThrowableThat()
        .havingRootCause()
        .isInstanceOf(TimeoutException.class)
        .withMessage("no answer within PT10S");
    answer.complete("late");
    assertThat(answer).isCompletedWithValue("late");
  }

  @Test
  void aFutureAlreadyAnsweredIsReturnedAsItIsWithoutATimer() {
    CompletableFuture<String> answer = CompletableFuture.completedFuture("now");

    assertThat(clock.within(answer, LIMIT, executor)).isSameAs(answer);
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void aClosedClockLeavesTheWaitUnbounded() {
    NodeClock system = NodeClock.system("within-test-timer");
    system.close();
    CompletableFuture<String> answer = new CompletableFuture<>();

    CompletableFuture<String> bounded = system.within(answer, Duration.ZERO, executor);

    assertThat(bounded).isNotDone();
    answer.complete("after all");
    assertThat(bounded).isCompletedWithValue("after all");
    assertThat(handedOver).isEmpty();
  }
}
