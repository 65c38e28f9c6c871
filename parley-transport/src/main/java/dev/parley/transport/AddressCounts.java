package dev.parley.transport;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many of something each client address holds (connections, fallback sessions), for the
 * per-address limit. Thread-safe: every change is one atomic update of its address's entry, and an
 * address whose count falls to 0 leaves the map.
 */
final class AddressCounts {
  private final ConcurrentHashMap<InetAddress, Integer> counts = new ConcurrentHashMap<>();

  /**
   * Counts one more for {@code address}; returns its count now (the caller compares it with the
   * limit).
   */
  int add(InetAddress address) {
    return counts.merge(address, 1, Integer::sum);
  }

  /** Counts one less for {@code address}. */
  void remove(InetAddress address) {
    counts.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
  }
}
