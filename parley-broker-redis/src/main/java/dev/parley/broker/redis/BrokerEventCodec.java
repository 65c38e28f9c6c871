package dev.parley.broker.redis;

import dev.parley.core.BrokerEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The binary form of a {@link BrokerEvent} on Redis:
 *
 * <pre>
 *   byte   version (1)
 *   byte   kind (0 message, 1 ephemeral, 2 windowed: a message of an ephemeral stream)
 *   byte   flags (bit 0: not to the user's own sessions; bit 1: appended to its state; bit 2: only to
 *          the user's sessions)
 *   long   seq
 *   long   ttlMillis
 *   short  user length, then UTF-8 bytes
 *   short  stateKey (a windowed message's epoch) length (-1 for none), then UTF-8 bytes
 *   int    -1 (a separate state frame in the first releases; read and ignored)
 *   rest   the frame, as is
 * </pre>
 *
 * Stateless and thread-safe.
 */
final class BrokerEventCodec {
  private static final byte VERSION = 1;

  private BrokerEventCodec() {}

  static byte[] encode(BrokerEvent e) {
    byte[] user = e.user() == null ? new byte[0] : e.user().getBytes(StandardCharsets.UTF_8);
    byte[] key = e.stateKey() == null ? null : e.stateKey().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b =
        ByteBuffer.allocate(
            1
                + 1
                + 1
                + 8
                + 8
                + 2
                + user.length
                + 2
                + (key == null ? 0 : key.length)
                + 4
                + e.frame().length);
    int audience =
        switch (e.audience()) {
          case EVERYONE -> 0;
          case OTHERS -> 1;
          case ONLY_USER -> 4;
        };
    b.put(VERSION).put(kindCode(e.kind())).put((byte) (audience | (e.appendState() ? 2 : 0)));
    b.putLong(e.seq()).putLong(e.ttlMillis());
    b.putShort((short) user.length).put(user);
    if (key == null) {
      b.putShort((short) -1);
    } else {
      b.putShort((short) key.length).put(key);
    }
    b.putInt(-1);
    b.put(e.frame());
    return b.array();
  }

  /**
   * @throws IllegalArgumentException for bytes this version cannot read
   */
  static BrokerEvent decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    if (b.get() != VERSION) {
      throw new IllegalArgumentException("unknown broker event version");
    }
    BrokerEvent.Kind kind = kind(b.get());
    byte flags = b.get();
    BrokerEvent.Audience audience =
        (flags & 1) != 0
            ? BrokerEvent.Audience.OTHERS
            : (flags & 4) != 0 ? BrokerEvent.Audience.ONLY_USER : BrokerEvent.Audience.EVERYONE;
    boolean append = (flags & 2) != 0;
    long seq = b.getLong();
    long ttl = b.getLong();
    byte[] user = new byte[b.getShort()];
    b.get(user);
    short keyLen = b.getShort();
    String key = null;
    if (keyLen >= 0) {
      byte[] k = new byte[keyLen];
      b.get(k);
      key = new String(k, StandardCharsets.UTF_8);
    }
    int stateLen = b.getInt();
    if (stateLen > 0) {
      b.position(b.position() + stateLen);
    }
    byte[] frame = new byte[b.remaining()];
    b.get(frame);
    return new BrokerEvent(
        kind, seq, new String(user, StandardCharsets.UTF_8), key, ttl, audience, append, frame);
  }

  /** The kind's byte on the wire: fixed here, so reordering the enum never changes the format. */
  private static byte kindCode(BrokerEvent.Kind kind) {
    return switch (kind) {
      case MESSAGE -> 0;
      case EPHEMERAL -> 1;
      case WINDOWED -> 2;
    };
  }

  private static BrokerEvent.Kind kind(byte code) {
    return switch (code) {
      case 0 -> BrokerEvent.Kind.MESSAGE;
      case 1 -> BrokerEvent.Kind.EPHEMERAL;
      case 2 -> BrokerEvent.Kind.WINDOWED;
      default -> throw new IllegalArgumentException("unknown broker event kind " + code);
    };
  }
}
