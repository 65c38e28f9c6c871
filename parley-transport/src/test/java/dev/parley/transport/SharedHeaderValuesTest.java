package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link SharedHeaderValues}: equal values are held once, and what it keeps is bounded. */
@Timeout(10)
class SharedHeaderValuesTest {
  /** A copy that is equal to {@code s} but another object, as a header decoder makes each time. */
  static String copy(String s) {
    return new String(s.toCharArray());
  }

  @Test
  void equalValuesFromManyConnectionsAreOneObject() {
    SharedHeaderValues shared = new SharedHeaderValues();
    String first = shared.of(copy("https://shop.example"));
    String second = shared.of(copy("https://shop.example"));
    assertThat(second).isEqualTo("https://shop.example").isSameAs(first);
    assertThat(shared.of(null)).isNull();
  }

  @Test
  void pastTheBoundsAValueIsUsedAsItCameAndNothingMoreIsKept() {
    SharedHeaderValues shared = new SharedHeaderValues();
    String longValue = "h".repeat(SharedHeaderValues.MAX_LENGTH + 1);
    String once = shared.of(copy(longValue));
    assertThat(shared.of(copy(longValue))).isEqualTo(longValue).isNotSameAs(once);
    for (int i = 0; i < SharedHeaderValues.MAX_VALUES; i++) {
      shared.of("origin-" + i);
    }
    String late = shared.of(copy("https://late.example"));
    assertThat(shared.of(copy("https://late.example")))
        .as("the map is full: not kept")
        .isEqualTo(late)
        .isNotSameAs(late);
    String kept = shared.of(copy("origin-7"));
    assertThat(shared.of(copy("origin-7"))).as("kept before it filled").isSameAs(kept);
  }
}
