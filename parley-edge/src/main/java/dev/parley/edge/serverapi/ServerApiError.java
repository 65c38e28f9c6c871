package dev.parley.edge.serverapi;

import dev.parley.protocol.http.HttpApi.Response;
import dev.parley.protocol.http.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A refusal of the server API, with its HTTP status and documented code ({@code
 * docs/PROTOCOL.md#server-api}); nothing was published. Immutable.
 */
final class ServerApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** How long a client waits before retrying a {@code 503}, in seconds. */
  static final int RETRY_AFTER_SECONDS = 1;

  private final int status;
  private final String code;

  /** The field at fault, or null. */
  private final String field;

  ServerApiError(int status, String code, String message) {
    this(status, code, null, message);
  }

  ServerApiError(int status, String code, String field, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  static ServerApiError unauthorized() {
    return new ServerApiError(401, "unauthorized", "send Authorization: Bearer pk_… (an API key)");
  }

  static ServerApiError invalidChannel(String channel) {
    return new ServerApiError(
        400,
        "invalid_channel",
        "a channel is name:rest of a namespace name and 1-64 characters of A-Z a-z 0-9 _ . : - in"
            + " all, not "
            + channel);
  }

  static ServerApiError forbiddenNamespace(String namespace) {
    return new ServerApiError(
        403, "forbidden_namespace", "this key may not publish into namespace " + namespace);
  }

  static ServerApiError unknownNamespace(String namespace) {
    return new ServerApiError(
        404, "unknown_namespace", "there is no namespace " + namespace + " on this server");
  }

  static ServerApiError invalidField(String field, String message) {
    return new ServerApiError(400, "invalid_field", field, message);
  }

  static ServerApiError idempotencyKeyReused(String channel) {
    return new ServerApiError(
        409,
        "idempotency_key_reused",
        "this idempotency key was used in " + channel + " with other data");
  }

  static ServerApiError storeUnavailable() {
    return new ServerApiError(
        503,
        "store_unavailable",
        "the store could not be written or read just now; send the same request again");
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  /** The error body of the code, its field and message. */
  Map<String, String> body() {
    Map<String, String> b = new LinkedHashMap<>();
    b.put("error", code);
    if (field != null) {
      b.put("field", field);
    }
    b.put("message", getMessage());
    return b;
  }

  /** As a response: {@code 503}s carry {@code Retry-After}. */
  Response response() {
    return new Response(
        status,
        "application/json",
        Json.write(body()),
        status == 503 ? Map.of("Retry-After", String.valueOf(RETRY_AFTER_SECONDS)) : Map.of());
  }
}
