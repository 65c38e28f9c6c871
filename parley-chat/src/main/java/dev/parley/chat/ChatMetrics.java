package dev.parley.chat;

/**
 * What the chat layer measures. The server implements it with Micrometer; {@link #NONE} measures
 * nothing. Thread-safe and non-blocking.
 */
public interface ChatMetrics {
  /** Measures nothing. */
  ChatMetrics NONE = new ChatMetrics() {};

  /** A bot answer's first piece came {@code nanos} after the question. */
  default void botFirstToken(long nanos) {}

  /**
   * A bot answer ended ({@code status}: complete, stopped, interrupted, failed) after {@code
   * nanos}.
   */
  default void botAnswered(String status, long nanos) {}

  /** An agent's first message came {@code nanos} after the visitor was queued. */
  default void firstAgentResponse(long nanos) {}
}
