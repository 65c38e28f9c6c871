package dev.parley.store.jdbc;

/**
 * Told after each group commit how many writes it held and how long it took, and of each write the
 * store refused because it was overloaded. Must not block.
 */
@FunctionalInterface
public interface CommitListener {
  /** Ignores every commit. */
  CommitListener NONE = (size, nanos) -> {};

  void committed(int batchSize, long nanos);

  /** A write was refused: the queue was full or its oldest write had waited too long. */
  default void refused() {}
}
