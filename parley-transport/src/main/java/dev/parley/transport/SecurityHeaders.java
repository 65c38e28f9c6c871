package dev.parley.transport;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.SslHandler;

/**
 * The security headers of the server's HTTP answers ({@code docs/SECURITY.md#http-headers}): every
 * answer says {@code nosniff} and a referrer policy, and {@code Strict-Transport-Security} when the
 * connection is TLS; HTML pages get a Content-Security-Policy that allows nothing but the server's
 * own scripts, styles and connections, and may be framed only where they mean to be (the demo page
 * by its own origin, the operations board by any site, the console and the dashboard nowhere). The
 * widget and the SDK, which other sites embed, are marked loadable from any origin.
 *
 * <p>Stateless and thread-safe.
 */
final class SecurityHeaders {
  /** The policy of every page; {@code frame-ancestors} is added per page. */
  static final String CSP_BASE =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "media-src 'self' blob:; connect-src 'self' ws: wss:; base-uri 'none'; "
          + "form-action 'self'; frame-ancestors ";

  /** The console, the dashboard, and any other page: never in a frame (clickjacking). */
  static final String CSP_UNFRAMED = CSP_BASE + "'none'";

  /** The demo page: framed by the server's own pages only. */
  static final String CSP_DEMO = CSP_BASE + "'self'";

  /**
   * The operations board ({@code /ops-board/}): framed by any site, which is what it is for. It
   * only shows figures, over the token its frame's address carries; it has no action to trick a
   * click into.
   */
  static final String CSP_EMBEDDABLE = CSP_BASE + "*";

  /** The folder of the page other sites may frame. */
  static final String OPS_BOARD = "/ops-board/";

  /** One year, in seconds: browsers then use https only, for this host, for that long. */
  static final String HSTS = "max-age=31536000";

  private SecurityHeaders() {}

  /** Adds what every answer carries; {@code ch} tells whether the connection is TLS. */
  static void common(Channel ch, HttpHeaders h) {
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "strict-origin-when-cross-origin");
    if (ch.pipeline().get(SslHandler.class) != null) {
      h.set("Strict-Transport-Security", HSTS);
    }
  }

  /**
   * Adds what the static asset at {@code path} needs beyond {@link #common}: the page policy for
   * HTML, and cross-origin loading for the widget and the SDK (the widget imports the SDK's ES
   * modules from the page of another site, which needs CORS).
   */
  static void asset(String path, String contentType, HttpHeaders h) {
    if (contentType.startsWith("text/html")) {
      boolean demo = path.equals("/") || path.equals("/index.html");
      if (path.startsWith(OPS_BOARD)) {
        h.set("Content-Security-Policy", CSP_EMBEDDABLE); // and no X-Frame-Options
        return;
      }
      h.set("Content-Security-Policy", demo ? CSP_DEMO : CSP_UNFRAMED);
      h.set("X-Frame-Options", demo ? "SAMEORIGIN" : "DENY");
    } else if (embeddable(path)) {
      h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
      h.set("Cross-Origin-Resource-Policy", "cross-origin");
    }
  }

  /**
   * Makes an answer readable by the page of {@code origin} (CORS), for a request that carried it
   * and passed the origin checks; nothing for null or {@code null} (a sandboxed page, refused
   * anyway). The answer varies with the caller's {@code Origin}, so caches must keep them apart.
   */
  static void readableBy(HttpHeaders h, String origin) {
    if (origin != null && !origin.equals("null")) {
      h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
      h.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
    }
  }

  /** {@code /widget.js} and what belongs to it ({@code /widget…}), and {@code /sdk/*}. */
  static boolean embeddable(String path) {
    return path.startsWith("/widget") || path.startsWith("/sdk/");
  }
}
