package dev.parley.bots;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of one webhook request, in one direction: {@code X-Parley-Signature: t=<unix
 * seconds>,v1=<hex HMAC-SHA256>} over
 *
 * <pre>
 * t "\n" METHOD "\n" path "\n" delivery "\n" body
 * </pre>
 *
 * where {@code delivery} is the request's {@code X-Parley-Delivery} id. The key is not the shared
 * secret itself but {@code HMAC-SHA256(secret, "parley-webhook-v1 " + direction)}, one per
 * direction, so an event Parley sent (whose text a visitor chose) cannot be replayed to Parley as
 * the bot's answer; the method and path bind it to one endpoint and conversation, the timestamp to
 * {@link #TOLERANCE} around the receiver's clock, and the delivery id (which the receiver remembers
 * for that long) to one use.
 *
 * <p>Immutable and thread-safe.
 */
public final class WebhookSignature {
  /** How far a request's timestamp may be from the receiver's clock, either way. */
  public static final Duration TOLERANCE = Duration.ofMinutes(5);

  /** Which way a request goes; each has its own key. */
  public enum Direction {
    /** Parley's events to the external bot. */
    TO_BOT("to-bot"),
    /** The external bot's answers to Parley's REST API. */
    TO_PARLEY("to-parley"),
    /** Parley's event webhooks to a site's integrations (docs/OPERATIONS.md#event-webhooks). */
    TO_INTEGRATION("to-integration");

    private final String label;

    Direction(String label) {
      this.label = label;
    }
  }

  /** What {@link #check} found. */
  public enum Verdict {
    VALID("valid"),
    MALFORMED(
        "X-Parley-Signature must be t=<unix seconds>,v1=<hex> and X-Parley-Delivery 1 to 64 characters "
            + "of A-Z a-z 0-9 _ . : -"),
    STALE("the signature's timestamp is more than 5 minutes from the server's clock"),
    FORGED("the signature does not match (method, path, timestamp, delivery and body are signed)");

    private final String reason;

    Verdict(String reason) {
      this.reason = reason;
    }

    /** Why, for an error body; never includes the expected signature. */
    public String reason() {
      return reason;
    }
  }

  private final byte[] key;

  private WebhookSignature(byte[] key) {
    this.key = key;
  }

  /** The signer for {@code direction} under the shared {@code secret}. */
  public static WebhookSignature of(String secret, Direction direction) {
    byte[] k =
        hmac(
            secret.getBytes(StandardCharsets.UTF_8),
            ("parley-webhook-v1 " + direction.label).getBytes(StandardCharsets.UTF_8));
    return new WebhookSignature(k);
  }

  /** The header value signing this request at {@code epochSeconds}. */
  public String sign(long epochSeconds, String method, String path, String delivery, byte[] body) {
    return "t="
        + epochSeconds
        + ",v1="
        + HexFormat.of().formatHex(mac(epochSeconds, method, path, delivery, body));
  }

  /**
   * Checks {@code header} for this request at {@code nowSeconds}, in constant time for the MAC. A
   * valid answer still has to have an unused {@code delivery} id, which is the caller's to
   * remember.
   */
  public Verdict check(
      String header, long nowSeconds, String method, String path, String delivery, byte[] body) {
    if (header == null || delivery == null || !delivery.matches("[A-Za-z0-9_.:-]{1,64}")) {
      return Verdict.MALFORMED;
    }
    Long t = null;
    byte[] v1 = null;
    for (String part : header.split(",")) {
      String p = part.trim();
      try {
        if (p.startsWith("t=") && p.length() <= 14) {
          t = Long.parseLong(p.substring(2));
        } else if (p.startsWith("v1=") && p.length() == 3 + 64) {
          v1 = HexFormat.of().parseHex(p.substring(3));
        }
      } catch (IllegalArgumentException e) {
        return Verdict.MALFORMED;
      }
    }
    if (t == null || v1 == null) {
      return Verdict.MALFORMED;
    }
    if (Math.abs(nowSeconds - t) > TOLERANCE.toSeconds()) {
      return Verdict.STALE;
    }
    return MessageDigest.isEqual(v1, mac(t, method, path, delivery, body))
        ? Verdict.VALID
        : Verdict.FORGED;
  }

  private byte[] mac(long t, String method, String path, String delivery, byte[] body) {
    byte[] head =
        (t + "\n" + method + "\n" + path + "\n" + delivery + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(head);
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
