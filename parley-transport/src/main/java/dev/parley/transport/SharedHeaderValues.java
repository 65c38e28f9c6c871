package dev.parley.transport;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Header values that many connections share — the {@code Origin} and {@code Host} of the upgrade
 * request, which a connection keeps for its life — held once for all of them: each connection would
 * otherwise keep its own copy of the same few strings (about 120 bytes per idle connection;
 * docs/BENCHMARKS.md, "Idle heap per connection").
 *
 * <p>Bounded, since clients choose what they send: at most {@value #MAX_VALUES} values of at most
 * {@value #MAX_LENGTH} characters are kept (about half a MiB at worst); past either, a value is
 * used as it came, unshared. Nothing is ever dropped: a server sees few origins and hosts.
 *
 * <p>Thread-safe: a concurrent map; called on any event loop.
 */
final class SharedHeaderValues {
  /** The most values kept. */
  static final int MAX_VALUES = 1024;

  /** The longest value kept, in characters. */
  static final int MAX_LENGTH = 256;

  private final ConcurrentHashMap<String, String> values = new ConcurrentHashMap<>();

  /** The kept copy of {@code value} (kept now if there is room), or {@code value} itself. */
  String of(String value) {
    if (value == null || value.length() > MAX_LENGTH) {
      return value;
    }
    String kept = values.get(value);
    if (kept != null || values.size() >= MAX_VALUES) {
      return kept != null ? kept : value;
    }
    kept = values.putIfAbsent(value, value);
    return kept != null ? kept : value;
  }
}
