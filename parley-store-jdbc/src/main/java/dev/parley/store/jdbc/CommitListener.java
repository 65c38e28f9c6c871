package dev.parley.store.jdbc;

/** Told after each group commit: how many writes it held and how long it took. Must not block. */
@FunctionalInterface
public interface CommitListener {
  /** Ignores every commit. */
  CommitListener NONE = (size, nanos) -> {};

  void committed(int batchSize, long nanos);
}
