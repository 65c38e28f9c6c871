package dev.parley.chat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ConfigStore} in memory, for tests and the chat harness. Thread-safe: every method is
 * synchronized.
 */
public final class InMemoryConfigStore implements ConfigStore {
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final List<Audit> audit = new ArrayList<>();
  private long version;

  private static String key(Kind kind, String id) {
    return kind.wire() + "/" + id;
  }

  @Override
  public synchronized CompletableFuture<Snapshot> load() {
    return CompletableFuture.completedFuture(new Snapshot(List.copyOf(entries.values()), version));
  }

  @Override
  public synchronized CompletableFuture<Long> version() {
    return CompletableFuture.completedFuture(version);
  }

  @Override
  public synchronized CompletableFuture<Optional<Entry>> find(Kind kind, String id) {
    return CompletableFuture.completedFuture(Optional.ofNullable(entries.get(key(kind, id))));
  }

  @Override
  public synchronized CompletableFuture<Optional<Entry>> put(
      Kind kind, String id, String body, long expected, Audit a) {
    Entry old = entries.get(key(kind, id));
    if ((old == null ? 0 : old.version()) != expected) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    Entry e = new Entry(kind, id, ++version, body, a.atMillis());
    entries.put(key(kind, id), e);
    audit.add(a);
    return CompletableFuture.completedFuture(Optional.of(e));
  }

  @Override
  public synchronized CompletableFuture<Void> record(Audit a) {
    audit.add(a);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<List<Audit>> audit(int limit, long beforeMillis) {
    List<Audit> newestFirst = new ArrayList<>(audit);
    Collections.reverse(newestFirst); // appended in time order; ties stay newest first
    return CompletableFuture.completedFuture(
        newestFirst.stream()
            .filter(x -> x.atMillis() < beforeMillis)
            .sorted(Comparator.comparingLong(Audit::atMillis).reversed())
            .limit(limit)
            .toList());
  }

  @Override
  public void close() {}
}
