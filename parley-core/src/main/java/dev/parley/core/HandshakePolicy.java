package dev.parley.core;

import java.util.Map;

/**
 * Who may open a connection, decided from the opening HTTP request (a WebSocket handshake or a
 * fallback session's {@code /rt/open}): the origin policy of {@code docs/SECURITY.md}. The layer
 * above the core implements it; {@link #ALLOW_ALL} is a bare core's.
 *
 * <p>Thread-safe and non-blocking (runs on an event loop).
 */
public interface HandshakePolicy {
  /** Lets every origin in and requires no token. */
  HandshakePolicy ALLOW_ALL = new HandshakePolicy() {};

  /**
   * The opening request as the policy sees it.
   *
   * @param origin the Origin header, or null (not a browser)
   * @param host the Host header, or null
   * @param params the query parameters of the request's URL (first value of each)
   */
  record Request(String origin, String host, Map<String, String> params) {
    public Request {
      params = Map.copyOf(params);
    }

    /** The query parameter {@code name}, or null. */
    public String param(String name) {
      return params.get(name);
    }
  }

  /** Whether a page from {@code r.origin()} may connect. */
  default boolean originAllowed(Request r) {
    return true;
  }

  /** Whether a request without a token is refused (401). */
  default boolean tokenRequired(Request r) {
    return false;
  }
}
