package dev.parley.core;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@link SharedState} for one node, in memory. Thread-safe: every method synchronises on the
 * instance; expiry is checked on read with the monotonic clock.
 */
public final class InMemorySharedState implements SharedState {
  private record Entry(String value, long expiresAtNanos) {
    boolean live(long now) {
      return expiresAtNanos - now > 0;
    }
  }

  private final Map<String, Map<String, Entry>> presence = new HashMap<>();
  private final Map<String, Entry> claims = new HashMap<>();
  private final Map<String, Map<String, Entry>> states = new HashMap<>();

  @Override
  public synchronized CompletableFuture<Void> presenceAdd(String topic, String member, String user, Duration ttl) {
    presence.computeIfAbsent(topic, t -> new HashMap<>()).put(member, new Entry(user, System.nanoTime() + ttl.toNanos()));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<Void> presenceRemove(String topic, String member) {
    Map<String, Entry> m = presence.get(topic);
    if (m != null) {
      m.remove(member);
      if (m.isEmpty()) {
        presence.remove(topic);
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<Map<String, String>> presence(String topic) {
    long now = System.nanoTime();
    Map<String, String> out = new HashMap<>();
    Map<String, Entry> m = presence.get(topic);
    if (m != null) {
      m.values().removeIf(e -> !e.live(now));
      m.forEach((member, e) -> out.put(member, e.value()));
    }
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public synchronized CompletableFuture<Void> putState(String topic, String key, byte[] frame, Duration ttl) {
    if (ttl.isZero() || ttl.isNegative()) {
      Map<String, Entry> m = states.get(topic);
      if (m != null) {
        m.remove(key);
        if (m.isEmpty()) {
          states.remove(topic);
        }
      }
    } else {
      states.computeIfAbsent(topic, t -> new HashMap<>())
          .put(key, new Entry(new String(frame, java.nio.charset.StandardCharsets.UTF_8), System.nanoTime() + ttl.toNanos()));
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<java.util.List<byte[]>> states(String topic) {
    long now = System.nanoTime();
    java.util.List<byte[]> out = new java.util.ArrayList<>();
    Map<String, Entry> m = states.get(topic);
    if (m != null) {
      m.values().removeIf(e -> !e.live(now));
      for (Entry e : m.values()) {
        out.add(e.value().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public synchronized CompletableFuture<Boolean> claim(String key, String owner, Duration ttl) {
    long now = System.nanoTime();
    Entry e = claims.get(key);
    if (e != null && e.live(now) && !e.value().equals(owner)) {
      return CompletableFuture.completedFuture(false);
    }
    claims.put(key, new Entry(owner, now + ttl.toNanos()));
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public synchronized CompletableFuture<Boolean> release(String key, String owner) {
    Entry e = claims.get(key);
    boolean mine = e != null && e.live(System.nanoTime()) && e.value().equals(owner);
    if (mine) {
      claims.remove(key);
    }
    return CompletableFuture.completedFuture(mine);
  }

  @Override
  public void close() {}
}
