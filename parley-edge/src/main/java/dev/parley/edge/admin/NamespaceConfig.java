package dev.parley.edge.admin;

import dev.parley.chat.ConfigStore;
import dev.parley.chat.ConfigStore.Entry;
import dev.parley.chat.ConfigStore.Kind;
import dev.parley.edge.admin.Configuration.Outcome;
import dev.parley.edge.admin.Configuration.Stored;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Changes the deployment's channel namespaces ({@link NamespaceDoc}): written compare-and-set with
 * an audit record and announced to every node, like sites ({@link Configuration#write}). A deleted
 * namespace stays as a tombstone, which reads as absent everywhere: listing, reading, changing
 * (with {@code If-Match}) and the nodes' directories; writing the name again creates it anew over
 * the tombstone.
 *
 * <p>A namespace's proxy secret ({@link NamespaceProxyDoc}) is sealed at rest ({@link SecretBox},
 * place {@code namespace/<name>/proxy.secret}) and write-only: a change that leaves it out keeps
 * the stored one, and a proxy with neither is refused ({@code proxy.secret}).
 *
 * <p>Thread-safe; never blocks the caller.
 */
public final class NamespaceConfig {
  private final ConfigStore store;
  private final Configuration config;
  private final SecretBox box;

  NamespaceConfig(ConfigStore store, Configuration config, SecretBox box) {
    this.store = store;
    this.config = config;
    this.box = box;
  }

  /** Every namespace (not deleted ones). */
  public CompletableFuture<List<Stored<NamespaceDoc>>> list() {
    return store
        .load()
        .thenApply(
            s ->
                s.entries().stream()
                    .filter(e -> e.kind() == Kind.NAMESPACE)
                    .map(NamespaceConfig::stored)
                    .filter(n -> !n.doc().tombstoned())
                    .toList());
  }

  /** One namespace; empty when there is none or it was deleted. */
  public CompletableFuture<Optional<Stored<NamespaceDoc>>> get(String name) {
    return store
        .find(Kind.NAMESPACE, name)
        .thenApply(o -> o.map(NamespaceConfig::stored).filter(n -> !n.doc().tombstoned()));
  }

  /**
   * Writes namespace {@code doc} (checked by the caller) by {@code actor}: created when there is
   * none (or it was deleted), else replaced — over version {@code ifMatch} only, when given ({@link
   * Outcome.Conflict} otherwise, with the current version, 0 when there is none). Fails with {@link
   * InvalidSetting} naming {@code durability} when it would change that of a live namespace: a
   * subscriber's position is a store seq or a window's (epoch, seq), neither carries over, and a
   * resume across the switch would skip messages unseen. This holds for the admin API and a sites
   * file alike; deleting the namespace first, or a new name, is the way to switch.
   */
  public CompletableFuture<Outcome<NamespaceDoc>> put(
      String actor, NamespaceDoc doc, Long ifMatch) {
    return store
        .find(Kind.NAMESPACE, doc.name())
        .thenCompose(
            old -> {
              Optional<Stored<NamespaceDoc>> live =
                  old.map(NamespaceConfig::stored).filter(n -> !n.doc().tombstoned());
              if (ifMatch != null && (live.isEmpty() || live.get().version() != ifMatch)) {
                return CompletableFuture.completedFuture(
                    new Outcome.Conflict<>(live.map(Stored::version).orElse(0L)));
              }
              NamespaceDoc before = live.map(Stored::doc).orElse(null);
              NamespaceDoc sealed;
              try {
                sealed = seal(doc, before);
              } catch (InvalidSetting e) {
                return CompletableFuture.failedFuture(e);
              }
              if (before != null && ephemeral(before) != ephemeral(doc)) {
                return CompletableFuture.failedFuture(
                    new InvalidSetting(
                        "durability",
                        "cannot change on an existing namespace ("
                            + doc.name()
                            + " is "
                            + before.durability()
                            + "): subscribers' positions would not carry over; delete it first"
                            + " or use a new name"));
              }
              return config.write(
                  Kind.NAMESPACE,
                  doc.name(),
                  sealed,
                  old.map(Entry::version).orElse(0L),
                  actor,
                  before == null ? "create" : "update",
                  Configuration.changes(before, sealed));
            });
  }

  /**
   * Deletes namespace {@code name} by {@code actor} (over version {@code ifMatch} only, when
   * given): {@link Outcome.Missing} when there is none.
   */
  public CompletableFuture<Outcome<NamespaceDoc>> delete(String actor, String name, Long ifMatch) {
    return get(name)
        .thenCompose(
            live -> {
              if (live.isEmpty()) {
                return CompletableFuture.completedFuture(new Outcome.Missing<>());
              }
              if (ifMatch != null && live.get().version() != ifMatch) {
                return CompletableFuture.completedFuture(
                    new Outcome.Conflict<>(live.get().version()));
              }
              return config.write(
                  Kind.NAMESPACE,
                  name,
                  NamespaceDoc.tombstone(name),
                  live.get().version(),
                  actor,
                  "delete",
                  "deleted");
            });
  }

  /**
   * Makes the stored namespaces named in a sites file equal to {@code docs} (checked), by {@code
   * import}, leaving the others alone; completes with the number written (0 the second time).
   */
  public CompletableFuture<Integer> importAll(List<NamespaceDoc> docs) {
    CompletableFuture<Integer> n = CompletableFuture.completedFuture(0);
    for (NamespaceDoc d : docs) {
      n = n.thenCompose(count -> importOne(d, 3).thenApply(w -> count + (w ? 1 : 0)));
    }
    return n;
  }

  private CompletableFuture<Boolean> importOne(NamespaceDoc d, int tries) {
    return get(d.name())
        .thenCompose(
            live -> {
              if (live.isPresent() && open(box, live.get().doc()).equals(d)) {
                return CompletableFuture.completedFuture(false);
              }
              return put("import", d, live.map(Stored::version).orElse(null))
                  .thenCompose(
                      o ->
                          o instanceof Outcome.Conflict && tries > 1
                              ? importOne(d, tries - 1)
                              : CompletableFuture.completedFuture(o instanceof Outcome.Done));
            });
  }

  /**
   * {@code doc} (its proxy secret plain, as sent, or absent) as it will be stored over {@code
   * before} (sealed, or null): the secret sent sealed, or the stored one kept.
   *
   * @throws InvalidSetting when the proxy has no secret, sent or stored
   */
  private NamespaceDoc seal(NamespaceDoc doc, NamespaceDoc before) {
    NamespaceProxyDoc p = doc.proxy();
    if (p == null) {
      return doc;
    }
    String stored = before == null || before.proxy() == null ? null : before.proxy().secret();
    String sealed = p.secret() == null ? stored : box.seal(p.secret(), place(doc.name()));
    if (sealed == null) {
      throw new InvalidSetting(
          "proxy.secret", "is required: the backend verifies each request with it");
    }
    return doc.withProxy(p.withSecret(sealed));
  }

  /** {@code sealed} (as stored) with its proxy secret opened. */
  static NamespaceDoc open(SecretBox box, NamespaceDoc sealed) {
    NamespaceProxyDoc p = sealed.proxy();
    return p == null
        ? sealed
        : sealed.withProxy(p.withSecret(box.open(p.secret(), place(sealed.name()))));
  }

  private static String place(String namespace) {
    return "namespace/" + namespace + "/proxy.secret";
  }

  /** Whether {@code d} is ephemeral (absent means durable, as {@link NamespaceDoc#checked}). */
  private static boolean ephemeral(NamespaceDoc d) {
    return "ephemeral".equals(d.durability());
  }

  private static Stored<NamespaceDoc> stored(Entry e) {
    return new Stored<>(Configuration.namespaceOf(e), e.version(), e.updatedAtMillis());
  }
}
