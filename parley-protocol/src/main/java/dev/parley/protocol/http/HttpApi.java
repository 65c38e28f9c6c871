package dev.parley.protocol.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Answers the REST requests under {@code /api/}. The transport calls it on an event loop; the
 * implementation must not block and completes the future from wherever its work ends.
 */
@FunctionalInterface
public interface HttpApi {
  /** Answers every request with 404. */
  HttpApi NONE =
      r -> CompletableFuture.completedFuture(Response.json(404, "{\"error\":\"not_found\"}"));

  CompletableFuture<Response> handle(Request request);

  /** Which of the server's listeners a request came on. */
  enum Listener {
    /** The clients' port: WebSockets, fallback transports, pages, the REST API. */
    PUBLIC,
    /**
     * The operators' port (loopback by default): {@code /metrics}, {@code /readyz}, {@code
     * /healthz} only.
     */
    ADMIN
  }

  /**
   * A request. Header names are lower-case.
   *
   * @param path the path without the query, e.g. {@code /api/queue}
   * @param remoteAddress the client's IP address, after trusted proxies (as a session's {@code
   *     clientAddress}), without a port
   * @param listener the listener it came on: operators' endpoints such as {@code /metrics} answer
   *     on {@link Listener#ADMIN} only
   */
  record Request(
      String method,
      String path,
      Map<String, List<String>> query,
      Map<String, String> headers,
      byte[] body,
      String remoteAddress,
      Listener listener) {

    /** A request on the public listener. */
    public Request(
        String method,
        String path,
        Map<String, List<String>> query,
        Map<String, String> headers,
        byte[] body,
        String remoteAddress) {
      this(method, path, query, headers, body, remoteAddress, Listener.PUBLIC);
    }

    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String param(String name) {
      List<String> v = query.get(name);
      return v == null || v.isEmpty() ? null : v.get(0);
    }
  }

  /** A response. */
  record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    public static Response json(int status, String json) {
      return new Response(
          status, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public static Response json(int status, byte[] json) {
      return new Response(status, "application/json", json, Map.of());
    }
  }
}
