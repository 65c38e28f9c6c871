package dev.parley.core;

import dev.parley.protocol.Command;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Turns the credentials of a {@code hello} (a token, or a user and password) into a {@link
 * Principal}.
 *
 * <p>Implementations are thread-safe and never block the caller: slow checks (password hashes) run
 * elsewhere and complete the future there. A future failed with {@link AuthenticationException}
 * means the credentials are not valid.
 */
public interface Authenticator {

  /** The principal of {@code hello}'s credentials; a new anonymous visitor when there are none. */
  CompletableFuture<Principal> authenticate(Command.Hello hello);

  /**
   * Like {@link #authenticate(Command.Hello)}, knowing the client's address (null when unknown): an
   * authenticator may count failures by address and refuse with {@code rate_limited} (a future
   * failed with a {@link dev.parley.protocol.ProtocolException}).
   */
  default CompletableFuture<Principal> authenticate(Command.Hello hello, String clientAddress) {
    return authenticate(hello);
  }

  /**
   * Fresh credentials for {@code current} (an {@code auth} without a token): the same principal
   * with a new token and expiry, or a failure when this authenticator does not renew them or no
   * longer honours them (revoked). The default renews nothing.
   */
  default CompletableFuture<Principal> renew(Principal current) {
    return CompletableFuture.failedFuture(
        new AuthenticationException("send a fresh token in auth"));
  }

  /**
   * The principal of a bare token: one presented at the WebSocket handshake (query parameter,
   * {@code Authorization} header, cookie or {@code Sec-WebSocket-Protocol}), or in an {@code auth}
   * command that refreshes a live connection's credentials.
   */
  default CompletableFuture<Principal> authenticateToken(String token) {
    return authenticate(new Command.Hello(null, null, token, null));
  }

  /**
   * Why an authentication failed, for the client: the {@link AuthenticationException}'s message
   * (unwrapped from a {@link CompletionException}), or a retryable "cannot be checked now" for
   * anything else (a JWKS URL down).
   */
  static String reason(Throwable failure) {
    Throwable t =
        failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
    return t instanceof AuthenticationException a
        ? a.getMessage()
        : "the credentials cannot be checked now; try again";
  }

  /** Credentials are present but not valid. */
  final class AuthenticationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
      super(message, null, false, false);
    }
  }
}
