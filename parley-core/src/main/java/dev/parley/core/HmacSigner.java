package dev.parley.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signatures of short strings (token payloads), base64url without padding, checked in
 * constant time. Each kind of token signs with a key of its own, derived from the server's secret
 * for that purpose ({@link #forPurpose}: HMAC-SHA256 of {@code "parley:" + purpose} under the
 * secret), so a signature made for one kind never verifies as another.
 *
 * <p>Thread-safe: a {@link Mac} is made per call.
 */
public final class HmacSigner {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private final SecretKeySpec key;

  private HmacSigner(byte[] key) {
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
  }

  /** A signer whose key is derived from {@code secret} for {@code purpose} alone. */
  public static HmacSigner forPurpose(byte[] secret, String purpose) {
    return new HmacSigner(raw(secret).mac(("parley:" + purpose).getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * A 32-byte key for {@code purpose} derived from {@code secret} (the same derivation as {@link
   * #forPurpose}'s), for a use other than signing: e.g. the key that seals stored secrets.
   */
  public static byte[] derivedKey(byte[] secret, String purpose) {
    return raw(secret).mac(("parley:" + purpose).getBytes(StandardCharsets.UTF_8));
  }

  /** A signer with {@code secret} itself as the key (only for formats that predate purposes). */
  public static HmacSigner raw(byte[] secret) {
    if (secret.length < 32) {
      throw new IllegalArgumentException("the token secret must have at least 32 bytes");
    }
    return new HmacSigner(secret);
  }

  private byte[] mac(byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** The signature of {@code payload}. */
  public String sign(String payload) {
    return B64.encodeToString(mac(payload.getBytes(StandardCharsets.UTF_8)));
  }

  /** Whether {@code signature} is {@code payload}'s, compared in constant time. */
  public boolean verify(String payload, String signature) {
    return MessageDigest.isEqual(
        sign(payload).getBytes(StandardCharsets.US_ASCII),
        signature.getBytes(StandardCharsets.US_ASCII));
  }
}
