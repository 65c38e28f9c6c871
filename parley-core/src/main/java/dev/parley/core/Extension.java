package dev.parley.core;

import dev.parley.protocol.Command;
import java.util.concurrent.CompletableFuture;

/**
 * Where a layer above the core (chat) plugs in: it admits principals, hears about sessions and
 * stored messages, may hold a {@code send} until it is ready for it, and carries out the commands
 * it registered with the codec. Every method has a do-nothing default.
 *
 * <p>Called on the session's executor (an event loop): implementations must not block. Slow work
 * goes to their own threads and comes back through {@link Session#loop()}.
 */
public interface Extension {
  /** Does nothing. */
  Extension NONE = new Extension() {};

  /**
   * {@code hello}'s credentials were accepted as {@code principal}; before {@code welcome}, the
   * extension may refuse the session (a future failed with a {@link
   * dev.parley.protocol.ProtocolException}, answered as an {@code error} naming the hello) or
   * complete with the principal to use (for example with a claim added from the hello's options).
   */
  default CompletableFuture<Principal> admit(
      Session session, Command.Hello hello, Principal principal) {
    return CompletableFuture.completedFuture(principal);
  }

  /** {@code hello} succeeded and {@code welcome} was sent. */
  default void helloAccepted(Session session) {}

  /**
   * A {@code send} to {@code conversation} is about to be stored. The message is appended once the
   * future completes; a future failed with a {@link dev.parley.protocol.ProtocolException} refuses
   * it with that error (naming its cid). The extension may write to the conversation first: its
   * appends are stored before the message.
   */
  default CompletableFuture<Void> beforeSend(Session session, String conversation) {
    return CompletableFuture.completedFuture(null);
  }

  /**
   * A command the core does not carry out itself (one the extension registered with the codec).
   *
   * @return false if the extension does not know it either (the client gets {@code unknown_type})
   */
  default boolean command(Session session, Command command) {
    return false;
  }

  /** A {@code send} from this session was stored (new, not a duplicate) and published. */
  default void messageStored(Session session, StoredMessage message) {}

  /** A session whose {@code hello} had been accepted ended. */
  default void sessionClosed(Session session) {}
}
