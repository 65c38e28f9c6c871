package dev.parley.edge.serverapi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * A key of the server API as the configuration stores it ({@code ConfigStore} kind {@code
 * api_key}): who it is for, which namespaces it may publish to ({@code ["*"]}: every one), and the
 * SHA-256 of the key, never the key itself. A key reads {@code pk_<id>_<secret>}: {@code id} is 16
 * hex digits (the entry's id, how a presented key finds its document), {@code secret} 256 random
 * bits in base64url. The admin API shows the key once, when it is made ({@link #issue}); a
 * presented key is checked by hashing it and comparing the hashes in constant time ({@link
 * #matches}). A revoked key stays stored (the audit log names it), marked with when it was revoked.
 *
 * <p>Immutable.
 *
 * @param secretSha256 hex SHA-256 of the whole key ({@code pk_…})
 * @param revokedAtMillis when it was revoked, or null while it is in force
 */
public record ApiKeyDoc(
    String id,
    String name,
    List<String> namespaces,
    String secretSha256,
    long createdAtMillis,
    String createdBy,
    Long revokedAtMillis) {

  /** How every key begins. */
  public static final String PREFIX = "pk_";

  /** The scope that covers every namespace. */
  public static final String ALL = "*";

  private static final int ID_HEX = 16;
  private static final int SECRET_BYTES = 32;

  public ApiKeyDoc {
    namespaces = List.copyOf(namespaces);
  }

  /** A new key: its document and the key, which nothing keeps. */
  public record Issued(ApiKeyDoc doc, String key) {}

  /** Makes a key for {@code name} over {@code namespaces}, by {@code createdBy}. */
  public static Issued issue(
      String name, List<String> namespaces, String createdBy, long nowMillis, SecureRandom random) {
    byte[] id = new byte[ID_HEX / 2];
    byte[] secret = new byte[SECRET_BYTES];
    random.nextBytes(id);
    random.nextBytes(secret);
    String hexId = HexFormat.of().formatHex(id);
    String key =
        PREFIX + hexId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    return new Issued(
        new ApiKeyDoc(
            hexId,
            name,
            namespaces,
            HexFormat.of().formatHex(sha256(key)),
            nowMillis,
            createdBy,
            null),
        key);
  }

  /** The id {@code key} names, or null when it is not shaped like a key. */
  public static String idOf(String key) {
    if (key == null
        || key.length() < PREFIX.length() + ID_HEX + 2
        || !key.startsWith(PREFIX)
        || key.charAt(PREFIX.length() + ID_HEX) != '_') {
      return null;
    }
    String id = key.substring(PREFIX.length(), PREFIX.length() + ID_HEX);
    for (int i = 0; i < id.length(); i++) {
      if (Character.digit(id.charAt(i), 16) < 0 || Character.isUpperCase(id.charAt(i))) {
        return null;
      }
    }
    return id;
  }

  /** Whether {@code key} is this key: equal hashes, compared in constant time. */
  public boolean matches(String key) {
    return MessageDigest.isEqual(sha256(key), HexFormat.of().parseHex(secretSha256));
  }

  /** Whether this key may publish into namespace {@code name}. */
  public boolean covers(String name) {
    return namespaces.contains(ALL) || namespaces.contains(name);
  }

  /** Whether it covers every namespace (what disconnecting a user needs). */
  public boolean coversAll() {
    return namespaces.contains(ALL);
  }

  public boolean revoked() {
    return revokedAtMillis != null;
  }

  /** This key, revoked at {@code atMillis}. */
  public ApiKeyDoc revokedAt(long atMillis) {
    return new ApiKeyDoc(id, name, namespaces, secretSha256, createdAtMillis, createdBy, atMillis);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
