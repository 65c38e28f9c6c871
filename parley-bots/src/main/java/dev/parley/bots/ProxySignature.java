package dev.parley.bots;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a channel proxy's request ({@code docs/SECURITY.md#channel-proxy}): {@value
 * #TIMESTAMP} carries the unix seconds at which it was signed, and {@value #SIGNATURE} is {@code
 * v1=<hex HMAC-SHA256(secret, timestamp "\n" body)>} under the namespace's proxy secret. The
 * backend recomputes it over the bytes it received, compares in constant time, and refuses a
 * timestamp far from its clock (5 minutes, as for webhooks); the body names the action, user,
 * namespace and channel, so a signed request says nothing about any other.
 *
 * <p>Stateless and thread-safe: a {@link Mac} is made per call.
 */
public final class ProxySignature {
  /** The header with the unix seconds at which the request was signed. */
  public static final String TIMESTAMP = "X-Parley-Timestamp";

  /** The header with the signature: {@code v1=<hex>}. */
  public static final String SIGNATURE = "X-Parley-Signature";

  private ProxySignature() {}

  /** The {@value #SIGNATURE} value for {@code body} sent at {@code epochSeconds}. */
  public static String sign(String secret, long epochSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((epochSeconds + "\n").getBytes(StandardCharsets.UTF_8));
      return "v1=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
