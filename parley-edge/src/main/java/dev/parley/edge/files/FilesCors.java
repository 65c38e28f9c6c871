package dev.parley.edge.files;

import dev.parley.protocol.http.HttpApi.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files API's CORS answers, for the widget on a site's own pages, which uploads and asks for
 * links from another origin than the server's ({@code docs/SECURITY.md#uploaded-files}). Only an
 * origin a site lists gets them ({@link FilesApi} decides); never with credentials — the bearer
 * token in {@code Authorization} is the credential, and no cookie is ever read — so a page gains
 * nothing without the session's token.
 *
 * <p>Stateless; any thread.
 */
final class FilesCors {
  /** How long a browser may keep a preflight's answer. */
  static final int MAX_AGE_SECONDS = 600;

  private FilesCors() {}

  /** The answer to a preflight ({@code OPTIONS}) from {@code origin}. */
  static Response preflight(String origin, boolean upload) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Access-Control-Allow-Origin", origin);
    h.put("Access-Control-Allow-Methods", upload ? "POST" : "GET, HEAD");
    h.put("Access-Control-Allow-Headers", "authorization, idempotency-key, content-type, range");
    h.put("Access-Control-Max-Age", Integer.toString(MAX_AGE_SECONDS));
    h.put("Vary", "Origin");
    return new Response(204, "text/plain", new byte[0], h);
  }

  /** {@code r} readable by a page of {@code origin} (null: {@code r} as it is). */
  static Response allow(Response r, String origin) {
    if (origin == null) {
      return r;
    }
    Map<String, String> h = new LinkedHashMap<>(r.headers());
    h.put("Access-Control-Allow-Origin", origin);
    h.put("Access-Control-Expose-Headers", "Content-Range, Content-Disposition, Retry-After");
    h.put("Vary", "Origin");
    return new Response(r.status(), r.contentType(), r.body(), h);
  }
}
