package dev.parley.edge;

import dev.parley.protocol.http.HttpApi.Response;
import dev.parley.protocol.http.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The replies the agents' REST endpoints share ({@link CannedApi}, {@link SearchApi}, {@link
 * VisitorApi}): a JSON body with its status, and the error body of {@code docs/PROTOCOL.md}'s REST
 * section ({@code error}, {@code field} when one is at fault, {@code message}).
 */
final class ApiReplies {
  private ApiReplies() {}

  /**
   * The error body: {@code code}, the {@code field} at fault (or null), a human {@code message}.
   */
  static Map<String, String> error(String code, String field, String message) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error", code);
    if (field != null) {
      body.put("field", field);
    }
    body.put("message", message);
    return body;
  }

  /** {@code body} as JSON with {@code status}. */
  static Response json(int status, Object body) {
    return Response.json(status, Json.write(body));
  }

  /** A reply that is ready now. */
  static <T> CompletableFuture<T> done(T t) {
    return CompletableFuture.completedFuture(t);
  }
}
