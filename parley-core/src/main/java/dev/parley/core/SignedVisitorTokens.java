package dev.parley.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Anonymous visitor identities: a client without a token becomes a new visitor and receives a
 * token {@code v1.<user>.<HMAC-SHA256(user)>} signed with the server's secret; presenting it again
 * makes it the same visitor, so its client ids ({@code cid}) stay de-duplicated across reconnects.
 *
 * <p>Thread-safe: a {@link Mac} is made per call (cheap next to the network round trip).
 */
public final class SignedVisitorTokens implements Authenticator {
  private static final String PREFIX = "v1.";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  /** @param secret at least 32 random bytes, kept across restarts so tokens stay valid */
  public SignedVisitorTokens(byte[] secret) {
    if (secret.length < 32) {
      throw new IllegalArgumentException("the token secret must have at least 32 bytes");
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
  }

  @Override
  public Principal authenticate(String token) {
    if (token == null) {
      byte[] id = new byte[12];
      random.nextBytes(id);
      String user = "v_" + B64.encodeToString(id);
      return new Principal(user, "visitor", PREFIX + user + "." + sign(user), null);
    }
    if (!token.startsWith(PREFIX)) {
      throw new AuthenticationException("token is not a Parley visitor token");
    }
    int dot = token.lastIndexOf('.');
    if (dot <= PREFIX.length()) {
      throw new AuthenticationException("token is malformed");
    }
    String user = token.substring(PREFIX.length(), dot);
    byte[] expected = sign(user).getBytes(StandardCharsets.US_ASCII);
    byte[] actual = token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, actual)) {
      throw new AuthenticationException("token signature is not valid");
    }
    return new Principal(user, "visitor", token, null);
  }

  private String sign(String user) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return B64.encodeToString(mac.doFinal(user.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
