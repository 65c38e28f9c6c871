package dev.parley.core;

import dev.parley.protocol.Command;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * Anonymous visitor identities: a client without a token becomes a new visitor and receives a
 * token {@code v1.<user>.<HMAC-SHA256(user)>} signed with the server's secret; presenting it again
 * makes it the same visitor, so its client ids ({@code cid}) stay de-duplicated across reconnects.
 *
 * <p>Thread-safe; answers at once (HMAC is cheap).
 */
public final class SignedVisitorTokens implements Authenticator {
  private static final String PREFIX = "v1.";

  private final HmacSigner signer;
  private final SecureRandom random = new SecureRandom();

  /** @param secret at least 32 random bytes, kept across restarts so tokens stay valid */
  public SignedVisitorTokens(byte[] secret) {
    this.signer = new HmacSigner(secret);
  }

  @Override
  public CompletableFuture<Principal> authenticate(Command.Hello hello) {
    if (hello.user() != null) {
      return CompletableFuture.failedFuture(new AuthenticationException("this server has no accounts"));
    }
    try {
      return CompletableFuture.completedFuture(visitor(hello.token()));
    } catch (AuthenticationException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Whether {@code token} looks like a visitor token (it may still be forged). */
  public static boolean isVisitorToken(String token) {
    return token.startsWith(PREFIX);
  }

  /**
   * The visitor of {@code token}, or a new one for null.
   *
   * @throws AuthenticationException for a token that is not valid
   */
  public Principal visitor(String token) {
    if (token == null) {
      byte[] id = new byte[12];
      random.nextBytes(id);
      String user = "v_" + Base64.getUrlEncoder().withoutPadding().encodeToString(id);
      return new Principal(user, "visitor", PREFIX + user + "." + signer.sign(user), null);
    }
    if (!token.startsWith(PREFIX)) {
      throw new AuthenticationException("token is not a Parley visitor token");
    }
    int dot = token.lastIndexOf('.');
    if (dot <= PREFIX.length()) {
      throw new AuthenticationException("token is malformed");
    }
    String user = token.substring(PREFIX.length(), dot);
    if (!signer.verify(user, token.substring(dot + 1))) {
      throw new AuthenticationException("token signature is not valid");
    }
    return new Principal(user, "visitor", token, null);
  }
}
