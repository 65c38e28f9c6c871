package dev.parley.core;

/**
 * Decides whether a principal may join a conversation. The chat layer supplies the real rules;
 * {@link #ALLOW_ALL} is the foundation's default, where conversations are open channels.
 *
 * <p>Implementations are thread-safe and must not block (they run on event loops).
 */
@FunctionalInterface
public interface Authorizer {
  /** Lets everyone join every conversation. */
  Authorizer ALLOW_ALL = (principal, conversation) -> true;

  /** Whether {@code principal} may read and write {@code conversation}. */
  boolean mayJoin(Principal principal, String conversation);
}
