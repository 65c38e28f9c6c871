package dev.parley.edge.admin;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the secrets of stored settings (an LLM API key, a webhook secret, a site's identity secret)
 * with AES-256-GCM: {@code enc:v1:<base64url(nonce ‖ ciphertext ‖ tag)>}, a random 96-bit nonce per
 * seal, and the secret's place ({@code site/acme/bot.llm.apiKey}) as associated data, so a sealed
 * value copied to another site or field does not open. The key is the operator's ({@code
 * --secrets-key}, or {@code secrets.key} beside the data; docs/SECURITY.md#secrets-at-rest).
 *
 * <p>Thread-safe: a {@link Cipher} is made per call.
 */
public final class SecretBox {
  private static final String PREFIX = "enc:v1:";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param key 32 bytes
   */
  public SecretBox(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("the secrets key must be 32 bytes, was " + key.length);
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
  }

  /** Whether {@code stored} is a sealed value (not a secret in the clear). */
  public static boolean isSealed(String stored) {
    return stored != null && stored.startsWith(PREFIX);
  }

  /** {@code secret} sealed for {@code place}; null stays null. */
  public String seal(String secret, String place) {
    if (secret == null) {
      return null;
    }
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      random.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(place.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = c.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[NONCE_BYTES + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
      return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
  }

  /**
   * The secret sealed in {@code stored} for {@code place}; null stays null.
   *
   * @throws IllegalArgumentException when it is not sealed, or not with this key for this place
   */
  public String open(String stored, String place) {
    if (stored == null) {
      return null;
    }
    if (!isSealed(stored)) {
      throw new IllegalArgumentException(place + " is not sealed");
    }
    byte[] in;
    try {
      in = Base64.getUrlDecoder().decode(stored.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(place + " is not a sealed value");
    }
    if (in.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new IllegalArgumentException(place + " is not a sealed value");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
      c.updateAAD(place.getBytes(StandardCharsets.UTF_8));
      return new String(
          c.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          place + " does not open with this secrets key (another --secrets-key?)");
    }
  }
}
