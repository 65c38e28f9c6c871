package dev.parley.chat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link VisitorContextStore} in memory, for tests and the chat layer's default.
 *
 * <p>Thread-safe: every method is synchronised; futures complete before they are returned.
 */
public final class InMemoryVisitorContextStore implements VisitorContextStore {
  /** The contexts by conversation; guarded by {@code this}. */
  private final Map<String, VisitorContext> contexts = new HashMap<>();

  @Override
  public synchronized CompletableFuture<Void> savePage(VisitorContext c) {
    VisitorContext old = contexts.get(c.conversation());
    contexts.put(c.conversation(), c.withPrechat(old == null ? Map.of() : old.prechat()));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<Void> savePrechat(
      String conversation,
      String site,
      String visitor,
      Map<String, String> answers,
      long atMillis) {
    VisitorContext old = contexts.get(conversation);
    VisitorContext base =
        old != null
            ? old
            : new VisitorContext(
                conversation,
                site,
                visitor,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Map.of(),
                Map.of(),
                atMillis);
    contexts.put(conversation, base.withPrechat(answers));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<Optional<VisitorContext>> of(String conversation) {
    return CompletableFuture.completedFuture(Optional.ofNullable(contexts.get(conversation)));
  }

  @Override
  public synchronized CompletableFuture<Integer> forget(String conversation) {
    return CompletableFuture.completedFuture(contexts.remove(conversation) == null ? 0 : 1);
  }
}
