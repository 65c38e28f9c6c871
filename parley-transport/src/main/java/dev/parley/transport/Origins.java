package dev.parley.transport;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The transport's own origin rules ({@code docs/SECURITY.md#origins}): which requests come from the
 * server's own pages, and which may carry on a fallback session that a page opened. The site policy
 * (which foreign origins may open a connection at all) is the core's {@code HandshakePolicy}; these
 * rules only ever narrow it. {@code Origin: null} (a sandboxed frame, a {@code file:} page, a
 * redirect across origins) is never allowed by them.
 *
 * <p>Stateless and thread-safe.
 */
final class Origins {
  /** The browser's {@code Sec-Fetch-Site} value for a request from the page's own origin. */
  static final String SAME_ORIGIN = "same-origin";

  private Origins() {}

  /**
   * Whether {@code origin} names this server: an http(s) origin whose host and port are the
   * request's {@code Host} header (default ports spelt out or not). False for a missing origin, for
   * {@code null}, and when there is no Host header.
   */
  static boolean isServersOwn(String origin, String host) {
    if (origin == null || host == null || origin.equals("null")) {
      return false;
    }
    try {
      URI o = new URI(origin);
      String scheme = o.getScheme() == null ? "" : o.getScheme().toLowerCase(Locale.ROOT);
      int defaultPort = scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
      if (defaultPort < 0
          || o.getHost() == null
          || (o.getRawPath() != null && !o.getRawPath().isEmpty())
          || o.getRawQuery() != null
          || o.getRawUserInfo() != null) {
        return false;
      }
      URI h = new URI("http://" + host.trim());
      if (h.getHost() == null
          || (h.getRawPath() != null && !h.getRawPath().isEmpty())
          || h.getRawUserInfo() != null) {
        return false;
      }
      int originPort = o.getPort() == -1 ? defaultPort : o.getPort();
      int hostPort = h.getPort() == -1 ? defaultPort : h.getPort();
      return o.getHost().equalsIgnoreCase(h.getHost()) && originPort == hostPort;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /**
   * Whether a later request of a fallback session may act on it ({@code
   * docs/SECURITY.md#fallback-transports}):
   *
   * <ul>
   *   <li>a session a browser page opened (its {@code opener} origin recorded) takes requests
   *       carrying that same origin; a request without {@code Origin} only when the browser says it
   *       comes from the page's own origin ({@code Sec-Fetch-Site: same-origin}, as browsers omit
   *       {@code Origin} on same-origin GETs) and the opener was this server's own origin;
   *   <li>a session a non-browser opened (no {@code Origin}) takes requests without {@code Origin}
   *       and without {@code Sec-Fetch-Site}: no browser page may act on it.
   * </ul>
   *
   * {@code Origin: null} is refused either way, even when the opener sent it too.
   */
  static boolean mayContinue(String opener, String origin, String fetchSite, String host) {
    if (origin != null) {
      return opener != null && !origin.equals("null") && origin.equals(opener);
    }
    if (opener == null) {
      return fetchSite == null;
    }
    return SAME_ORIGIN.equalsIgnoreCase(fetchSite) && isServersOwn(opener, host);
  }
}
