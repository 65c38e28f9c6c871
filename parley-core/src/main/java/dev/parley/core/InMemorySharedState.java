package dev.parley.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * {@link SharedState} for one node, in memory; each topic's presence in a {@link PresenceSet}.
 * Thread-safe: every method synchronises on the instance; expiry is checked on each call with the
 * monotonic clock it was given.
 */
public final class InMemorySharedState implements SharedState {
  private final LongSupplier nanoTime;

  /** Shared state that reads the system's monotonic clock. */
  public InMemorySharedState() {
    this(System::nanoTime);
  }

  /**
   * Shared state whose entries expire by {@code nanoTime} (a node's {@link NodeClock#nanoTime}).
   */
  public InMemorySharedState(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  private record Entry(String value, long expiresAtNanos) {
    boolean live(long now) {
      return expiresAtNanos - now > 0;
    }
  }

  private final Map<String, PresenceSet> presence = new HashMap<>();
  private final Map<String, Entry> claims = new HashMap<>();

  /** Per topic, per key: the state's frames in order, and when it expires. */
  private final Map<String, Map<String, State>> states = new HashMap<>();

  private final Map<String, Versioned> values = new HashMap<>();

  private record Versioned(String value, long version, long expiresAtNanos) {
    boolean live(long now) {
      return expiresAtNanos - now > 0;
    }
  }

  private record State(List<byte[]> frames, long expiresAtNanos) {
    boolean live(long now) {
      return expiresAtNanos - now > 0;
    }
  }

  @Override
  public synchronized CompletableFuture<PresenceChange> presenceAdd(
      String topic, String member, String user, Duration ttl) {
    long now = nanoTime.getAsLong();
    PresenceSet p = presence.computeIfAbsent(topic, t -> new PresenceSet());
    boolean came = p.add(member, user, now + ttl.toNanos(), now);
    return CompletableFuture.completedFuture(new PresenceChange(came, p.count(now)));
  }

  @Override
  public synchronized CompletableFuture<PresenceChange> presenceRemove(
      String topic, String member, String user) {
    long now = nanoTime.getAsLong();
    PresenceSet p = presence.get(topic);
    if (p == null) {
      return CompletableFuture.completedFuture(new PresenceChange(false, 0));
    }
    boolean gone = p.remove(member, now);
    int count = p.count(now);
    if (p.isEmpty()) {
      presence.remove(topic);
    }
    return CompletableFuture.completedFuture(new PresenceChange(gone, count));
  }

  @Override
  public synchronized CompletableFuture<Integer> presenceCount(String topic) {
    PresenceSet p = presence.get(topic);
    return CompletableFuture.completedFuture(p == null ? 0 : p.count(nanoTime.getAsLong()));
  }

  @Override
  public synchronized CompletableFuture<Boolean> isPresent(String topic, String user) {
    PresenceSet p = presence.get(topic);
    return CompletableFuture.completedFuture(p != null && p.contains(user, nanoTime.getAsLong()));
  }

  @Override
  public synchronized CompletableFuture<List<String>> presentUsers(
      String topic, String after, int limit) {
    PresenceSet p = presence.get(topic);
    return CompletableFuture.completedFuture(
        p == null ? List.of() : p.page(after, limit, nanoTime.getAsLong()));
  }

  @Override
  public synchronized CompletableFuture<Void> putState(
      String topic, String key, byte[] frame, Duration ttl) {
    if (ttl.isZero() || ttl.isNegative()) {
      Map<String, State> m = states.get(topic);
      if (m != null) {
        m.remove(key);
        if (m.isEmpty()) {
          states.remove(topic);
        }
      }
    } else {
      List<byte[]> frames = new ArrayList<>(1);
      frames.add(frame);
      states
          .computeIfAbsent(topic, t -> new HashMap<>())
          .put(key, new State(frames, nanoTime.getAsLong() + ttl.toNanos()));
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<Void> appendState(
      String topic, String key, byte[] frame, Duration ttl) {
    long now = nanoTime.getAsLong();
    Map<String, State> m = states.computeIfAbsent(topic, t -> new HashMap<>());
    State old = m.get(key);
    List<byte[]> frames = old != null && old.live(now) ? old.frames() : new ArrayList<>();
    frames.add(frame);
    m.put(key, new State(frames, now + ttl.toNanos()));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<List<byte[]>> states(String topic) {
    long now = nanoTime.getAsLong();
    List<byte[]> out = new ArrayList<>();
    Map<String, State> m = states.get(topic);
    if (m != null) {
      m.values().removeIf(e -> !e.live(now));
      for (State e : m.values()) {
        out.addAll(e.frames());
      }
    }
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public synchronized CompletableFuture<Boolean> setValue(
      String key, String value, long version, Duration ttl) {
    long now = nanoTime.getAsLong();
    Versioned old = values.get(key);
    if (old != null && old.live(now) && old.version() > version) {
      return CompletableFuture.completedFuture(false);
    }
    values.put(key, new Versioned(value, version, now + ttl.toNanos()));
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public synchronized CompletableFuture<Void> removeValue(String key) {
    values.remove(key);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<String> value(String key) {
    Versioned e = values.get(key);
    if (e != null && !e.live(nanoTime.getAsLong())) {
      values.remove(key);
      e = null;
    }
    return CompletableFuture.completedFuture(e == null ? null : e.value());
  }

  @Override
  public synchronized CompletableFuture<Boolean> claim(String key, String owner, Duration ttl) {
    long now = nanoTime.getAsLong();
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
    boolean mine = e != null && e.live(nanoTime.getAsLong()) && e.value().equals(owner);
    if (mine) {
      claims.remove(key);
    }
    return CompletableFuture.completedFuture(mine);
  }

  @Override
  public void close() {}
}
