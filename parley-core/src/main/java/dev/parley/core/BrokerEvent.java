package dev.parley.core;

/**
 * One event travelling through the {@link Broker}: an already-encoded frame plus what the core
 * needs to route it without decoding. Immutable; the frame array is never changed after creation.
 *
 * @param seq the message's seq for {@link Kind#MESSAGE}, 0 for ephemeral events
 * @param user the user the event is about (author, typer, receipt owner)
 * @param stateKey for ephemeral state (typing, a streaming answer), the key it sets; for {@link
 *     Kind#WINDOWED}, the stream's epoch ({@link #epoch}); null otherwise
 * @param ttlMillis how long the state under {@code stateKey} lasts; 0 clears it. For a {@link
 *     Kind#MESSAGE} or {@link Kind#WINDOWED}: the message's creation time (epoch ms), for
 *     delivery-latency metrics
 * @param audience who of a conversation's subscribers receive it, relative to {@code user}:
 *     everyone, everyone but {@code user}'s sessions (presence), or only {@code user}'s sessions
 * @param appendState for {@code stateKey}: true when the frame is added to the state's frames (a
 *     streamed answer's pieces, which a later joiner receives in order), false when it replaces
 *     them
 * @param frame the UTF-8 JSON frame sent to clients as is (encode once, write many)
 */
public record BrokerEvent(
    Kind kind,
    long seq,
    String user,
    String stateKey,
    long ttlMillis,
    Audience audience,
    boolean appendState,
    byte[] frame) {

  public BrokerEvent(
      Kind kind,
      long seq,
      String user,
      String stateKey,
      long ttlMillis,
      Audience audience,
      byte[] frame) {
    this(kind, seq, user, stateKey, ttlMillis, audience, false, frame);
  }

  /** Who of a conversation's subscribers receive an event, relative to its {@code user}. */
  public enum Audience {
    /** Every subscriber. */
    EVERYONE,
    /** Every subscriber but the sessions of {@code user} (an event about them, for the others). */
    OTHERS,
    /** Only the sessions of {@code user} (an event for one participant). */
    ONLY_USER;

    /** Whether a session of {@code sessionUser} receives an event about {@code eventUser}. */
    public boolean includes(String eventUser, String sessionUser) {
      return switch (this) {
        case EVERYONE -> true;
        case OTHERS -> !eventUser.equals(sessionUser);
        case ONLY_USER -> eventUser.equals(sessionUser);
      };
    }
  }

  /**
   * An ephemeral event that is also added to the frames of state {@code stateKey} (kept for {@code
   * ttlMillis} from now): a later joiner receives every frame added so far, in order, as its
   * snapshot. A streamed answer adds each piece this way, so no piece is encoded twice.
   */
  public static BrokerEvent ephemeralAppending(
      String user, String stateKey, long ttlMillis, byte[] frame) {
    return new BrokerEvent(
        Kind.EPHEMERAL, 0, user, stateKey, ttlMillis, Audience.EVERYONE, true, frame);
  }

  /** A stored message's event; {@code ttlMillis} carries the message's creation time (epoch ms). */
  public static BrokerEvent message(long seq, String user, long createdAtMillis, byte[] frame) {
    return new BrokerEvent(
        Kind.MESSAGE, seq, user, null, createdAtMillis, Audience.EVERYONE, frame);
  }

  /**
   * A message of an ephemeral stream, numbered {@code seq} in {@code epoch} by the {@link
   * StreamWindow}; {@code createdAtMillis} as for {@link #message}.
   */
  public static BrokerEvent windowed(
      String epoch, long seq, String user, long createdAtMillis, byte[] frame) {
    return new BrokerEvent(
        Kind.WINDOWED, seq, user, epoch, createdAtMillis, Audience.EVERYONE, frame);
  }

  /** The epoch of a {@link Kind#WINDOWED} event's seq; null for other kinds. */
  public String epoch() {
    return kind == Kind.WINDOWED ? stateKey : null;
  }

  /** A stored message's event without its creation time. */
  public static BrokerEvent message(long seq, String user, byte[] frame) {
    return message(seq, user, 0, frame);
  }

  /**
   * An ephemeral event. With a {@code stateKey} it is also the current state under that key (for
   * example {@code typing:<user>}) for {@code ttlMillis}, sent as a snapshot to later joiners; a
   * {@code ttlMillis} of 0 clears the key.
   */
  public static BrokerEvent ephemeral(String user, String stateKey, long ttlMillis, byte[] frame) {
    return new BrokerEvent(Kind.EPHEMERAL, 0, user, stateKey, ttlMillis, Audience.EVERYONE, frame);
  }

  /** An ephemeral event about {@code user} that {@code user}'s own sessions do not receive. */
  public static BrokerEvent aboutOthers(String user, byte[] frame) {
    return new BrokerEvent(Kind.EPHEMERAL, 0, user, null, 0, Audience.OTHERS, frame);
  }

  /** An ephemeral event that only {@code user}'s sessions in the conversation receive. */
  public static BrokerEvent forUser(String user, byte[] frame) {
    return new BrokerEvent(Kind.EPHEMERAL, 0, user, null, 0, Audience.ONLY_USER, frame);
  }

  /** What kind of event. */
  public enum Kind {
    /** A stored message with a seq: subject to ordering, de-duplication and gap repair. */
    MESSAGE,
    /** Not stored, no seq (typing, receipts): delivered as is to current subscribers. */
    EPHEMERAL,
    /**
     * A message of an ephemeral stream: a seq within an epoch, kept only in the {@link
     * StreamWindow}; ordered and gap-checked like a stored message, but never in the store.
     */
    WINDOWED
  }
}
