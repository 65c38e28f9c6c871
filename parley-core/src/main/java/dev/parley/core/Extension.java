package dev.parley.core;

import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.MessageMeta;
import dev.parley.protocol.ProtocolException;
import java.util.List;
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
   * A client's {@code send} (into {@code send.conv()}, within the rate and the length) is about to
   * be stored. The message is appended once the future completes; a future failed with a {@link
   * dev.parley.protocol.ProtocolException} refuses it with that error (naming its cid), unless the
   * store already holds that cid from this sender: a resend, answered with the stored message's
   * {@code ack} (docs/PROTOCOL.md#send). Asked about resends too (only a refusal reads the store).
   * The extension may write to the conversation first: its appends are stored before the message.
   */
  default CompletableFuture<Void> beforeSend(Session session, Command.Send send) {
    return CompletableFuture.completedFuture(null);
  }

  /**
   * A {@code send} to {@code conversation} carries {@code attachments} (file ids, at least one,
   * each once, within the protocol's bound): the extension checks them and completes with the meta
   * the message is stored with, or fails with a {@link dev.parley.protocol.ProtocolException}
   * (answered as an {@code error} naming the send's cid; nothing is stored). Asked before {@link
   * #beforeSend}, and again for a resent cid (whose message the store then answers as the
   * duplicate). The default refuses every attachment: the core alone keeps no files.
   */
  default CompletableFuture<MessageMeta> attachments(
      Session session, String conversation, List<String> attachments) {
    return CompletableFuture.failedFuture(
        new ProtocolException(
            ErrorCode.UNKNOWN_FILE, "this server takes no attachments", "attachments"));
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
