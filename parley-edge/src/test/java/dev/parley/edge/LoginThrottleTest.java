package dev.parley.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Failure budgets per user and per address, then a doubling wait (issue 14.5), on a hand-moved
 * clock.
 */
class LoginThrottleTest {
  final MutableClock clock = new MutableClock(1_000_000);
  final LoginThrottle throttle = new LoginThrottle(clock, 5, 20, 1000);

  void fail(String user, String address, int times) {
    for (int i = 0; i < times; i++) {
      throttle.failed(user, address);
    }
  }

  @Test
  void aUserMayFailFiveTimesThenEachFailureDoublesTheWait() {
    fail("maya", "192.0.2.1", 4);
    assertThat(throttle.waitMillis("maya", "192.0.2.1")).isZero();
    fail("maya", "192.0.2.1", 1);
    assertThat(throttle.waitMillis("maya", "192.0.2.1")).isEqualTo(1000);
    assertThat(throttle.waitMillis("maya", "198.51.100.1"))
        .as("the user's budget, from any address")
        .isEqualTo(1000);
    clock.advance(Duration.ofSeconds(1));
    assertThat(throttle.waitMillis("maya", "192.0.2.1")).isZero();
    fail("maya", "192.0.2.1", 1);
    assertThat(throttle.waitMillis("maya", "192.0.2.1")).isEqualTo(2000);
    fail("maya", "192.0.2.1", 1);
    assertThat(throttle.waitMillis("maya", "192.0.2.1")).isEqualTo(4000);
    fail("maya", "192.0.2.1", 20);
    assertThat(throttle.waitMillis("maya", "192.0.2.1"))
        .as("at most")
        .isEqualTo(LoginThrottle.MAX_WAIT.toMillis());
  }

  @Test
  void anAddressMayFailTwentyTimesAcrossUsers() {
    for (int i = 0; i < 19; i++) {
      throttle.failed("user" + i, "192.0.2.9");
    }
    assertThat(throttle.waitMillis("someone", "192.0.2.9")).isZero();
    throttle.failed("user19", "192.0.2.9");
    assertThat(throttle.waitMillis("someone", "192.0.2.9")).isEqualTo(1000);
    assertThat(throttle.waitMillis("someone", "192.0.2.10")).isZero();
  }

  @Test
  void aSuccessClearsTheUsersCountButNotTheAddresss() {
    for (int i = 0; i < 20; i++) {
      throttle.failed(i < 5 ? "maya" : "user" + i, "192.0.2.9");
    }
    throttle.succeeded("maya");
    assertThat(throttle.waitMillis("maya", "198.51.100.1")).isZero();
    assertThat(throttle.waitMillis("maya", "192.0.2.9"))
        .as("the address keeps guessing no further")
        .isPositive();
  }

  @Test
  void countsAreForgottenFifteenMinutesAfterTheLastFailure() {
    fail("maya", null, 8);
    assertThat(throttle.waitMillis("maya", null)).isEqualTo(8000);
    clock.advance(LoginThrottle.MAX_WAIT.plusMillis(1));
    assertThat(throttle.waitMillis("maya", null)).isZero();
    fail("maya", null, 5);
    assertThat(throttle.waitMillis("maya", null)).as("a fresh budget").isEqualTo(1000);
  }

  @Test
  void memoryIsBoundedByTheKeysItKeeps() {
    LoginThrottle small = new LoginThrottle(clock, 1, 1, 2);
    small.failed("a", null);
    small.failed("b", null);
    small.failed("c", null); // a is forgotten
    assertThat(small.waitMillis("a", null)).isZero();
    assertThat(small.waitMillis("c", null)).isPositive();
  }
}
