package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-loop heartbeat wheel on Netty's embedded clock: due times, one timer for many, and no
 * timer when empty.
 */
class HeartbeatWheelTest {
  static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  EmbeddedChannel loop;
  HeartbeatWheel wheel;

  @BeforeEach
  void open() {
    loop = new EmbeddedChannel();
    loop.freezeTime();
    wheel = new HeartbeatWheel.PerLoop(30 * SECOND, 10 * SECOND).of(loop.eventLoop());
  }

  long now() {
    return loop.eventLoop().ticker().nanoTime();
  }

  /** Advances the clock a second at a time, running what is due. */
  void advance(int seconds) {
    for (int i = 0; i < seconds; i++) {
      loop.advanceTimeBy(1, TimeUnit.SECONDS);
      loop.runScheduledPendingTasks();
    }
  }

  @Test
  void aMemberIsCalledWhenDueNotBeforeAndAgainAfterTheDelayItReturns() {
    long start = now();
    List<Long> calls = new ArrayList<>();
    wheel.add(
        t -> {
          calls.add((t - start) / SECOND);
          return calls.size() < 3 ? 7 * SECOND : -1;
        },
        30 * SECOND);
    advance(29);
    assertThat(calls).isEmpty();
    advance(1);
    assertThat(calls).containsExactly(30L);
    advance(20);
    assertThat(calls).containsExactly(30L, 37L, 44L); // then it left
  }

  @Test
  void oneTimerServesEveryMemberAndStopsWhenTheLastLeaves() {
    int[] calls = new int[1];
    for (int i = 0; i < 9_000; i++) {
      long delay = (i % 30 + 1) * SECOND;
      wheel.add(
          t -> {
            calls[0]++;
            return -1;
          },
          delay);
    }
    // One periodic task for 9,000 members: the next scheduled task is a tick away, not 9,000
    // timers.
    assertThat(loop.runScheduledPendingTasks()).isEqualTo(SECOND);
    advance(15);
    assertThat(calls[0]).isEqualTo(4_500);
    advance(15);
    assertThat(calls[0]).isEqualTo(9_000);
    assertThat(loop.runScheduledPendingTasks()).as("no timer left").isEqualTo(-1);

    wheel.add(
        t -> {
          calls[0]++;
          return -1;
        },
        2 * SECOND);
    advance(2);
    assertThat(calls[0]).as("the timer restarts with the next member").isEqualTo(9_001);
  }

  @Test
  void aDelayLongerThanTheWheelIsCappedNotWrappedAround() {
    long start = now();
    long[] at = {-1};
    wheel.add(
        t -> {
          at[0] = (t - start) / SECOND;
          return -1;
        },
        1000 * SECOND);
    advance(10);
    assertThat(at[0]).as("not early after wrapping round the slots").isEqualTo(-1);
    advance(30);
    assertThat(at[0]).isBetween(30L, 32L);
  }
}
