package dev.parley.core;

import java.util.concurrent.CompletableFuture;

/**
 * Decides whether a principal may join a conversation. The chat layer supplies the real rules;
 * {@link #ALLOW_ALL} is the default of a bare core, where conversations are open channels.
 *
 * <p>Implementations are thread-safe and must not block: a rule that needs the store answers with a
 * future completed elsewhere.
 */
@FunctionalInterface
public interface Authorizer {
  /** Lets everyone join every conversation. */
  Authorizer ALLOW_ALL = (principal, conversation) -> CompletableFuture.completedFuture(true);

  /** Whether {@code principal} may read and write {@code conversation}. */
  CompletableFuture<Boolean> mayJoin(Principal principal, String conversation);
}
