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
 * <p>Thread-safe: each call works on a clone of a {@link Mac} initialised once with the key and
 * never used itself, so the provider lookup and the key's setup (about half of a signature's cost,
 * under a handshake's {@code hello}) are paid once; a clone of a SunJCE HMAC copies its two digest
 * states.
 */
public final class HmacSigner {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private final SecretKeySpec key;

  /** Initialised with {@link #key}; only ever cloned, never updated, so shared reads are safe. */
  private final Mac prototype;

  private HmacSigner(byte[] key) {
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    this.prototype = newMac(this.key);
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
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
    Mac mac;
    try {
      mac = (Mac) prototype.clone();
    } catch (CloneNotSupportedException e) {
      mac = newMac(key); // a provider whose HMAC cannot be cloned: set one up per call
    }
    return mac.doFinal(data);
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
