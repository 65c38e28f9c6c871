package dev.parley.core;

import dev.parley.protocol.Command;

/**
 * Where the layer above the core (chat) plugs in: it hears about sessions and stored messages, and
 * carries out the commands the core leaves to it. Every method has a do-nothing default.
 *
 * <p>Called on the session's executor (an event loop): implementations must not block; slow work
 * goes to their own threads and comes back through {@link Session}'s thread-safe methods.
 */
public interface Extension {
  /** Does nothing. */
  Extension NONE = new Extension() {};

  /** {@code hello} succeeded and {@code welcome} was sent. */
  default void helloAccepted(Session session) {}

  /**
   * A command the core does not carry out itself ({@code stop}, {@code handoff}, …).
   *
   * @return false if the extension does not know it either (the client gets {@code unknown_type})
   */
  default boolean command(Session session, Command command) {
    return false;
  }

  /** A {@code send} from this session was stored (new, not a duplicate) and published. */
  default void messageStored(Session session, StoredMessage message) {}

  /** The session ended. */
  default void sessionClosed(Session session) {}
}
