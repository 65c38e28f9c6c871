package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void ceilingsDoubleFromTheBaseUpToTheCap() {
    Backoff b = Backoff.defaults();
    assertThat(b.ceilingMillis(0)).isEqualTo(500);
    assertThat(b.ceilingMillis(1)).isEqualTo(1000);
    assertThat(b.ceilingMillis(2)).isEqualTo(2000);
    assertThat(b.ceilingMillis(5)).isEqualTo(16000);
    assertThat(b.ceilingMillis(6)).isEqualTo(30000);
    assertThat(b.ceilingMillis(1000)).isEqualTo(30000);
  }

  @Test
  void delaysAreFullJitterBetweenZeroAndTheCeiling() {
    Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 10_000; i++) {
      long d = b.delayMillis(3);
      assertThat(d).isBetween(0L, 8000L);
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    // Spread over the whole window, not clustered near the ceiling.
    assertThat(min).isLessThan(800);
    assertThat(max).isGreaterThan(7200);
  }
}
