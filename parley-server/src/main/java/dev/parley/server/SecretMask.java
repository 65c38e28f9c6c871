package dev.parley.server;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks what {@code parley config --print} must not show: secret settings whole, and the passwords
 * inside URLs ({@code redis://:pw@host}, {@code jdbc:postgresql://user:pw@host/db}, {@code
 * ?password=pw}).
 *
 * <p>Stateless; any thread.
 */
final class SecretMask {
  static final String MASK = "****";

  /**
   * {@code scheme://} or {@code jdbc:subscheme://}, then the userinfo before the last {@code @} of
   * the authority.
   */
  private static final Pattern USERINFO =
      Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z][A-Za-z0-9+.-]*:)?//)([^/?#]*)@");

  /**
   * Query parameters that carry credentials (PostgreSQL's {@code password}, {@code sslpassword};
   * API keys).
   */
  private static final Pattern SECRET_PARAMETER =
      Pattern.compile(
          "([?&;](?:password|sslpassword|pass|pwd|secret|token|access_token|api[-_]?key|key)=)[^&;#]*",
          Pattern.CASE_INSENSITIVE);

  private SecretMask() {}

  /**
   * {@code url} with the password of its userinfo masked ({@code user:****@}; a userinfo without a
   * colon, which Redis takes as the password, whole) and the values of credential parameters
   * masked.
   */
  static String url(String url) {
    Matcher m = USERINFO.matcher(url);
    String out = url;
    if (m.find()) {
      String userinfo = m.group(2);
      int colon = userinfo.indexOf(':');
      String masked = colon >= 0 ? userinfo.substring(0, colon + 1) + MASK : MASK;
      out = m.group(1) + masked + "@" + url.substring(m.end());
    }
    return SECRET_PARAMETER.matcher(out).replaceAll("$1" + MASK);
  }
}
