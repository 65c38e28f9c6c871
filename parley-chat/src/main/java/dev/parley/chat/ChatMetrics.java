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

  /**
   * A namespace's proxy was asked about a {@code kind} of command ({@code subscribe}, {@code
   * publish}) and its verdict was {@code verdict} ({@code allow}, {@code deny}, {@code
   * unavailable}) {@code nanos} after the question.
   */
  default void proxyAsked(String kind, String verdict, long nanos) {}

  /**
   * A {@code kind} of command ({@code subscribe}, {@code publish}) was refused without asking its
   * namespace's proxy: the node had as many questions in flight as it allows.
   */
  default void proxyOverloaded(String kind) {}
}
