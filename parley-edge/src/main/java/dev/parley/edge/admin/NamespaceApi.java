package dev.parley.edge.admin;

import dev.parley.protocol.http.HttpApi.Request;
import dev.parley.protocol.http.HttpApi.Response;
import dev.parley.protocol.http.Json;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admin API's channel namespaces ({@link NamespaceConfig}), routed by {@link AdminApi} once the
 * caller is known to be an admin: {@code GET /api/admin/namespaces} lists them; {@code GET, PUT,
 * DELETE /api/admin/namespaces/{name}} read, create or replace ({@code 201} / {@code 200}), and
 * delete ({@code 204}) one. Bodies are read strictly ({@code 400 invalid_field} naming the field);
 * each namespace has an {@code ETag} (its version) and a change with {@code If-Match} is made only
 * over that version ({@code 412} otherwise). A proxy's secret is write-only ({@link #view}).
 *
 * <p>Thread-safe; never blocks the caller.
 */
final class NamespaceApi {
  private static final String LIST = "/api/admin/namespaces";

  /** A name as the path may carry it; {@link NamespaceDoc#checked} tells what is wrong with it. */
  private static final Pattern ONE = Pattern.compile(LIST + "/([A-Za-z0-9_.:-]{1,64})");

  private final NamespaceConfig namespaces;

  NamespaceApi(NamespaceConfig namespaces) {
    this.namespaces = namespaces;
  }

  /** Whether {@code path} is one of these routes. */
  static boolean owns(String path) {
    return path.equals(LIST) || ONE.matcher(path).matches();
  }

  CompletableFuture<Response> route(Request r, String actor) {
    String m = r.method();
    if (r.path().equals(LIST)) {
      return m.equals("GET")
          ? namespaces
              .list()
              .thenApply(
                  l -> Response.json(200, Json.write(l.stream().map(NamespaceApi::view).toList())))
          : done(AdminApi.notAllowed(r));
    }
    Matcher one = ONE.matcher(r.path());
    if (!one.matches()) {
      return done(AdminApi.notAllowed(r));
    }
    String name = one.group(1);
    switch (m) {
      case "GET" -> {
        return namespaces.get(name).thenApply(n -> n.map(s -> ok(200, s)).orElse(missing(name)));
      }
      case "PUT" -> {
        NamespaceDoc sent = Json.readStrict(r.body(), NamespaceDoc.class);
        if (sent.name() != null && !sent.name().equals(name)) {
          throw new InvalidSetting("name", "must be the path's (" + name + ") or absent");
        }
        NamespaceDoc doc = sent.withName(name).checked();
        Long ifMatch = AdminApi.ifMatch(r);
        return namespaces
            .get(name)
            .thenCompose(
                before ->
                    namespaces // refuses a change of durability (NamespaceConfig#put)
                        .put(actor, doc, ifMatch)
                        .thenApply(o -> answer(o, before.isPresent() ? 200 : 201, name)));
      }
      case "DELETE" -> {
        return namespaces
            .delete(actor, name, AdminApi.ifMatch(r))
            .thenApply(
                o ->
                    o instanceof Configuration.Outcome.Done
                        ? new Response(204, "application/json", new byte[0], Map.of())
                        : answer(o, 204, name));
      }
      default -> {
        return done(AdminApi.notAllowed(r));
      }
    }
  }

  private static Response answer(Configuration.Outcome<NamespaceDoc> o, int status, String name) {
    return switch (o) {
      case Configuration.Outcome.Done<NamespaceDoc> d -> ok(status, d.stored());
      case Configuration.Outcome.Conflict<NamespaceDoc> c ->
          c.current() == 0
              ? missing(name)
              : AdminApi.error(
                  412,
                  "precondition_failed",
                  null,
                  "it changed meanwhile (now at version "
                      + c.current()
                      + "); read it again and send If-Match: \""
                      + c.current()
                      + "\"");
      case Configuration.Outcome.Missing<NamespaceDoc> x -> missing(name);
    };
  }

  private static Response ok(int status, Configuration.Stored<NamespaceDoc> s) {
    return new Response(
        status, "application/json", Json.write(view(s)), Map.of("ETag", "\"" + s.version() + "\""));
  }

  /**
   * A namespace as the API shows it: its settings, version and time of change; of a proxy's secret
   * only whether it is set ({@code secretSet}), never the secret, not even sealed.
   */
  static Object view(Configuration.Stored<NamespaceDoc> s) {
    NamespaceProxyDoc proxy = s.doc().proxy();
    Map<String, Object> n = Json.toMap(s.doc().withProxy(null));
    if (proxy != null) {
      Map<String, Object> p = Json.toMap(proxy.withSecret(null));
      p.put("secretSet", proxy.secret() != null);
      n.put("proxy", p);
    }
    n.remove("deleted");
    n.put("version", s.version());
    n.put("updatedAt", s.updatedAtMillis());
    return n;
  }

  private static Response missing(String name) {
    return AdminApi.error(404, "not_found", null, "no namespace " + name);
  }

  private static <T> CompletableFuture<T> done(T t) {
    return CompletableFuture.completedFuture(t);
  }
}
