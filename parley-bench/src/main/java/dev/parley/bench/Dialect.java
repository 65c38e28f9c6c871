package dev.parley.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * How the load generator speaks to one kind of server: Parley's JSON protocol ({@code
 * docs/PROTOCOL.md}), the raw baseline's bare frames, or Socket.IO 4 (Engine.IO v4 over WebSocket).
 * Stateless; {@link #session} makes the per-connection state, which is called on the connection's
 * event loop only. Frames are read as bytes, never made into strings (the client shares the machine
 * with the server).
 */
// The subclasses are private to the bench and have no static state that reads Dialect's.
@SuppressWarnings("ClassInitializationDeadlock")
abstract class Dialect {
  /**
   * Parley with its {@code hello} in the upgrade request ({@code /ws?hello=1}, the default), or,
   * with {@code -Dparley.bench.hello=frame} (for a build from before 2026-12-03), as the first
   * frame.
   */
  static final Dialect PARLEY =
      new Parley(!"frame".equals(System.getProperty("parley.bench.hello")));

  static final Dialect RAW = new Raw();
  static final Dialect SOCKET_IO = new SocketIoDialect();

  /** The dialect of a target named {@code parley}, {@code netty} or {@code socketio}. */
  static Dialect of(String target) {
    return switch (target) {
      case "netty" -> RAW;
      case "socketio" -> SOCKET_IO;
      default -> PARLEY;
    };
  }

  static final byte[] TEXT = Load.ascii("\"text\":\"");
  static final byte[] CID = Load.ascii("\"cid\":\"");

  /** Where a subscriber ({@code publisher} false) or the publisher connects. */
  URI uri(Target t, boolean publisher) {
    return t.ws;
  }

  /**
   * The state of one connection: drives it from the upgrade to ready (and joined to {@code conv}
   * when given), completing {@code ready}; then passes data frames to {@code data}. Error events go
   * to {@code errors} with their code.
   */
  abstract Session session(
      String conv,
      CompletableFuture<Void> ready,
      Load.Listener data,
      BiConsumer<String, String> errors);

  /**
   * A chat message into {@code conv} whose client id is {@code cid} ({@code n}: this connection's
   * n-th request).
   */
  abstract String send(String conv, long cid, String text, long n);

  /** A message the publisher of a fan-out sends ({@code n}: the n-th). */
  String publish(String conv, long n, String text) {
    return send(conv, n, text, n);
  }

  /** Whether {@code frame} acknowledges a {@link #send} (its cid follows {@link #CID}). */
  abstract boolean isAck(ByteBuf frame);

  /**
   * Whether {@code frame} delivers a message (its text, starting with the send time, follows {@link
   * #TEXT}).
   */
  abstract boolean isDelivery(ByteBuf frame);

  /** Whether the server stores what it acknowledges (Parley) or not. */
  abstract boolean durable();

  /** A connection's state; its methods run on the connection's event loop. */
  abstract static class Session implements Load.Listener {
    /** Called once the WebSocket upgrade is done. */
    abstract void upgraded(Channel ch);
  }

  static boolean startsWith(ByteBuf b, byte[] prefix) {
    if (b.readableBytes() < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b.getByte(b.readerIndex() + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** The string value after {@code marker} up to the next quote, or "" (for error codes). */
  static String stringAfter(ByteBuf b, byte[] marker) {
    int at = Load.indexOf(b, marker);
    if (at < 0) {
      return "";
    }
    int from = at + marker.length;
    int end = from;
    while (end < b.writerIndex() && b.getByte(end) != '"') {
      end++;
    }
    return b.toString(from, end - from, StandardCharsets.UTF_8);
  }

  /**
   * Parley: {@code hello} (in the upgrade request, or its first frame) → {@code welcome}, {@code
   * join} → {@code joined}, {@code send} → {@code ack} and {@code message}.
   */
  static final class Parley extends Dialect {
    /** Whether the upgrade request carries the {@code hello} ({@code ?hello=1}). */
    private final boolean helloInUrl;

    Parley(boolean helloInUrl) {
      this.helloInUrl = helloInUrl;
    }

    @Override
    URI uri(Target t, boolean publisher) {
      if (!helloInUrl) {
        return t.ws;
      }
      String url = t.ws.toString();
      return URI.create(url + (url.indexOf('?') < 0 ? "?" : "&") + "hello=1");
    }

    private static final byte[] WELCOME = Load.ascii("\"type\":\"welcome\"");
    private static final byte[] JOINED = Load.ascii("\"type\":\"joined\"");
    private static final byte[] MESSAGE = Load.ascii("\"type\":\"message\"");
    private static final byte[] ACK = Load.ascii("\"type\":\"ack\"");
    private static final byte[] ERROR = Load.ascii("\"type\":\"error\"");
    private static final byte[] CODE = Load.ascii("\"code\":\"");

    @Override
    Session session(
        String conv,
        CompletableFuture<Void> ready,
        Load.Listener data,
        BiConsumer<String, String> errors) {
      return new Session() {
        /** Whether {@code welcome} came. Only touched on the connection's event loop. */
        boolean welcomed;

        @Override
        void upgraded(Channel ch) {
          if (!helloInUrl) {
            Load.send(ch, "{\"type\":\"hello\"}");
          }
        }

        @Override
        public void onFrame(Channel ch, ByteBuf text) {
          if (!welcomed && Load.contains(text, WELCOME)) {
            welcomed = true;
            if (conv == null) {
              ready.complete(null);
            } else {
              Load.send(ch, "{\"type\":\"join\",\"conv\":\"" + conv + "\"}");
            }
          } else if (conv != null && !ready.isDone() && Load.contains(text, JOINED)) {
            ready.complete(null);
          } else if (Load.contains(text, ERROR)) {
            errors.accept(stringAfter(text, CODE), text.toString(StandardCharsets.UTF_8));
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
      return "{\"type\":\"send\",\"cid\":\""
          + cid
          + "\",\"conv\":\""
          + conv
          + "\",\"text\":\""
          + text
          + "\"}";
    }

    @Override
    boolean isAck(ByteBuf frame) {
      return Load.contains(frame, ACK);
    }

    @Override
    boolean isDelivery(ByteBuf frame) {
      return Load.contains(frame, MESSAGE);
    }

    @Override
    boolean durable() {
      return true;
    }
  }

  /**
   * The raw baseline: ready at the upgrade; {@code /ws} echoes, {@code /pub} broadcasts. Its frames
   * are padded to the size of Parley's {@code message} events, so both move the same bytes.
   */
  static final class Raw extends Dialect {
    @Override
    URI uri(Target t, boolean publisher) {
      return publisher ? t.at("/pub") : t.ws;
    }

    @Override
    Session session(
        String conv,
        CompletableFuture<Void> ready,
        Load.Listener data,
        BiConsumer<String, String> errors) {
      return new Session() {
        @Override
        void upgraded(Channel ch) {
          ready.complete(null);
        }

        @Override
        public void onFrame(Channel ch, ByteBuf text) {
          data.onFrame(ch, text);
        }

        @Override
        public void onClose(Channel ch) {
          data.onClose(ch);
        }
      };
    }

    @Override
    String send(String conv, long cid, String text, long n) {
      return "{\"type\":\"message\",\"text\":\"" + text + "\"}";
    }

    @Override
    String publish(String conv, long n, String text) {
      return "{\"type\":\"message\",\"conv\":\""
          + conv
          + "\",\"seq\":"
          + (n + 1)
          + ",\"id\":\"m_AAAAAAAAAAAAAAAA\",\"from\":\"v_AAAAAAAAAAAAAAAA\",\"kind\":\"text\",\"text\":\""
          + text
          + "\",\"ts\":"
          + System.currentTimeMillis()
          + ",\"cid\":\"p"
          + n
          + "\"}";
    }

    @Override
    boolean isAck(ByteBuf frame) {
      return false;
    }

    @Override
    boolean isDelivery(ByteBuf frame) {
      return true;
    }

    @Override
    boolean durable() {
      return false;
    }
  }
}
