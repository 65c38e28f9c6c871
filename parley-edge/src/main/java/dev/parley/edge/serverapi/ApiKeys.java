package dev.parley.edge.serverapi;

import dev.parley.chat.ConfigStore;
import dev.parley.chat.ConfigStore.Kind;
import dev.parley.chat.Directory;
import dev.parley.protocol.http.Json;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The keys in force on this node, for checking a presented key ({@link #verify}). They are read
 * from the {@link ConfigStore} and read again whenever the configuration's version in force here
 * ({@link Directory#version}, kept current by {@code ConfigSync}: at once by a change event, within
 * its poll otherwise) has moved past the one they were read at; so a key made or revoked on any
 * node is known to every node as soon as its namespaces would be, and on the node that changed it
 * before the admin's answer.
 *
 * <p>Thread-safe: the keys are one immutable snapshot in a volatile field; a reload runs one at a
 * time (guarded by {@code lock}) and callers share it. Never blocks.
 */
public final class ApiKeys {
  private final ConfigStore store;
  private final Directory directory;

  /** The keys, by id, and the configuration version they were read at. */
  private record Loaded(long version, Map<String, ApiKeyDoc> byId) {}

  private volatile Loaded loaded = new Loaded(-1, Map.of());

  /** Guards {@code reloading}. */
  private final Object lock = new Object();

  private CompletableFuture<Loaded> reloading;

  public ApiKeys(ConfigStore store, Directory directory) {
    this.store = store;
    this.directory = directory;
  }

  /**
   * The key that {@code authorization} ({@code Bearer pk_…}) presents, when it is one in force: it
   * exists, is not revoked and its hash matches. Completes exceptionally when the keys cannot be
   * read (the store is unavailable).
   */
  public CompletableFuture<Optional<ApiKeyDoc>> verify(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    String key = authorization.substring(7).trim();
    String id = ApiKeyDoc.idOf(key);
    if (id == null) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return current()
        .thenApply(
            l -> Optional.ofNullable(l.byId().get(id)).filter(k -> !k.revoked() && k.matches(key)));
  }

  private CompletableFuture<Loaded> current() {
    Loaded l = loaded;
    if (l.version() >= directory.version()) {
      return CompletableFuture.completedFuture(l);
    }
    synchronized (lock) {
      if (reloading != null) {
        return reloading;
      }
      CompletableFuture<Loaded> mine =
          store
              .load()
              .thenApply(
                  s -> {
                    Map<String, ApiKeyDoc> keys = new HashMap<>();
                    for (ConfigStore.Entry e : s.entries()) {
                      if (e.kind() == Kind.API_KEY) {
                        ApiKeyDoc k = read(e);
                        keys.put(k.id(), k);
                      }
                    }
                    Loaded fresh = new Loaded(s.version(), Map.copyOf(keys));
                    loaded = fresh;
                    return fresh;
                  });
      reloading = mine;
      mine.whenComplete(
          (x, err) -> {
            synchronized (lock) {
              reloading = null;
            }
          });
      return mine;
    }
  }

  /** The key document of a stored entry. */
  public static ApiKeyDoc read(ConfigStore.Entry e) {
    return Json.read(e.body().getBytes(StandardCharsets.UTF_8), ApiKeyDoc.class);
  }
}
