package dev.parley.core;

import dev.parley.protocol.Command;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Anonymous identities: a client without a token becomes a new user and receives a token {@code
 * v2.<user>.<HMAC>} signed with a key of its own (derived from the server's secret for this one
 * purpose, {@link HmacSigner#forPurpose}); presenting it again makes it the same user, so its
 * client ids ({@code cid}) stay de-duplicated across reconnects.
 *
 * <p>Tokens of the first format, {@code v1.<user>.<HMAC>} signed with the secret itself, are still
 * accepted for the users this class made ({@code v_} and 16 base64url characters), so visitors keep
 * their conversations across the upgrade; nothing else signed with the bare secret passes (the
 * agent tokens of an earlier version were, and one relabelled {@code v1.} verified as an anonymous
 * user that never expired).
 *
 * <p>Thread-safe; answers at once (HMAC is cheap).
 */
public final class AnonymousTokens implements Authenticator {
  private static final String PREFIX = "v2.";
  private static final String LEGACY_PREFIX = "v1.";
  private static final Pattern GENERATED_USER = Pattern.compile("v_[A-Za-z0-9_-]{16}");

  private final HmacSigner signer;
  private final HmacSigner legacy;
  private final Map<String, String> claims;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param secret at least 32 random bytes, kept across restarts so tokens stay valid
   * @param claims what every anonymous principal carries (a chat server says {@code role: visitor})
   */
  public AnonymousTokens(byte[] secret, Map<String, String> claims) {
    this.signer = HmacSigner.forPurpose(secret, "anonymous-token");
    this.legacy = HmacSigner.raw(secret);
    this.claims = Map.copyOf(claims);
  }

  /** Anonymous users without claims. */
  public AnonymousTokens(byte[] secret) {
    this(secret, Map.of());
  }

  @Override
  public CompletableFuture<Principal> authenticate(Command.Hello hello) {
    if (hello.user() != null) {
      return CompletableFuture.failedFuture(
          new AuthenticationException("this server has no accounts"));
    }
    try {
      return CompletableFuture.completedFuture(principal(hello.token()));
    } catch (AuthenticationException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Whether {@code token} looks like an anonymous user's token (it may still be forged). */
  public static boolean isAnonymousToken(String token) {
    return token.startsWith(PREFIX) || token.startsWith(LEGACY_PREFIX);
  }

  /**
   * The anonymous user of {@code token}, or a new one for null.
   *
   * @throws AuthenticationException for a token that is not valid
   */
  public Principal principal(String token) {
    if (token == null) {
      byte[] id = new byte[12];
      random.nextBytes(id);
      String user = "v_" + Base64.getUrlEncoder().withoutPadding().encodeToString(id);
      return new Principal(user, claims, PREFIX + user + "." + signer.sign(user));
    }
    boolean current = token.startsWith(PREFIX);
    if (!current && !token.startsWith(LEGACY_PREFIX)) {
      throw new AuthenticationException("token is not a Parley anonymous token");
    }
    int dot = token.lastIndexOf('.');
    if (dot <= PREFIX.length()) {
      throw new AuthenticationException("token is malformed");
    }
    String user = token.substring(PREFIX.length(), dot);
    String signature = token.substring(dot + 1);
    boolean valid =
        current
            ? signer.verify(user, signature)
            : GENERATED_USER.matcher(user).matches() && legacy.verify(user, signature);
    if (!valid) {
      throw new AuthenticationException("token signature is not valid");
    }
    return new Principal(user, claims, token);
  }
}
