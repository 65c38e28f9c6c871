package dev.parley.core;

/**
 * Who may open a connection, decided at the WebSocket handshake from its HTTP headers: the
 * origin policy of {@code docs/SECURITY.md}. The chat layer implements it from its sites' allowed
 * origins; {@link #ALLOW_ALL} is the bare core's.
 *
 * <p>Thread-safe and non-blocking (runs on an event loop).
 */
@FunctionalInterface
public interface HandshakePolicy {
  /** Lets every origin in. */
  HandshakePolicy ALLOW_ALL = (origin, site, host) -> true;

  /**
   * Whether a page from {@code origin} (null: not a browser) may connect, for {@code site} when
   * the URL names one ({@code /ws?site=…}, else null); {@code host} is the request's Host header.
   */
  boolean originAllowed(String origin, String site, String host);

  /**
   * Whether a handshake without a token is refused (401): for a site that lets no anonymous
   * visitors in, or everywhere when the server requires tokens. {@code site} is from the URL, or null.
   */
  default boolean tokenRequired(String site) {
    return false;
  }
}
