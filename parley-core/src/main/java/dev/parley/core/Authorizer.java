package dev.parley.core;

import java.util.concurrent.CompletableFuture;

/**
 * Decides whether a principal may join a conversation, and whether it may send into one it joined.
 * The chat layer supplies the real rules; {@link #ALLOW_ALL} is the default of a bare core, where
 * conversations are open channels. A join refused with a reason fails its future with a {@code
 * ProtocolException} (its code reaches the client, e.g. {@code unknown_namespace}); plain {@code
 * false} is {@code forbidden}.
 *
 * <p>Implementations are thread-safe and must not block: a rule that needs the store answers with a
 * future completed elsewhere.
 */
@FunctionalInterface
public interface Authorizer {
  /** Lets everyone join every conversation. */
  Authorizer ALLOW_ALL = (principal, conversation) -> CompletableFuture.completedFuture(true);

  /** Whether {@code principal} may join (read) {@code conversation}. */
  CompletableFuture<Boolean> mayJoin(Principal principal, String conversation);

  /**
   * Whether {@code principal}, who joined {@code conversation}, may send into it (and show typing
   * there); asked at every {@code send}, so it must answer at once. Everyone who may join may send,
   * unless the implementation says otherwise.
   */
  default boolean mayPublish(Principal principal, String conversation) {
    return true;
  }
}
