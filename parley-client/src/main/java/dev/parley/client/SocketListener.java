package dev.parley.client;

import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives from one WebSocket of a {@link ParleyClient}: joins a text message's frames, decodes the
 * event and hands it on with the socket's generation, so the client can tell a socket it has
 * replaced (an older generation) from the current one. An event that does not decode is logged and
 * skipped; the connection goes on.
 *
 * <p>Called on the client's thread, one call at a time ({@code java.net.http} runs a WebSocket's
 * listener on its {@code HttpClient}'s executor, which is the client's thread); {@code partial} is
 * confined to it.
 */
final class SocketListener implements WebSocket.Listener {
  private static final Logger log = LoggerFactory.getLogger(SocketListener.class);

  /** What the client does with what one socket hears. Called on the client's thread. */
  interface Events {
    /** A decoded event. */
    void push(long generation, Push push);

    /** A WebSocket ping: the server is alive. */
    void heard(long generation);

    /** The server closed the connection with {@code code}. */
    void closed(long generation, int code, String reason);

    /** The connection failed (reset, protocol error). */
    void failed(long generation, Throwable error);
  }

  private final long generation;
  private final Codec codec;
  private final Events events;

  /** The frames of a text message so far; confined to the client's thread. */
  private final StringBuilder partial = new StringBuilder();

  SocketListener(long generation, Codec codec, Events events) {
    this.generation = generation;
    this.codec = codec;
    this.events = events;
  }

  @Override
  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      String text = partial.toString();
      partial.setLength(0);
      Push push = null;
      try {
        push = codec.decodePush(text);
      } catch (RuntimeException e) {
        log.warn("undecodable event ignored: {}", e.getMessage());
      }
      if (push != null) {
        events.push(generation, push);
      }
    }
    ws.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
    events.heard(generation);
    ws.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
    events.closed(generation, code, reason);
    return null;
  }

  @Override
  public void onError(WebSocket ws, Throwable error) {
    events.failed(generation, error);
  }
}
