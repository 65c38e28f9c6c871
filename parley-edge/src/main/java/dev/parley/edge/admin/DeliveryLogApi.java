package dev.parley.edge.admin;

import dev.parley.chat.DeliveryStore;
import dev.parley.edge.ChatAuthenticator;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The event webhooks' delivery log, {@code GET /api/admin/sites/{id}/deliveries} (admins only): a
 * site's newest deliveries first, each with its event, webhook, conversation, status ({@code
 * pending}, {@code delivered}, {@code failed}), attempts, next attempt, last error and last
 * response code; {@code limit} (1-500, default 50) and {@code before} (a seq from the previous
 * page) page through it. Documented in the OpenAPI document and docs/OPERATIONS.md#event-webhooks.
 * The events' bodies (which may hold visitors' words) are not shown.
 *
 * <p>Thread-safe; never blocks the caller.
 */
public final class DeliveryLogApi implements HttpApi {
  private static final Pattern PATH =
      Pattern.compile("/api/admin/sites/([A-Za-z0-9_.-]{1,64})/deliveries");

  private final HttpApi next;
  private final AdminGate gate;
  private final Configuration config;
  private final DeliveryStore deliveries;

  /**
   * @param next what handles every other path
   */
  public DeliveryLogApi(
      HttpApi next, ChatAuthenticator auth, Configuration config, DeliveryStore deliveries) {
    this.next = next;
    this.gate = new AdminGate(auth);
    this.config = config;
    this.deliveries = deliveries;
  }

  @Override
  public CompletableFuture<Response> handle(Request r) {
    Matcher m = PATH.matcher(r.path());
    if (!m.matches()) {
      return next.handle(r);
    }
    String site = m.group(1);
    return gate.admit(
            r,
            p -> {
              if (!r.method().equals("GET")) {
                return done(error(405, "method_not_allowed", null, r.method() + " " + r.path()));
              }
              int limit;
              long before;
              try {
                limit = (int) param(r, "limit", 50, 1, 500);
                before = param(r, "before", Long.MAX_VALUE, 1, Long.MAX_VALUE);
              } catch (InvalidSetting bad) {
                return done(error(400, "invalid_field", bad.field(), bad.getMessage()));
              }
              return config
                  .site(site)
                  .thenCompose(
                      s ->
                          s.isEmpty()
                              ? done(error(404, "not_found", null, "no site " + site))
                              : deliveries
                                  .list(site, limit, before)
                                  .thenApply(
                                      l ->
                                          Response.json(
                                              200,
                                              Json.write(
                                                  l.stream().map(DeliveryLogApi::view).toList()))));
            })
        .exceptionally(DeliveryLogApi::failure);
  }

  /** One delivery as the log shows it. */
  static Map<String, Object> view(DeliveryStore.Delivery d) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("id", d.id());
    v.put("seq", d.seq());
    v.put("event", d.event());
    v.put("webhook", d.webhook());
    v.put("conversation", d.conversation());
    v.put("status", d.status().wire());
    v.put("attempts", d.attempts());
    v.put("createdAt", d.createdAtMillis());
    v.put("updatedAt", d.updatedAtMillis());
    v.put(
        "nextAttemptAt",
        d.status() == DeliveryStore.Status.PENDING ? (Object) d.dueAtMillis() : null);
    v.put("lastError", d.lastError());
    v.put("responseCode", d.responseCode());
    return v;
  }

  static long param(Request r, String name, long dflt, long min, long max) {
    String v = r.param(name);
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v);
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new InvalidSetting(name, "must be a number from " + min + " to " + max);
    }
  }

  private static Response failure(Throwable t) {
    return error(503, "store_unavailable", null, "the delivery log could not be read; try again");
  }

  static Response error(int status, String code, String field, String message) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error", code);
    if (field != null) {
      body.put("field", field);
    }
    body.put("message", message);
    return Response.json(status, Json.write(body));
  }

  static <T> CompletableFuture<T> done(T t) {
    return CompletableFuture.completedFuture(t);
  }
}
