package dev.parley.edge.admin;

import dev.parley.edge.serverapi.ApiKeyDoc;
import dev.parley.protocol.http.HttpApi.Request;
import dev.parley.protocol.http.HttpApi.Response;
import dev.parley.protocol.http.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admin API's server API keys ({@link ApiKeyConfig}), routed by {@link AdminApi} once the
 * caller is known to be an admin: {@code GET /api/admin/api-keys} lists them (never a secret or its
 * hash); {@code POST /api/admin/api-keys} with {@code {"name", "namespaces"}} makes one and answers
 * {@code 201} with its {@code key}, shown this once; {@code DELETE /api/admin/api-keys/{id}}
 * revokes one ({@code 204}; {@code 404} when none is in force).
 *
 * <p>Thread-safe; never blocks the caller.
 */
final class ApiKeyApi {
  private static final String LIST = "/api/admin/api-keys";
  private static final Pattern ONE = Pattern.compile(LIST + "/([A-Za-z0-9_-]{1,64})");

  /** The body of {@code POST /api/admin/api-keys}. */
  record NewKey(String name, List<String> namespaces) {}

  private final ApiKeyConfig keys;

  ApiKeyApi(ApiKeyConfig keys) {
    this.keys = keys;
  }

  /** Whether {@code path} is one of these routes. */
  static boolean owns(String path) {
    return path.equals(LIST) || ONE.matcher(path).matches();
  }

  CompletableFuture<Response> route(Request r, String actor) {
    String m = r.method();
    if (r.path().equals(LIST)) {
      if (m.equals("GET")) {
        return keys.list()
            .thenApply(
                l -> Response.json(200, Json.write(l.stream().map(ApiKeyApi::view).toList())));
      }
      if (m.equals("POST")) {
        NewKey body = Json.readStrict(r.body(), NewKey.class);
        if (body == null) {
          throw new InvalidSetting("body", "must be a JSON object {\"name\", \"namespaces\"}");
        }
        return keys.create(actor, body.name(), body.namespaces())
            .thenApply(
                issued -> {
                  Map<String, Object> v = view(issued.doc());
                  v.put("key", issued.key());
                  return Response.json(201, Json.write(v));
                });
      }
      return CompletableFuture.completedFuture(AdminApi.notAllowed(r));
    }
    Matcher one = ONE.matcher(r.path());
    if (!one.matches() || !m.equals("DELETE")) {
      return CompletableFuture.completedFuture(AdminApi.notAllowed(r));
    }
    String id = one.group(1);
    return keys.revoke(actor, id)
        .thenApply(
            o ->
                o instanceof Configuration.Outcome.Done
                    ? new Response(204, "application/json", new byte[0], Map.of())
                    : AdminApi.error(404, "not_found", null, "no key " + id + " in force"));
  }

  /** A key as the API shows it: never its secret nor the secret's hash. */
  static Map<String, Object> view(ApiKeyDoc k) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("id", k.id());
    v.put("name", k.name());
    v.put("namespaces", k.namespaces());
    v.put("createdAt", k.createdAtMillis());
    v.put("createdBy", k.createdBy());
    v.put("revokedAt", k.revokedAtMillis());
    return v;
  }
}
