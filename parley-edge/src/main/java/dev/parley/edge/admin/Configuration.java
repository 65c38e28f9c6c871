package dev.parley.edge.admin;

import dev.parley.chat.Agent;
import dev.parley.chat.ConfigStore;
import dev.parley.chat.ConfigStore.Audit;
import dev.parley.chat.ConfigStore.Entry;
import dev.parley.chat.ConfigStore.Kind;
import dev.parley.chat.ConfigSync;
import dev.parley.chat.Namespace;
import dev.parley.chat.Site;
import dev.parley.edge.Passwords;
import dev.parley.protocol.http.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * Changes the deployment's configuration: sites and agents (and, through {@link NamespaceConfig},
 * channel namespaces), checked ({@link SiteDoc#checked}, {@link AgentDoc#checked}), their secrets
 * sealed ({@link SiteSecrets}), written compare-and-set with an audit record ({@link ConfigStore}),
 * and announced to every node ({@link ConfigSync#changed}). Also imports a sites file
 * (idempotently) and decodes stored entries for {@link ConfigSync}.
 *
 * <p>Secrets are write-only: a document sent without a secret keeps the stored one, an empty string
 * clears it, and what is read back says only whether one is set.
 *
 * <p>Thread-safe; never blocks the caller (password hashes run on virtual threads of its own).
 */
public final class Configuration {
  private static final int MIN_PASSWORD = 12;

  private final ConfigStore store;
  private final SecretBox box;
  private final ConfigSync sync;
  private final Clock clock;
  private final ExecutorService hashing = Executors.newVirtualThreadPerTaskExecutor();
  private final NamespaceConfig namespaces;
  private final ApiKeyConfig apiKeys;

  public Configuration(ConfigStore store, SecretBox box, ConfigSync sync, Clock clock) {
    this.store = store;
    this.box = box;
    this.sync = sync;
    this.clock = clock;
    this.namespaces = new NamespaceConfig(store, this, box);
    this.apiKeys = new ApiKeyConfig(store, this, clock);
  }

  /** A stored document with its version (ETag) and time of change. */
  public record Stored<T>(T doc, long version, long updatedAtMillis) {}

  /** How a change went. */
  public sealed interface Outcome<T> {
    /** Written at {@code version}. */
    record Done<T>(Stored<T> stored) implements Outcome<T> {}

    /**
     * Not written: the entry is at another version than the caller's ({@code If-Match}), or exists
     * already.
     */
    record Conflict<T>(long current) implements Outcome<T> {}

    /** No such entry. */
    record Missing<T>() implements Outcome<T> {}
  }

  // ---- decoding, for ConfigSync ----

  /**
   * Turns stored entries into sites and agents (secrets opened with {@code box}); disabled ones
   * into null.
   */
  public static ConfigSync.Decoder decoder(SecretBox box) {
    return new ConfigSync.Decoder() {
      @Override
      public Site site(Entry e) {
        return openSite(box, e).toSite();
      }

      @Override
      public Agent agent(Entry e) {
        return Json.read(e.body().getBytes(StandardCharsets.UTF_8), AgentDoc.class).toAgent();
      }

      @Override
      public Namespace namespace(Entry e) {
        return NamespaceConfig.open(box, namespaceOf(e)).toNamespace();
      }
    };
  }

  static NamespaceDoc namespaceOf(Entry e) {
    return Json.read(e.body().getBytes(StandardCharsets.UTF_8), NamespaceDoc.class);
  }

  private static SiteDoc sealedSite(Entry e) {
    return Json.read(e.body().getBytes(StandardCharsets.UTF_8), SiteDoc.class);
  }

  private static SiteDoc openSite(SecretBox box, Entry e) {
    return SiteSecrets.open(box, sealedSite(e));
  }

  // ---- reading, for the admin API ----

  /**
   * Every site, disabled ones included, as stored (secrets sealed: show only whether they are set).
   */
  public CompletableFuture<List<Stored<SiteDoc>>> sites() {
    return store
        .load()
        .thenApply(
            s ->
                s.entries().stream()
                    .filter(e -> e.kind() == Kind.SITE)
                    .map(e -> new Stored<>(sealedSite(e), e.version(), e.updatedAtMillis()))
                    .toList());
  }

  /** One site as stored. */
  public CompletableFuture<Optional<Stored<SiteDoc>>> site(String id) {
    return store
        .find(Kind.SITE, id)
        .thenApply(o -> o.map(e -> new Stored<>(sealedSite(e), e.version(), e.updatedAtMillis())));
  }

  /** Every agent, disabled ones included. */
  public CompletableFuture<List<Stored<AgentDoc>>> agents() {
    return store
        .load()
        .thenApply(
            s ->
                s.entries().stream()
                    .filter(e -> e.kind() == Kind.AGENT)
                    .map(Configuration::agentOf)
                    .toList());
  }

  /** One agent. */
  public CompletableFuture<Optional<Stored<AgentDoc>>> agent(String user) {
    return store.find(Kind.AGENT, user).thenApply(o -> o.map(Configuration::agentOf));
  }

  private static Stored<AgentDoc> agentOf(Entry e) {
    return new Stored<>(
        Json.read(e.body().getBytes(StandardCharsets.UTF_8), AgentDoc.class),
        e.version(),
        e.updatedAtMillis());
  }

  /** The newest audit records. */
  public CompletableFuture<List<Audit>> audit(int limit, long beforeMillis) {
    return store.audit(limit, beforeMillis);
  }

  // ---- changes ----

  /**
   * Writes site {@code doc} (checked by the caller) by {@code actor}: created when {@code ifMatch}
   * is 0 (a conflict if it exists), else changed over that version (null: over whatever version is
   * stored, last write wins); missing when it does not exist.
   */
  public CompletableFuture<Outcome<SiteDoc>> putSite(String actor, SiteDoc doc, Long ifMatch) {
    return store
        .find(Kind.SITE, doc.id())
        .thenCompose(
            old -> {
              if ((ifMatch == null || ifMatch != 0) && old.isEmpty()) {
                return done(new Outcome.Missing<>());
              }
              long expected = ifMatch != null ? ifMatch : old.map(Entry::version).orElse(0L);
              SiteDoc before = old.map(Configuration::sealedSite).orElse(null);
              SiteDoc sealed = SiteSecrets.seal(box, doc, before);
              String action =
                  before == null
                      ? "create"
                      : Boolean.TRUE.equals(sealed.disabled())
                              && !Boolean.TRUE.equals(before.disabled())
                          ? "disable"
                          : "update";
              return write(
                  Kind.SITE, doc.id(), sealed, expected, actor, action, changes(before, sealed));
            });
  }

  /**
   * Writes agent {@code doc} (checked by the caller) by {@code actor}, with a new {@code password}
   * when given, else the document's hash (an import), else the stored one; a new agent needs one.
   * The future fails with {@link InvalidSetting} for a password that is too short or missing. A new
   * password changes the hash, which ends every token of the agent.
   */
  public CompletableFuture<Outcome<AgentDoc>> putAgent(
      String actor, AgentDoc doc, String password, Long ifMatch) {
    if (password != null && (password.length() < MIN_PASSWORD || password.length() > 200)) {
      return CompletableFuture.failedFuture(
          new InvalidSetting("password", "must be " + MIN_PASSWORD + " to 200 characters"));
    }
    CompletableFuture<String> hash =
        password == null
            ? CompletableFuture.completedFuture(null)
            : CompletableFuture.supplyAsync(() -> Passwords.hash(password), hashing);
    return hash.thenCompose(
        h ->
            store
                .find(Kind.AGENT, doc.user())
                .thenCompose(
                    old -> {
                      if ((ifMatch == null || ifMatch != 0) && old.isEmpty()) {
                        return done(new Outcome.Missing<>());
                      }
                      AgentDoc before = old.map(e -> agentOf(e).doc()).orElse(null);
                      String newHash =
                          h != null
                              ? h
                              : doc.passwordHash() != null
                                  ? doc.passwordHash()
                                  : before != null ? before.passwordHash() : null;
                      if (newHash == null) {
                        return CompletableFuture.failedFuture(
                            new InvalidSetting("password", "is required for a new agent"));
                      }
                      long expected =
                          ifMatch != null ? ifMatch : old.map(Entry::version).orElse(0L);
                      AgentDoc stored = doc.withPasswordHash(newHash);
                      String action;
                      if (before == null) {
                        action = "create";
                      } else if (Boolean.TRUE.equals(stored.disabled())
                          && !Boolean.TRUE.equals(before.disabled())) {
                        action = "disable";
                      } else if (!newHash.equals(before.passwordHash())
                          && stored.withPasswordHash(null).equals(before.withPasswordHash(null))) {
                        action = "password";
                      } else {
                        action = "update";
                      }
                      return write(
                          Kind.AGENT,
                          doc.user(),
                          stored,
                          expected,
                          actor,
                          action,
                          changes(before, stored));
                    }));
  }

  /** The sites that exist (disabled ones too), for checking an agent's sites. */
  public CompletableFuture<Set<String>> siteIds() {
    return sites()
        .thenApply(
            l -> l.stream().map(s -> s.doc().id()).collect(Collectors.toCollection(TreeSet::new)));
  }

  /** The channel namespaces of this configuration. */
  public NamespaceConfig namespaces() {
    return namespaces;
  }

  /** The server API's keys of this configuration. */
  public ApiKeyConfig apiKeys() {
    return apiKeys;
  }

  /** Writes {@code doc} as entry ({@code kind}, {@code id}) over {@code expected}, audited. */
  <T> CompletableFuture<Outcome<T>> write(
      Kind kind, String id, T doc, long expected, String actor, String action, String detail) {
    String body = new String(Json.write(doc), StandardCharsets.UTF_8);
    Audit a = new Audit(clock.millis(), actor, action, kind, id, detail);
    return store
        .put(kind, id, body, expected, a)
        .thenCompose(
            written -> {
              if (written.isEmpty()) {
                return store
                    .find(kind, id)
                    .thenApply(
                        now ->
                            (Outcome<T>)
                                new Outcome.Conflict<T>(now.map(Entry::version).orElse(0L)));
              }
              Entry e = written.get();
              return sync.changed(e.version())
                  .thenApply(
                      v ->
                          (Outcome<T>)
                              new Outcome.Done<>(
                                  new Stored<>(doc, e.version(), e.updatedAtMillis())));
            });
  }

  /** For the audit log: which fields changed (secrets by name only). */
  static String changes(Object before, Object after) {
    Map<String, Object> a = before == null ? Map.of() : tree(before);
    Map<String, Object> b = tree(after);
    Set<String> fields = new TreeSet<>(a.keySet());
    fields.addAll(b.keySet());
    List<String> changed = new ArrayList<>();
    for (String f : fields) {
      if (!Objects.equals(a.get(f), b.get(f))) {
        changed.add(f.equals("passwordHash") ? "password" : f);
      }
    }
    return before == null
        ? "created"
        : changed.isEmpty() ? "no change" : "changed " + String.join(", ", changed);
  }

  private static Map<String, Object> tree(Object doc) {
    return Json.toMap(doc);
  }

  private static <T> CompletableFuture<T> done(T t) {
    return CompletableFuture.completedFuture(t);
  }

  // ---- the sites file ----

  /** An agent of the sites file, with its password in the clear when the file gave one. */
  public record ImportedAgent(AgentDoc doc, String clearPassword) {}

  /**
   * Makes the stored entries of these sites and agents equal to them (by {@code import}), leaving
   * every other entry alone; a second import of the same file changes nothing. Completes with the
   * number of entries written.
   */
  public CompletableFuture<Integer> importFile(List<SiteDoc> sites, List<ImportedAgent> agents) {
    CompletableFuture<Integer> n = CompletableFuture.completedFuture(0);
    for (SiteDoc s : sites) {
      n = n.thenCompose(count -> importSite(s, 3).thenApply(w -> count + (w ? 1 : 0)));
    }
    for (ImportedAgent a : agents) {
      n = n.thenCompose(count -> importAgent(a, 3).thenApply(w -> count + (w ? 1 : 0)));
    }
    return n;
  }

  private CompletableFuture<Boolean> importSite(SiteDoc s, int tries) {
    return store
        .find(Kind.SITE, s.id())
        .thenCompose(
            old -> {
              SiteDoc wanted = old.isPresent() ? s.keepingUnsetFrom(openSite(box, old.get())) : s;
              if (old.isPresent() && openSite(box, old.get()).equals(wanted)) {
                return done(false);
              }
              return putSite("import", wanted, old.map(Entry::version).orElse(0L))
                  .thenCompose(
                      o ->
                          o instanceof Outcome.Conflict && tries > 1
                              ? importSite(s, tries - 1)
                              : done(o instanceof Outcome.Done));
            });
  }

  private CompletableFuture<Boolean> importAgent(ImportedAgent a, int tries) {
    return store
        .find(Kind.AGENT, a.doc().user())
        .thenCompose(
            old ->
                CompletableFuture.supplyAsync(
                        () -> {
                          if (old.isEmpty()) {
                            return a.doc();
                          }
                          AgentDoc stored = agentOf(old.get()).doc();
                          // A password in the clear is hashed with a new salt at every start: the
                          // same password keeps the
                          // stored hash (and with it the agent's tokens).
                          boolean samePassword =
                              a.clearPassword() != null
                                  ? Passwords.verify(a.clearPassword(), stored.passwordHash())
                                  : Objects.equals(a.doc().passwordHash(), stored.passwordHash());
                          AgentDoc wanted =
                              samePassword
                                  ? a.doc().withPasswordHash(stored.passwordHash())
                                  : a.doc();
                          return wanted.equals(stored) ? null : wanted;
                        },
                        hashing)
                    .thenCompose(
                        wanted -> {
                          if (wanted == null) {
                            return done(false);
                          }
                          return putAgent(
                                  "import", wanted, null, old.map(Entry::version).orElse(0L))
                              .thenCompose(
                                  o ->
                                      o instanceof Outcome.Conflict && tries > 1
                                          ? importAgent(a, tries - 1)
                                          : done(o instanceof Outcome.Done));
                        }));
  }
}
