package dev.parley.core;

/**
 * Turns the credentials of a {@code hello} into a {@link Principal}.
 *
 * <p>Implementations are thread-safe and must not block (they run on event loops).
 */
public interface Authenticator {

  /**
   * The principal for {@code token}, or a new anonymous visitor when {@code token} is null.
   *
   * @throws AuthenticationException when the token is present but not valid
   */
  Principal authenticate(String token);

  /** Thrown when credentials are present but not valid. */
  final class AuthenticationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
      super(message, null, false, false);
    }
  }
}
