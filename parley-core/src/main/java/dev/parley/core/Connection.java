package dev.parley.core;

import dev.parley.protocol.CloseCode;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The transport's side of a session: the port through which the core writes to one client.
 *
 * <p>Implemented by the transport (a WebSocket channel, an SSE or long-polling session). Every
 * method may be called from any thread; {@link #executor()} is the thread the session is confined
 * to.
 */
public interface Connection {
  /**
   * The most live messages the core's fan-out hands a connection in one batch, each connection of
   * an event loop in turn, all in the same order ({@link #write} each, then one {@link #flush}). A
   * transport that shares an encoding among a loop's connections keeps at least this many.
   */
  int BATCH_FRAMES = 64;

  /** The executor the session runs on (the connection's event loop). Never blocks on it. */
  Executor executor();

  /**
   * Queues one text frame (UTF-8 JSON) for the client. The array must not be changed afterwards.
   */
  void send(byte[] frame);

  /**
   * Like {@link #send(byte[])}, then runs {@code afterWrite} on {@link #executor()} once written.
   */
  void send(byte[] frame, Runnable afterWrite);

  /**
   * Queues one text frame like {@link #send(byte[])} but does not make it leave yet: it goes out
   * with the next {@link #flush()} or {@code send} on this connection, in order. The core's fan-out
   * writes a batch of live messages this way and flushes each connection once per batch. Call on
   * {@link #executor()} only. By default the same as {@code send} (a transport without batching).
   */
  default void write(byte[] frame) {
    send(frame);
  }

  /**
   * Makes every frame queued by {@link #write} leave. Call on {@link #executor()} only. By default
   * nothing (nothing is held back).
   */
  default void flush() {}

  /** Sends a close frame with {@code code} (where the transport has one) and closes. */
  void close(CloseCode code, String reason);

  /** The client's address, for logs. */
  String remoteAddress();

  /**
   * The client's IP address (behind a trusted proxy: the one it forwarded), for per-address limits;
   * null when unknown.
   */
  default String clientAddress() {
    return null;
  }

  /**
   * The Host header of the request that opened the connection (for same-origin checks), or null.
   */
  default String host() {
    return null;
  }

  /** The transport's name: {@code websocket}, {@code sse} or {@code longpoll}. */
  String transport();

  /** The Origin header of the page that opened the connection, or null (not a browser). */
  default String origin() {
    return null;
  }

  /**
   * The query parameters of the request that opened the connection ({@code /ws?site=demo}), first
   * value of each; empty when there were none, and after {@link #forgetHandshake}.
   */
  default Map<String, String> handshakeParams() {
    return Map.of();
  }

  /**
   * The principal of a token checked at the handshake, or null when the client presented none (it
   * then authenticates in {@code hello}), and after {@link #forgetHandshake}.
   */
  default Principal handshakePrincipal() {
    return null;
  }

  /**
   * The session's {@code hello} was accepted and its extension has seen it: nothing asks for {@link
   * #handshakePrincipal} or {@link #handshakeParams} again, so the connection may let them go (an
   * idle connection keeps only what it still needs). On the connection's executor.
   */
  default void forgetHandshake() {}
}
