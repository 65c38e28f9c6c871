package dev.parley.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Socket.IO 4's wire format, written from its protocol documents: Engine.IO v4 packets over one
 * WebSocket (socket.io/docs/v4/engine-io-protocol), carrying Socket.IO v5 packets
 * (socket.io/docs/v4/socket-io-protocol). Stateless; its sessions run on their connection's event
 * loop.
 *
 * <pre>
 *   server → client  0{"sid":…,"pingInterval":25000,…}   Engine.IO open
 *   client → server  40                                   Socket.IO connect to namespace "/"
 *   server → client  40{"sid":…}                          connected
 *   client → server  42N["join",{"conv":…}]               an event with acknowledgement id N
 *   server → client  43N[{…}]                             the acknowledgement of N
 *   server → client  42["message",{…}]                    an event without acknowledgement
 *   server → client  2          client → server  3        Engine.IO ping and pong (the server pings)
 *   server → client  44{"message":…}                      connect error
 * </pre>
 */
final class SocketIoDialect extends Dialect {
  private static final byte[] OPEN = Load.ascii("0{");
  private static final byte[] CONNECTED = Load.ascii("40");
  private static final byte[] CONNECT_ERROR = Load.ascii("44");
  private static final byte[] DISCONNECT = Load.ascii("41");
  private static final byte[] ACK = Load.ascii("43");
  private static final byte[] JOIN_ACK = Load.ascii("430[");
  private static final byte[] MESSAGE = Load.ascii("42[\"message\"");

  /** The Engine.IO endpoint for a WebSocket from the start (no long-polling first). */
  @Override
  URI uri(Target t, boolean publisher) {
    return t.ws;
  }

  /** Whether {@code b} is exactly the one-byte packet {@code c}. */
  private static boolean is(ByteBuf b, char c) {
    return b.readableBytes() == 1 && b.getByte(b.readerIndex()) == c;
  }

  @Override
  Session session(
      String conv,
      CompletableFuture<Void> ready,
      Load.Listener data,
      BiConsumer<String, String> errors) {
    return new Session() {
      /**
       * Whether the namespace is connected ({@code 40}). Only touched on the connection's event
       * loop.
       */
      boolean connected;

      @Override
      void upgraded(Channel ch) {
        // The server speaks first (its open packet).
      }

      @Override
      public void onFrame(Channel ch, ByteBuf text) {
        if (is(text, '2')) {
          Load.send(ch, "3"); // pong: the server closes a connection that misses one
        } else if (!connected && startsWith(text, OPEN)) {
          Load.send(ch, "40");
        } else if (!connected && startsWith(text, CONNECTED)) {
          connected = true;
          if (conv == null) {
            ready.complete(null);
          } else {
            Load.send(ch, "420[\"join\",{\"conv\":\"" + conv + "\"}]");
          }
        } else if (conv != null && !ready.isDone() && startsWith(text, JOIN_ACK)) {
          ready.complete(null);
        } else if (startsWith(text, CONNECT_ERROR) || startsWith(text, DISCONNECT)) {
          String packet = text.toString(StandardCharsets.UTF_8);
          errors.accept(startsWith(text, CONNECT_ERROR) ? "connect_error" : "disconnect", packet);
        } else {
          data.onFrame(ch, text);
        }
      }

      @Override
      public void onClose(Channel ch) {
        data.onClose(ch);
      }
    };
  }

  @Override
  String send(String conv, long cid, String text, long n) {
    return "42"
        + n
        + "[\"send\",{\"conv\":\""
        + conv
        + "\",\"cid\":\""
        + cid
        + "\",\"text\":\""
        + text
        + "\"}]";
  }

  @Override
  boolean isAck(ByteBuf frame) {
    return startsWith(frame, ACK);
  }

  @Override
  boolean isDelivery(ByteBuf frame) {
    return startsWith(frame, MESSAGE);
  }

  @Override
  boolean durable() {
    return false;
  }
}
