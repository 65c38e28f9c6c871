package dev.parley.chat;

import dev.parley.core.NodeClock;
import dev.parley.core.SharedState;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The chat conversations as the chat layer reads and changes them: the {@link ChatStore}'s rows
 * behind a cache in the node's {@link SharedState} (memory on one node, Redis in a cluster), so a
 * visitor's message learns its conversation's status without a SQL read.
 *
 * <p>Every change goes through here: the store's compare-and-set decides, then the new row is
 * written to the cache with its version; a cache miss reads the store and fills the cache with the
 * version it read. The shared state keeps the highest version ({@link SharedState#setValue}), so a
 * late write or a fill that raced a change never hides a newer status.
 *
 * <p>Thread-safe; never blocks (futures complete on store or shared-state threads).
 */
public final class Conversations {
  /** How long an untouched conversation stays cached. */
  static final Duration CACHE_TTL = Duration.ofHours(1);

  private static final String KEY_PREFIX = "chat-conversation:";

  private final ChatStore store;
  private final SharedState shared;
  private final NodeClock clock;

  public Conversations(ChatStore store, SharedState shared, NodeClock clock) {
    this.store = store;
    this.shared = shared;
    this.clock = clock;
  }

  /** The conversation {@code id}, from the cache or else the store. */
  public CompletableFuture<Optional<ChatConversation>> find(String id) {
    return shared
        .value(KEY_PREFIX + id)
        .exceptionally(e -> null)
        .thenCompose(
            cached -> {
              if (cached != null) {
                return CompletableFuture.completedFuture(Optional.of(decode(id, cached)));
              }
              return store
                  .find(id)
                  .thenApply(
                      found -> {
                        found.ifPresent(this::cache);
                        return found;
                      });
            });
  }

  /**
   * The conversation {@code id} as the store holds it now, past the cache (for a check that must
   * not read a cached row a failed cache write left stale).
   */
  public CompletableFuture<Optional<ChatConversation>> stored(String id) {
    return store.find(id);
  }

  /**
   * The visitor's open conversation on {@code site}, created with id {@code newId} if none is open.
   */
  public CompletableFuture<ChatStore.Opened> open(String site, String visitor, String newId) {
    return store
        .open(site, visitor, newId, clock.millis())
        .thenApply(
            o -> {
              cache(o.conversation());
              return o;
            });
  }

  /** Moves {@code c} from {@code from} to {@code to} (compare-and-set); the new row if it moved. */
  public CompletableFuture<Optional<ChatConversation>> transition(
      ChatConversation c, ConversationStatus from, ConversationStatus to, String agent) {
    return changed(store.transition(c.id(), from, to, agent, clock.millis()));
  }

  /**
   * Hands {@code c} from {@code fromAgent} to {@code toAgent}; the new row if it was still theirs.
   */
  public CompletableFuture<Optional<ChatConversation>> reassign(
      ChatConversation c, String fromAgent, String toAgent) {
    return changed(store.reassign(c.id(), fromAgent, toAgent, clock.millis()));
  }

  /** Sets {@code c}'s labels; the new row, or empty if it is gone. */
  public CompletableFuture<Optional<ChatConversation>> label(
      ChatConversation c, List<String> labels) {
    return changed(store.label(c.id(), labels));
  }

  /**
   * The visitor's most recently opened conversation on {@code site}, open or not (from the store).
   */
  public CompletableFuture<Optional<ChatConversation>> latest(String site, String visitor) {
    return store.latest(site, visitor);
  }

  /** Conversations of {@code site} with {@code status}, longest waiting first (from the store). */
  public CompletableFuture<List<ChatConversation>> list(String site, ConversationStatus status) {
    return store.list(site, status);
  }

  /**
   * Forgets the visitor of conversation {@code id} ({@link ChatStore#forgetVisitor}) and caches the
   * row with its new owner and raised version (so a late fill of the old row never wins). Completes
   * with true if it exists.
   */
  public CompletableFuture<Boolean> forgetVisitor(String id) {
    return store
        .forgetVisitor(id)
        .thenCompose(
            found -> found ? store.find(id) : CompletableFuture.completedFuture(Optional.empty()))
        .thenCompose(
            row ->
                row.isEmpty()
                    ? CompletableFuture.completedFuture(false)
                    : cache(row.get()).thenApply(v -> true));
  }

  /**
   * Deletes resolved conversation {@code id} ({@link ChatStore#delete}: its record stays as a
   * tombstone) and caches the tombstone. True if it changed one.
   */
  public CompletableFuture<Boolean> delete(String id) {
    return store
        .delete(id)
        .thenCompose(
            changed ->
                store
                    .find(id)
                    .thenCompose(
                        row ->
                            row.isEmpty()
                                ? uncache(id)
                                : cache(row.get()).handle((ok, err) -> (Void) null))
                    .thenApply(v -> changed));
  }

  private CompletableFuture<Void> uncache(String id) {
    return shared.removeValue(KEY_PREFIX + id).handle((ok, err) -> (Void) null);
  }

  private CompletableFuture<Optional<ChatConversation>> changed(
      CompletableFuture<Optional<ChatConversation>> change) {
    return change.thenCompose(
        moved ->
            moved.isEmpty()
                ? CompletableFuture.completedFuture(moved)
                : cache(moved.get()).thenApply(v -> moved));
  }

  private CompletableFuture<Void> cache(ChatConversation c) {
    return shared
        .setValue(KEY_PREFIX + c.id(), encode(c), c.version(), CACHE_TTL)
        .handle((ok, err) -> (Void) null);
  }

  static String encode(ChatConversation c) {
    return String.join(
        " ",
        esc(c.site()),
        esc(c.visitor()),
        c.status().wire(),
        esc(c.agent()),
        Long.toString(c.createdAtMillis()),
        Long.toString(c.updatedAtMillis()),
        Long.toString(c.version()),
        String.join(",", c.labels()));
  }

  static ChatConversation decode(String id, String s) {
    String[] f = s.split(" ", -1);
    return new ChatConversation(
        id,
        unesc(f[0]),
        unesc(f[1]),
        ConversationStatus.ofWire(f[2]),
        unesc(f[3]),
        Long.parseLong(f[4]),
        Long.parseLong(f[5]),
        Long.parseLong(f[6]),
        f.length > 7 && !f[7].isEmpty() ? List.of(f[7].split(",")) : List.of());
  }

  private static String esc(String s) {
    return s == null ? "-" : "=" + URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String unesc(String s) {
    return s.equals("-") ? null : URLDecoder.decode(s.substring(1), StandardCharsets.UTF_8);
  }
}
