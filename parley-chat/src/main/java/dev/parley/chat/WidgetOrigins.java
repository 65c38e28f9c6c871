package dev.parley.chat;

import java.net.URI;

/**
 * Which pages may use a site's widget: those of the server's own origin and those of an origin the
 * site lists ({@code docs/SECURITY.md#origins}). The connection handshake and the widget's public
 * REST endpoints ask the same questions.
 *
 * <p>Stateless; any thread.
 */
public final class WidgetOrigins {
  private WidgetOrigins() {}

  /**
   * Whether {@code s}'s widget may be opened from a page of {@code origin}: one its operator listed
   * ({@code *} lists every origin, and must be listed explicitly).
   */
  public static boolean allows(Site s, String origin) {
    return !"null".equals(origin)
        && (s.allowedOrigins().contains("*") || s.allowedOrigins().contains(origin));
  }

  /**
   * Whether {@code origin} is the server's own (the page was served by the {@code host} it
   * connected to).
   */
  public static boolean sameOrigin(String origin, String host) {
    if (host == null) {
      return false;
    }
    try {
      URI o = URI.create(origin);
      String authority = o.getPort() == -1 ? o.getHost() : o.getHost() + ":" + o.getPort();
      return authority != null && authority.equalsIgnoreCase(host);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
