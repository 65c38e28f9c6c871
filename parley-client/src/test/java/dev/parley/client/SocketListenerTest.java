package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What one socket hears, frame by frame, handed on with its generation. */
class SocketListenerTest {
  /** Everything the listener handed on, as text. */
  final List<String> heard = new ArrayList<>();

  final SocketListener listener =
      new SocketListener(
          7,
          ChatProtocol.codec(),
          new SocketListener.Events() {
            @Override
            public void push(long generation, Push push) {
              heard.add(generation + " " + push);
            }

            @Override
            public void heard(long generation) {
              heard.add(generation + " ping");
            }

            @Override
            public void closed(long generation, int code, String reason) {
              heard.add(generation + " closed " + code + " " + reason);
            }

            @Override
            public void failed(long generation, Throwable error) {
              heard.add(generation + " failed " + error.getMessage());
            }
          });
  final RecordingWebSocket ws = new RecordingWebSocket();

  @Test
  void aTextMessageInSeveralFramesIsDecodedOnceItIsWhole() {
    listener.onText(ws, "{\"type\":\"po", false);
    assertThat(heard).isEmpty();
    listener.onText(ws, "ng\",\"ref\":", false);
    listener.onText(ws, "\"r1\"}", true);
    listener.onText(ws, "{\"type\":\"pong\",\"ref\":\"r2\"}", true);
    assertThat(heard).containsExactly("7 " + new Push.Pong("r1"), "7 " + new Push.Pong("r2"));
    assertThat(ws.requested).as("one more frame asked for after each").isEqualTo(4);
  }

  @Test
  void anEventThatDoesNotDecodeIsSkippedAndTheNextOneArrives() {
    listener.onText(ws, "{\"type\":", true);
    listener.onText(ws, "{\"type\":\"pong\",\"ref\":\"r1\"}", true);
    assertThat(heard).containsExactly("7 " + new Push.Pong("r1"));
    assertThat(ws.requested).isEqualTo(2);
  }

  @Test
  void pingsClosesAndFailuresAreHandedOnWithTheSocketsGeneration() {
    listener.onPing(ws, ByteBuffer.allocate(0));
    listener.onClose(ws, 1012, "restart");
    listener.onError(ws, new IllegalStateException("reset"));
    assertThat(heard).containsExactly("7 ping", "7 closed 1012 restart", "7 failed reset");
    assertThat(ws.requested).as("a ping asks for the next frame").isEqualTo(1);
  }

  /** A WebSocket that only counts the frames asked for. */
  static final class RecordingWebSocket implements WebSocket {
    long requested;

    @Override
    public void request(long n) {
      requested += n;
    }

    @Override
    public CompletableFuture<WebSocket> sendText(CharSequence data, boolean last) {
      return CompletableFuture.completedFuture(this);
    }

    @Override
    public CompletableFuture<WebSocket> sendBinary(ByteBuffer data, boolean last) {
      return CompletableFuture.completedFuture(this);
    }

    @Override
    public CompletableFuture<WebSocket> sendPing(ByteBuffer message) {
      return CompletableFuture.completedFuture(this);
    }

    @Override
    public CompletableFuture<WebSocket> sendPong(ByteBuffer message) {
      return CompletableFuture.completedFuture(this);
    }

    @Override
    public CompletableFuture<WebSocket> sendClose(int statusCode, String reason) {
      return CompletableFuture.completedFuture(this);
    }

    @Override
    public String getSubprotocol() {
      return "";
    }

    @Override
    public boolean isOutputClosed() {
      return false;
    }

    @Override
    public boolean isInputClosed() {
      return false;
    }

    @Override
    public void abort() {}
  }
}
