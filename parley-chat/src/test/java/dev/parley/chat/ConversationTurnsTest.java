package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.ManualClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ConversationTurns} on the manual clock: turns go in the order taken, a turn waits for the
 * one before at most {@link ConversationTurns#TURN_WAIT}, a move told makes the earlier turns still
 * in flight stale, and a conversation's line goes with its last turn.
 */
@Timeout(30)
class ConversationTurnsTest {
  final ManualClock clock = new ManualClock();
  final ConversationTurns turns = new ConversationTurns(clock);

  @Test
  void aTurnGoesOnceTheOneBeforeItHasFinishedFailedOrNot() {
    ConversationTurns.Turn first = turns.take("c1");
    ConversationTurns.Turn second = turns.take("c1");
    assertThat(turns.ready(first)).isDone();
    CompletableFuture<Void> secondReady = turns.ready(second);
    assertThat(secondReady).isNotDone();

    turns.finish(first, new IllegalStateException("the store failed"));

    assertThat(secondReady).isCompleted();
    assertThat(first.done()).isCompletedExceptionally();
  }

  @Test
  void aTurnWaitsForAnUnfinishedOneAtMostTurnWait() throws Exception {
    turns.take("c1"); // never finishes
    CompletableFuture<Void> ready = turns.ready(turns.take("c1"));

    clock.advance(ConversationTurns.TURN_WAIT.minusNanos(1));
    assertThat(ready).isNotDone();
    clock.advance(Duration.ofNanos(1));
    ready.get(5, TimeUnit.SECONDS); // completed on the common pool
  }

  @Test
  void aMoveToldMakesEveryEarlierTurnStillInFlightStaleAndNoLaterOne() {
    ConversationTurns.Turn hung = turns.take("c1");
    ConversationTurns.Turn view = turns.take("c1");
    ConversationTurns.Turn move = turns.take("c1");
    ConversationTurns.Turn after = turns.take("c1");
    ConversationTurns.Turn elsewhere = turns.take("c2");
    turns.finish(view, null);

    turns.told(move);

    assertThat(turns.stale(hung, "status")).isTrue();
    assertThat(turns.stale(move, "status")).isFalse();
    assertThat(turns.stale(after, "status")).isFalse();
    assertThat(turns.stale(elsewhere, "status")).isFalse();
  }

  @Test
  void aTurnThatTellsNothingMakesNothingStale() {
    ConversationTurns.Turn hung = turns.take("c1");
    ConversationTurns.Turn lost = turns.take("c1");

    turns.finish(lost, null);

    assertThat(turns.stale(hung, "status")).isFalse();
  }

  @Test
  void aConversationsLineGoesWithItsLastTurnAndOthersDoNotWait() {
    ConversationTurns.Turn a = turns.take("c1");
    ConversationTurns.Turn b = turns.take("c1");
    ConversationTurns.Turn other = turns.take("c2");
    assertThat(turns.ready(other)).as("another conversation's turn does not wait").isDone();
    assertThat(turns.conversationsInFlight()).isEqualTo(2);

    turns.finish(a, null);
    turns.finish(other, null);
    assertThat(turns.conversationsInFlight()).isEqualTo(1);
    turns.finish(b, null);

    assertThat(turns.conversationsInFlight()).isZero();
    assertThat(turns.ready(turns.take("c1"))).as("a new line starts ready").isDone();
  }
}
