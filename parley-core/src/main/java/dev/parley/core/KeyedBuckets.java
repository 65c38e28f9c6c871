package dev.parley.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets by key (a client address, a site): each key may take {@code burst} at once and
 * {@code perSecond} after that. The keys least recently used are forgotten beyond {@code maxKeys},
 * so the memory is bounded whatever the traffic (a forgotten key starts again with a full bucket).
 * Limits are per node: in a cluster each node counts its own.
 *
 * <p>Thread-safe: guarded by {@code this}; times come from the given clock.
 */
public final class KeyedBuckets {
  private final NodeClock clock;
  private final double perSecond;
  private final int burst;
  private final Map<String, Bucket> buckets;

  /** A key's tokens as of {@code atNanos}. */
  private static final class Bucket {
    double tokens;
    long atNanos;

    Bucket(double tokens, long atNanos) {
      this.tokens = tokens;
      this.atNanos = atNanos;
    }
  }

  /**
   * @param perSecond tokens added per second to each key's bucket
   * @param burst the bucket's size
   * @param maxKeys keys remembered at most
   */
  public KeyedBuckets(NodeClock clock, double perSecond, int burst, int maxKeys) {
    this.clock = clock;
    this.perSecond = perSecond;
    this.burst = burst;
    this.buckets =
        new LinkedHashMap<>(256, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > maxKeys;
          }
        };
  }

  /** Takes a token for {@code key}; false when its bucket is empty. A null key is never limited. */
  public synchronized boolean take(String key) {
    if (key == null) {
      return true;
    }
    long now = clock.nanoTime();
    Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
    b.tokens = Math.min(burst, b.tokens + (now - b.atNanos) / 1e9 * perSecond);
    b.atNanos = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Milliseconds until {@code key} has a token again (0 when it has one now). */
  public synchronized long millisUntilNext(String key) {
    Bucket b = key == null ? null : buckets.get(key);
    if (b == null || perSecond <= 0) {
      return 0;
    }
    double tokens = Math.min(burst, b.tokens + (clock.nanoTime() - b.atNanos) / 1e9 * perSecond);
    return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perSecond * 1000);
  }
}
