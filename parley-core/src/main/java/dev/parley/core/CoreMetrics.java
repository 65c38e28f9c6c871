package dev.parley.core;

import dev.parley.protocol.ErrorCode;

/**
 * What the core counts. The edge layer implements it with Micrometer; {@link #NONE} counts
 * nothing. Implementations are thread-safe and never block.
 */
public interface CoreMetrics {
  /** Counts nothing. */
  CoreMetrics NONE = new CoreMetrics() {};

  /** A {@code send} command was accepted for storing. */
  default void messageReceived() {}

  /** A command was answered with {@code error}. */
  default void commandRejected(ErrorCode code) {}

  /** A session opened or closed; {@code open} is the count after the change. */
  default void sessionsChanged(int open) {}
}
