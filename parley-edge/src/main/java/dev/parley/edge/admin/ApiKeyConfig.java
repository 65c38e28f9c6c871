package dev.parley.edge.admin;

import dev.parley.chat.ConfigStore;
import dev.parley.chat.ConfigStore.Kind;
import dev.parley.chat.Namespace;
import dev.parley.edge.admin.Configuration.Outcome;
import dev.parley.edge.serverapi.ApiKeyDoc;
import dev.parley.edge.serverapi.ApiKeys;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Makes, lists and revokes the server API's keys ({@link ApiKeyDoc}), written like every
 * configuration change ({@link Configuration#write}): compare-and-set, with an audit record that
 * names the key and its scope (never its secret), and announced to every node. A revoked key stays
 * stored, marked revoked, and is refused on every node as soon as the node has the new
 * configuration version.
 *
 * <p>Thread-safe; never blocks the caller.
 */
public final class ApiKeyConfig {
  /** The most keys a deployment keeps, revoked ones included. */
  static final int MAX_KEYS = 1000;

  private final ConfigStore store;
  private final Configuration config;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  ApiKeyConfig(ConfigStore store, Configuration config, Clock clock) {
    this.store = store;
    this.config = config;
    this.clock = clock;
  }

  /** Every key, revoked ones too, oldest first. */
  public CompletableFuture<List<ApiKeyDoc>> list() {
    return store
        .load()
        .thenApply(
            s ->
                s.entries().stream()
                    .filter(e -> e.kind() == Kind.API_KEY)
                    .map(ApiKeys::read)
                    .sorted(Comparator.comparingLong(ApiKeyDoc::createdAtMillis))
                    .toList());
  }

  /**
   * Makes a key named {@code name} that may publish into {@code namespaces} ({@code *}: every one),
   * by {@code actor}; completes with it and its key, which is not kept anywhere.
   *
   * @throws InvalidSetting naming the field that is wrong
   */
  public CompletableFuture<ApiKeyDoc.Issued> create(
      String actor, String name, List<String> namespaces) {
    if (name == null || name.isBlank() || name.length() > 64) {
      throw new InvalidSetting("name", "must be 1-64 characters");
    }
    if (namespaces == null || namespaces.isEmpty() || namespaces.size() > 100) {
      throw new InvalidSetting("namespaces", "must list 1-100 namespaces, or [\"*\"] for all");
    }
    for (int i = 0; i < namespaces.size(); i++) {
      String n = namespaces.get(i);
      String problem = ApiKeyDoc.ALL.equals(n) ? null : Namespace.problem(n);
      if (problem != null) {
        throw new InvalidSetting("namespaces[" + i + "]", problem + ", or be *");
      }
    }
    ApiKeyDoc.Issued issued =
        ApiKeyDoc.issue(name, List.copyOf(namespaces), actor, clock.millis(), random);
    ApiKeyDoc doc = issued.doc();
    return list()
        .thenCompose(
            all -> {
              if (all.size() >= MAX_KEYS) {
                throw new InvalidSetting("name", "there are " + MAX_KEYS + " keys already");
              }
              return config.write(
                  Kind.API_KEY,
                  doc.id(),
                  doc,
                  0,
                  actor,
                  "create",
                  "key " + doc.name() + " for namespaces " + String.join(",", doc.namespaces()));
            })
        .thenApply(
            o -> {
              if (!(o instanceof Outcome.Done)) {
                throw new IllegalStateException("a new key's id was taken: " + doc.id());
              }
              return issued;
            });
  }

  /** Revokes key {@code id} by {@code actor}: {@link Outcome.Missing} when none is in force. */
  public CompletableFuture<Outcome<ApiKeyDoc>> revoke(String actor, String id) {
    return store
        .find(Kind.API_KEY, id)
        .thenCompose(
            found -> {
              Optional<ApiKeyDoc> live = found.map(ApiKeys::read).filter(k -> !k.revoked());
              if (live.isEmpty()) {
                return CompletableFuture.completedFuture(new Outcome.Missing<>());
              }
              return config.write(
                  Kind.API_KEY,
                  id,
                  live.get().revokedAt(clock.millis()),
                  found.get().version(),
                  actor,
                  "revoke",
                  "key " + live.get().name() + " revoked");
            });
  }
}
