package dev.parley.chat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link KnowledgeStore} in memory, for tests and the chat harness. Thread-safe: every method is
 * synchronized.
 */
public final class InMemoryKnowledgeStore implements KnowledgeStore {
  /** Site id, then document id, in insertion order. */
  private final Map<String, Map<String, Document>> bySite = new HashMap<>();

  private final Map<String, Long> versions = new HashMap<>();

  /** A stored embedding's key. */
  private record Key(String site, String space, String hash) {}

  /** A stored embedding and when it was stored. */
  private record Stored(float[] vector, long atMillis) {}

  private final Map<Key, Stored> embeddings = new HashMap<>();

  private Map<String, Document> site(String site) {
    return bySite.computeIfAbsent(site, s -> new LinkedHashMap<>());
  }

  private void bump(String site) {
    versions.merge(site, 1L, Long::sum);
  }

  @Override
  public synchronized CompletableFuture<Added> add(Document d) {
    for (Document held : site(d.site()).values()) {
      if (held.sha256().equals(d.sha256())) {
        return CompletableFuture.completedFuture(new Added(held, false));
      }
    }
    site(d.site()).put(d.id(), d);
    bump(d.site());
    return CompletableFuture.completedFuture(new Added(d, true));
  }

  @Override
  public synchronized CompletableFuture<Boolean> update(Document d) {
    Map<String, Document> docs = site(d.site());
    if (!docs.containsKey(d.id())) {
      return CompletableFuture.completedFuture(false);
    }
    docs.put(d.id(), d);
    bump(d.site());
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public synchronized CompletableFuture<Optional<Document>> find(String site, String id) {
    return CompletableFuture.completedFuture(Optional.ofNullable(site(site).get(id)));
  }

  @Override
  public synchronized CompletableFuture<List<Document>> list(String site, boolean withSections) {
    List<Document> out = new ArrayList<>();
    for (Document d : site(site).values()) {
      out.add(
          withSections
              ? d
              : d.with(
                  d.status(), d.reason(), d.title(), d.language(), List.of(), d.updatedAtMillis()));
    }
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public synchronized CompletableFuture<Boolean> delete(String site, String id) {
    boolean had = site(site).remove(id) != null;
    if (had) {
      bump(site);
    }
    return CompletableFuture.completedFuture(had);
  }

  @Override
  public synchronized CompletableFuture<Map<String, Long>> versions() {
    return CompletableFuture.completedFuture(Map.copyOf(versions));
  }

  @Override
  public synchronized CompletableFuture<Map<String, float[]>> embeddings(
      String site, String space, Collection<String> hashes) {
    Map<String, float[]> out = new HashMap<>();
    for (String h : hashes) {
      Stored e = embeddings.get(new Key(site, space, h));
      if (e != null) {
        out.put(h, e.vector().clone());
      }
    }
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public synchronized CompletableFuture<Void> putEmbeddings(
      String site, String space, Map<String, float[]> vectors, long atMillis) {
    vectors.forEach(
        (h, v) -> embeddings.put(new Key(site, space, h), new Stored(v.clone(), atMillis)));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<Integer> pruneEmbeddings(
      String site, String space, Set<String> keep, long beforeMillis) {
    int before = embeddings.size();
    embeddings
        .entrySet()
        .removeIf(
            e ->
                e.getKey().site().equals(site)
                    && e.getValue().atMillis() < beforeMillis
                    && !(e.getKey().space().equals(space) && keep.contains(e.getKey().hash())));
    return CompletableFuture.completedFuture(before - embeddings.size());
  }

  @Override
  public void close() {}
}
