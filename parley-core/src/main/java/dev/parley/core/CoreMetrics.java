package dev.parley.core;

import dev.parley.protocol.ErrorCode;

/**
 * What the core and the transport count. The server implements it with Micrometer ({@code
 * docs/OPERATIONS.md#metrics}); {@link #NONE} counts nothing. Implementations are thread-safe and
 * never block: every method is called on hot paths (event loops, the store writer).
 */
public interface CoreMetrics {
  /** Counts nothing. */
  CoreMetrics NONE = new CoreMetrics() {};

  /** A connection of {@code transport} (websocket, sse, longpoll) was opened. */
  default void connectionOpened(String transport) {}

  /**
   * A connection ended; {@code closeCode} is the close code sent or received, or 1006 (abnormal).
   */
  default void connectionClosed(String transport, int closeCode) {}

  /** A handshake was refused ({@code bad_request}, {@code bad_handshake}, …). */
  default void handshakeRejected(String reason) {}

  /** Bytes of WebSocket payload received. */
  default void bytesIn(long n) {}

  /** Bytes of WebSocket payload sent. */
  default void bytesOut(long n) {}

  /** A {@code send} command was accepted for storing. */
  default void messageReceived() {}

  /**
   * A stored message was written live to {@code subscribers} subscribers, {@code millis} after the
   * server received it: the subscribers of one event loop in one delivery batch (or one subscriber
   * catching up). Counted per subscriber; the latency, which the batch's subscribers share, once.
   */
  default void messagesDelivered(int subscribers, long millis) {}

  /** A {@code send} was acknowledged, {@code nanos} after the server received it. */
  default void sendAcked(long nanos) {}

  /** A connection that read too slowly was closed (4503). */
  default void slowConsumerClosed() {}

  /** A command was answered with {@code error}. */
  default void commandRejected(ErrorCode code) {}

  /** A {@code hello} came back with a token and resume positions: a reconnect. */
  default void reconnected() {}

  /** A subscriber caught up from the store: {@code messages} replayed. */
  default void replayed(int messages) {}

  /** A message of an ephemeral stream was numbered and kept by its window (not stored). */
  default void ephemeralAppended() {}

  /** An ephemeral stream's subscriber was told {@code continuity_lost}. */
  default void continuityLost() {}

  /** A publish was taken by the broker {@code nanos} after it was made. */
  default void brokerPublished(long nanos) {}

  /** A session opened or closed; {@code open} is the count after the change. */
  default void sessionsChanged(int open) {}
}
