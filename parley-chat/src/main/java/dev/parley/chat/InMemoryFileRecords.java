package dev.parley.chat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** {@link FileRecords} in memory, for one node and tests. Thread-safe: one lock, held briefly. */
public final class InMemoryFileRecords implements FileRecords {
  /** The records by id, in insertion order. Guarded by {@code this}. */
  private final Map<String, StoredFile> byId = new LinkedHashMap<>();

  @Override
  public synchronized CompletableFuture<StoredFile> insert(StoredFile f) {
    Optional<StoredFile> same = keyed(f.conversation(), f.uploader(), f.key());
    if (same.isPresent()) {
      return CompletableFuture.completedFuture(same.get());
    }
    byId.put(f.id(), f);
    return CompletableFuture.completedFuture(f);
  }

  @Override
  public synchronized CompletableFuture<Optional<StoredFile>> find(String id) {
    return CompletableFuture.completedFuture(Optional.ofNullable(byId.get(id)));
  }

  @Override
  public synchronized CompletableFuture<Optional<StoredFile>> byKey(
      String conversation, String uploader, String key) {
    return CompletableFuture.completedFuture(keyed(conversation, uploader, key));
  }

  private Optional<StoredFile> keyed(String conversation, String uploader, String key) {
    return byId.values().stream()
        .filter(
            f ->
                f.conversation().equals(conversation)
                    && f.uploader().equals(uploader)
                    && f.key().equals(key))
        .findFirst();
  }

  @Override
  public synchronized CompletableFuture<List<StoredFile>> ofConversation(String conversation) {
    List<StoredFile> out = new ArrayList<>();
    for (StoredFile f : byId.values()) {
      if (f.conversation().equals(conversation)) {
        out.add(f);
      }
    }
    out.sort(Comparator.comparingLong(StoredFile::createdAtMillis));
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public synchronized CompletableFuture<Optional<StoredFile>> transcribed(
      String id, String transcript, String error) {
    StoredFile f = byId.computeIfPresent(id, (k, v) -> v.transcribed(transcript, error));
    return CompletableFuture.completedFuture(Optional.ofNullable(f));
  }

  @Override
  public synchronized CompletableFuture<Integer> countOf(String conversation) {
    int n = 0;
    for (StoredFile f : byId.values()) {
      if (f.conversation().equals(conversation)) {
        n++;
      }
    }
    return CompletableFuture.completedFuture(n);
  }

  @Override
  public synchronized CompletableFuture<Boolean> delete(String id) {
    return CompletableFuture.completedFuture(byId.remove(id) != null);
  }
}
