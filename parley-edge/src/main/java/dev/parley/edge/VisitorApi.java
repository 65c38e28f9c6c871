package dev.parley.edge;

import static dev.parley.edge.ApiReplies.done;
import static dev.parley.edge.ApiReplies.error;
import static dev.parley.edge.ApiReplies.json;

import dev.parley.chat.ChatConversation;
import dev.parley.chat.UserAgents;
import dev.parley.chat.VisitorContext;
import dev.parley.chat.VisitorContexts;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/conversations/{id}/visitor}: the agents' visitor panel of a conversation — what
 * the visitor's widget reported (page, referrer, language, browser and operating system, time
 * zone), the claims of its identity JWT, its pre-chat answers, and its earlier conversations on the
 * site. For the agents of the conversation's site (an admin through its agent account); anyone
 * else, and a conversation that does not exist, gets 404. Documented in the OpenAPI document and
 * {@code docs/PROTOCOL.md#rest-api}.
 *
 * <p>Thread-safe; never blocks the caller.
 */
public final class VisitorApi implements HttpApi {
  private static final Pattern PATH =
      Pattern.compile("/api/conversations/([A-Za-z0-9_.:-]{1,64})/visitor");

  private final HttpApi next;
  private final ChatAuthenticator auth;
  private final VisitorContexts visitors;

  /**
   * @param next what handles every other path
   */
  public VisitorApi(HttpApi next, ChatAuthenticator auth, VisitorContexts visitors) {
    this.next = next;
    this.auth = auth;
    this.visitors = visitors;
  }

  @Override
  public CompletableFuture<Response> handle(Request r) {
    Matcher m = PATH.matcher(r.path());
    if (!m.matches()) {
      return next.handle(r);
    }
    if (!r.method().equals("GET")) {
      return done(json(405, error("method_not_allowed", null, r.method() + " " + r.path())));
    }
    String conv = m.group(1);
    return auth.staffOfBearer(r.header("authorization"))
        .thenCompose(
            p -> {
              if (p.isEmpty()) {
                return done(
                    new Response(
                        401,
                        "application/json",
                        Json.write(
                            error(
                                "unauthorized", null, "send Authorization: Bearer <agent token>")),
                        Map.of("WWW-Authenticate", "Bearer")));
              }
              return visitors
                  .view(p.get(), conv)
                  .thenApply(
                      v ->
                          v.isEmpty()
                              ? json(404, error("not_found", null, "no such conversation of yours"))
                              : json(200, view(v.get())));
            })
        .exceptionally(
            t ->
                json(
                    503, error("store_unavailable", null, "visitor panel unavailable; try again")));
  }

  /** The panel as the API shows it; null fields are left out. */
  static Map<String, Object> view(VisitorContexts.View v) {
    Map<String, Object> out = new LinkedHashMap<>();
    ChatConversation c = v.conversation();
    out.put("conversation", c.id());
    out.put("site", c.site());
    out.put("visitor", c.visitor());
    out.put("status", c.status().wire());
    out.put("createdAt", c.createdAtMillis());
    out.putAll(contextView(v.context()));
    out.put("browser", family(v.browser()));
    out.put("os", family(v.os()));
    out.put(
        "earlier",
        v.earlier().stream()
            .map(
                e -> {
                  Map<String, Object> x = new LinkedHashMap<>();
                  x.put("id", e.id());
                  x.put("status", e.status().wire());
                  x.put("createdAt", e.createdAtMillis());
                  x.put("updatedAt", e.updatedAtMillis());
                  return x;
                })
            .toList());
    return out;
  }

  /**
   * A visitor context's fields as the API (and a data protection export) shows them: {@code url},
   * {@code title}, {@code referrer}, {@code lang}, {@code userAgent}, {@code timeZone}, {@code
   * utcOffsetMinutes}, {@code identity}, {@code prechat}, {@code reportedAt}; empty for null.
   */
  public static Map<String, Object> contextView(VisitorContext c) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (c == null) {
      out.put("identity", Map.of());
      out.put("prechat", Map.of());
      return out;
    }
    out.put("url", c.url());
    out.put("title", c.title());
    out.put("referrer", c.referrer());
    out.put("lang", c.lang());
    out.put("userAgent", c.userAgent());
    out.put("timeZone", c.timeZone());
    out.put("utcOffsetMinutes", c.utcOffsetMinutes());
    out.put("identity", c.identity());
    out.put("prechat", c.prechat());
    out.put("reportedAt", c.updatedAtMillis());
    return out;
  }

  private static Map<String, Object> family(UserAgents.Family f) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", f.name());
    out.put("version", f.version());
    return out;
  }
}
