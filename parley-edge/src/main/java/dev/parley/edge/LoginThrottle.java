package dev.parley.edge;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Budgets of failed password logins, by user and by client address ({@code
 * docs/SECURITY.md#logins}): a user may fail {@code userBudget} times and an address {@code
 * addressBudget} times; after that each further failure doubles the wait before the next try is
 * even checked (from one second to {@link #MAX_WAIT}), answered {@code rate_limited} with the wait.
 * A success clears the user's count (not the address's: one account's right password does not let
 * an address go on guessing others); a count is forgotten {@link #MAX_WAIT} after its last failure.
 * At most {@code maxKeys} users and addresses are remembered (least recently failed forgotten
 * first). Per node: in a cluster each node keeps its own.
 *
 * <p>Thread-safe: guarded by {@code this}.
 */
final class LoginThrottle {
  /** The longest wait, and how long a count is remembered. */
  static final Duration MAX_WAIT = Duration.ofMinutes(15);

  private record Count(int failures, long lastMillis) {}

  private final Clock clock;
  private final int userBudget;
  private final int addressBudget;
  private final Map<String, Count> counts;

  LoginThrottle(Clock clock, int userBudget, int addressBudget, int maxKeys) {
    this.clock = clock;
    this.userBudget = userBudget;
    this.addressBudget = addressBudget;
    this.counts =
        new LinkedHashMap<>(256, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Count> eldest) {
            return size() > maxKeys;
          }
        };
  }

  /**
   * Milliseconds {@code user} from {@code address} (null: unknown) must wait before trying; 0: try
   * now.
   */
  synchronized long waitMillis(String user, String address) {
    long now = clock.millis();
    return Math.max(
        wait("u:" + user, userBudget, now),
        address == null ? 0 : wait("a:" + address, addressBudget, now));
  }

  /** A login of {@code user} from {@code address} failed. */
  synchronized void failed(String user, String address) {
    long now = clock.millis();
    bump("u:" + user, now);
    if (address != null) {
      bump("a:" + address, now);
    }
  }

  /** {@code user} logged in. */
  synchronized void succeeded(String user) {
    counts.remove("u:" + user);
  }

  private void bump(String key, long now) {
    Count c = live(key, now);
    counts.put(key, new Count(c == null ? 1 : c.failures() + 1, now));
  }

  private long wait(String key, int budget, long now) {
    Count c = live(key, now);
    if (c == null || c.failures() < budget) {
      return 0;
    }
    int over = Math.min(30, c.failures() - budget);
    long delay = Math.min(MAX_WAIT.toMillis(), 1000L << over);
    return Math.max(0, c.lastMillis() + delay - now);
  }

  private Count live(String key, long now) {
    Count c = counts.get(key);
    if (c != null && now - c.lastMillis() > MAX_WAIT.toMillis()) {
      counts.remove(key);
      return null;
    }
    return c;
  }
}
