package dev.parley.bots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeliveryBackoffTest {
  final DeliveryBackoff backoff =
      new DeliveryBackoff(Duration.ofSeconds(10), Duration.ofMinutes(5), 4);

  @Test
  void theDelayDoublesFromTheBaseWithHalfOfItRandom() {
    assertThat(backoff.delayAfter(1, () -> 0.0)).isEqualTo(Duration.ofSeconds(5));
    assertThat(backoff.delayAfter(1, () -> 0.999_999))
        .isBetween(Duration.ofMillis(9_999), Duration.ofSeconds(10));
    assertThat(backoff.delayAfter(2, () -> 0.0)).isEqualTo(Duration.ofSeconds(10));
    assertThat(backoff.delayAfter(3, () -> 0.5)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void theDelayStopsGrowingAtItsMax() {
    assertThat(backoff.delayAfter(6, () -> 0.0)).isEqualTo(Duration.ofMinutes(5).dividedBy(2));
    assertThat(backoff.delayAfter(1000, () -> 0.0)).isEqualTo(Duration.ofMinutes(5).dividedBy(2));
  }

  @Test
  void aDeliveryIsRetriedUntilItsAttemptsAreSpent() {
    assertThat(backoff.retries(1)).isTrue();
    assertThat(backoff.retries(3)).isTrue();
    assertThat(backoff.retries(4)).isFalse();
  }

  @Test
  void nonsenseIsRefused() {
    assertThatThrownBy(() -> new DeliveryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 0))
        .hasMessageContaining("attempts");
    assertThatThrownBy(() -> new DeliveryBackoff(Duration.ZERO, Duration.ofSeconds(1), 3))
        .hasMessageContaining("base");
  }
}
