package dev.parley.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signatures of short strings (token payloads), base64url without padding, checked in
 * constant time. Thread-safe: a {@link Mac} is made per call.
 */
public final class HmacSigner {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private final SecretKeySpec key;

  /** @param secret at least 32 random bytes */
  public HmacSigner(byte[] secret) {
    if (secret.length < 32) {
      throw new IllegalArgumentException("the token secret must have at least 32 bytes");
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
  }

  /** The signature of {@code payload}. */
  public String sign(String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return B64.encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** Whether {@code signature} is {@code payload}'s, compared in constant time. */
  public boolean verify(String payload, String signature) {
    return MessageDigest.isEqual(sign(payload).getBytes(StandardCharsets.US_ASCII),
        signature.getBytes(StandardCharsets.US_ASCII));
  }
}
