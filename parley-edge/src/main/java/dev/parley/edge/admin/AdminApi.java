package dev.parley.edge.admin;

import dev.parley.chat.ChatIdentity;
import dev.parley.chat.ConfigStore;
import dev.parley.core.Principal;
import dev.parley.edge.ChatAuthenticator;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admin API for the deployment's configuration, under {@code /api/admin/} (admins only): sites,
 * agents, their passwords, channel namespaces ({@link NamespaceApi}), the server API's keys ({@link
 * ApiKeyApi}), and the audit log; documented in the OpenAPI document and {@code
 * docs/OPERATIONS.md#live-administration}. Every change takes effect on every node without a
 * restart ({@link Configuration}).
 *
 * <p>Bodies are checked strictly: an unknown field, a wrong type or a bad value is {@code 400
 * invalid_field} naming the field. Each entry has an {@code ETag} (its version); a change with
 * {@code If-Match} is made only over that version ({@code 412} otherwise), one without it over
 * whatever is stored (last write wins). Secrets are write-only.
 *
 * <p>Thread-safe; never blocks the caller.
 */
public final class AdminApi implements HttpApi {
  private static final Pattern SITE = Pattern.compile("/api/admin/sites/([A-Za-z0-9_.-]{1,64})");
  private static final Pattern AGENT =
      Pattern.compile("/api/admin/agents/([A-Za-z0-9_.@-]{1,64})(/password)?");

  /** The body of {@code POST/PUT …/agents}: the agent and, optionally, its new password. */
  public record AgentBody(
      String user,
      String name,
      List<String> sites,
      Integer capacity,
      String role,
      Boolean disabled,
      String password) {
    AgentDoc doc() {
      return new AgentDoc(user, name, sites, capacity, role, disabled, null);
    }
  }

  /** The body of {@code POST …/agents/{user}/password}. */
  public record PasswordBody(String password) {}

  private final HttpApi next;
  private final ChatAuthenticator auth;
  private final Configuration config;
  private final NamespaceApi namespaces;
  private final ApiKeyApi apiKeys;

  /**
   * @param next what handles every other path
   */
  public AdminApi(HttpApi next, ChatAuthenticator auth, Configuration config) {
    this.next = next;
    this.auth = auth;
    this.config = config;
    this.namespaces = new NamespaceApi(config.namespaces());
    this.apiKeys = new ApiKeyApi(config.apiKeys());
  }

  @Override
  public CompletableFuture<Response> handle(Request r) {
    String path = r.path();
    boolean ours =
        path.equals("/api/admin/sites")
            || path.equals("/api/admin/agents")
            || path.equals("/api/admin/audit")
            || NamespaceApi.owns(path)
            || ApiKeyApi.owns(path)
            || SITE.matcher(path).matches()
            || AGENT.matcher(path).matches();
    if (!ours) {
      return next.handle(r);
    }
    return auth.staffOfBearer(r.header("authorization"))
        .thenCompose(
            p -> {
              if (p.isEmpty()) {
                return done(
                    error(401, "unauthorized", null, "send Authorization: Bearer <admin token>"));
              }
              if (ChatIdentity.role(p.get()) != ChatIdentity.Role.ADMIN) {
                return done(error(403, "forbidden", null, "the admin API is for admins only"));
              }
              try {
                return route(r, p.get()).exceptionally(AdminApi::failure);
              } catch (RuntimeException e) {
                return done(failure(e));
              }
            });
  }

  private CompletableFuture<Response> route(Request r, Principal admin) {
    String path = r.path();
    String m = r.method();
    String actor = admin.user();
    if (NamespaceApi.owns(path)) {
      return namespaces.route(r, actor);
    }
    if (ApiKeyApi.owns(path)) {
      return apiKeys.route(r, actor);
    }
    if (path.equals("/api/admin/sites")) {
      if (m.equals("GET")) {
        return config
            .sites()
            .thenApply(
                l -> Response.json(200, Json.write(l.stream().map(AdminApi::siteView).toList())));
      }
      if (m.equals("POST")) {
        SiteDoc doc = Json.readStrict(r.body(), SiteDoc.class).checked();
        return config.putSite(actor, doc, 0L).thenApply(o -> outcome(o, 201, AdminApi::siteView));
      }
      return done(notAllowed(r));
    }
    Matcher site = SITE.matcher(path);
    if (site.matches()) {
      String id = site.group(1);
      if (m.equals("GET")) {
        return config
            .site(id)
            .thenApply(s -> s.map(x -> ok(200, x, AdminApi::siteView)).orElse(missing("site", id)));
      }
      if (m.equals("PUT")) {
        SiteDoc sent = Json.readStrict(r.body(), SiteDoc.class);
        if (sent.id() != null && !sent.id().equals(id)) {
          throw new InvalidSetting("id", "must be the path's (" + id + ") or absent");
        }
        SiteDoc doc = withId(sent, id).checked();
        return config
            .putSite(actor, doc, ifMatch(r))
            .thenApply(o -> outcome(o, 200, AdminApi::siteView));
      }
      return done(notAllowed(r));
    }
    if (path.equals("/api/admin/agents")) {
      if (m.equals("GET")) {
        return config
            .agents()
            .thenApply(
                l -> Response.json(200, Json.write(l.stream().map(AdminApi::agentView).toList())));
      }
      if (m.equals("POST")) {
        AgentBody b = Json.readStrict(r.body(), AgentBody.class);
        return config
            .siteIds()
            .thenCompose(ids -> config.putAgent(actor, b.doc().checked(ids), b.password(), 0L))
            .thenApply(o -> outcome(o, 201, AdminApi::agentView));
      }
      return done(notAllowed(r));
    }
    Matcher agent = AGENT.matcher(path);
    if (agent.matches()) {
      String user = agent.group(1);
      if (agent.group(2) != null) {
        if (!m.equals("POST")) {
          return done(notAllowed(r));
        }
        PasswordBody b = Json.readStrict(r.body(), PasswordBody.class);
        if (b.password() == null) {
          throw new InvalidSetting("password", "is required");
        }
        Long expected = ifMatch(r);
        return config
            .agent(user)
            .thenCompose(
                a ->
                    a.isEmpty()
                        ? done(missing("agent", user))
                        : config
                            .putAgent(
                                actor, a.get().doc().withPasswordHash(null), b.password(), expected)
                            .thenApply(o -> outcome(o, 200, AdminApi::agentView)));
      }
      if (m.equals("GET")) {
        return config
            .agent(user)
            .thenApply(
                a -> a.map(x -> ok(200, x, AdminApi::agentView)).orElse(missing("agent", user)));
      }
      if (m.equals("PUT")) {
        AgentBody b = Json.readStrict(r.body(), AgentBody.class);
        if (b.user() != null && !b.user().equals(user)) {
          throw new InvalidSetting("user", "must be the path's (" + user + ") or absent");
        }
        AgentBody named =
            new AgentBody(
                user, b.name(), b.sites(), b.capacity(), b.role(), b.disabled(), b.password());
        Long expected = ifMatch(r);
        return config
            .siteIds()
            .thenCompose(
                ids -> config.putAgent(actor, named.doc().checked(ids), b.password(), expected))
            .thenApply(o -> outcome(o, 200, AdminApi::agentView));
      }
      return done(notAllowed(r));
    }
    if (path.equals("/api/admin/audit") && m.equals("GET")) {
      int limit = intParam(r, "limit", 50, 1, 500);
      long before =
          r.param("before") == null ? Long.MAX_VALUE : intParam(r, "before", 0, 0, Long.MAX_VALUE);
      return config
          .audit(limit, before)
          .thenApply(l -> Response.json(200, Json.write(l.stream().map(AuditRecord::of).toList())));
    }
    return done(notAllowed(r));
  }

  /**
   * An audit record as the API writes it: the kind by its wire name ({@code site}, as in OpenAPI).
   */
  record AuditRecord(
      long atMillis, String actor, String action, String kind, String id, String detail) {
    static AuditRecord of(ConfigStore.Audit a) {
      return new AuditRecord(
          a.atMillis(), a.actor(), a.action(), a.kind().wire(), a.id(), a.detail());
    }
  }

  /**
   * {@code If-Match: "7"} as 7; absent (or {@code *}): null, the change goes over whatever is
   * stored.
   */
  static Long ifMatch(Request r) {
    String h = r.header("if-match");
    if (h == null || h.equals("*")) {
      return null;
    }
    String v = h.trim();
    if (v.startsWith("W/")) {
      v = v.substring(2);
    }
    v = v.replace("\"", "");
    try {
      long n = Long.parseLong(v);
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new InvalidSetting("If-Match", "must be an ETag this API gave (\"7\")");
    }
  }

  private static long intParam(Request r, String name, long dflt, long min, long max) {
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

  private static int intParam(Request r, String name, int dflt, int min, int max) {
    return (int) intParam(r, name, (long) dflt, min, max);
  }

  private static SiteDoc withId(SiteDoc s, String id) {
    return new SiteDoc(
        id,
        s.name(),
        s.allowedOrigins(),
        s.anonymousVisitors(),
        s.identitySecret(),
        s.greeting(),
        s.botName(),
        s.confidenceThreshold(),
        s.hours(),
        s.visitorIdle(),
        s.bot(),
        s.disabled(),
        s.appearance(),
        s.eventWebhooks(),
        s.retentionDays(),
        s.files(),
        s.voice());
  }

  private static <T> Response outcome(
      Configuration.Outcome<T> o, int created, Function<Configuration.Stored<T>, Object> view) {
    return switch (o) {
      case Configuration.Outcome.Done<T> d -> ok(created, d.stored(), view);
      case Configuration.Outcome.Conflict<T> c ->
          c.current() == 0
              ? error(404, "not_found", null, "no such entry")
              : error(
                  created == 201 ? 409 : 412,
                  created == 201 ? "exists" : "precondition_failed",
                  null,
                  created == 201
                      ? "it exists already; change it with PUT"
                      : "it changed meanwhile (now at version "
                          + c.current()
                          + "); read it again and send If-Match: \""
                          + c.current()
                          + "\"");
      case Configuration.Outcome.Missing<T> x -> error(404, "not_found", null, "no such entry");
    };
  }

  private static <T> Response ok(
      int status, Configuration.Stored<T> s, Function<Configuration.Stored<T>, Object> view) {
    return new Response(
        status,
        "application/json",
        Json.write(view.apply(s)),
        Map.of("ETag", "\"" + s.version() + "\""));
  }

  /** A site as the API shows it: secrets replaced by whether they are set. */
  @SuppressWarnings("unchecked")
  static Object siteView(Configuration.Stored<SiteDoc> s) {
    SiteDoc d = s.doc();
    Map<String, Object> n = Json.toMap(SiteSecrets.without(d));
    n.put("identitySecretSet", d.identitySecret() != null);
    if (d.eventWebhooks() != null) {
      n.put("eventWebhooks", EventWebhookDoc.views(d.eventWebhooks()));
    }
    if (n.get("bot") instanceof Map<?, ?> bot) {
      if (bot.get("llm") instanceof Map<?, ?> llm) {
        ((Map<String, Object>) llm).put("apiKeySet", SiteSecrets.apiKey(d) != null);
      }
      if (bot.get("webhook") instanceof Map<?, ?> hook) {
        ((Map<String, Object>) hook).put("secretSet", SiteSecrets.webhookSecret(d) != null);
      }
      if (bot.get("embeddings") instanceof Map<?, ?> emb) {
        ((Map<String, Object>) emb).put("apiKeySet", SiteSecrets.embeddingsKey(d) != null);
      }
    }
    if (n.get("voice") instanceof Map<?, ?> voice) {
      if (voice.get("transcription") instanceof Map<?, ?> t) {
        ((Map<String, Object>) t).put("apiKeySet", SiteSecrets.transcriptionKey(d) != null);
      }
      if (voice.get("speech") instanceof Map<?, ?> sp) {
        ((Map<String, Object>) sp).put("apiKeySet", SiteSecrets.speechKey(d) != null);
      }
    }
    n.put("version", s.version());
    n.put("updatedAt", s.updatedAtMillis());
    return n;
  }

  /** An agent as the API shows it: never its password hash. */
  static Object agentView(Configuration.Stored<AgentDoc> s) {
    Map<String, Object> n = Json.toMap(s.doc().withPasswordHash(null));
    n.put("version", s.version());
    n.put("updatedAt", s.updatedAtMillis());
    return n;
  }

  private static Response failure(Throwable t) {
    Throwable e = t;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof InvalidSetting bad) {
      return error(400, "invalid_field", bad.field(), bad.getMessage());
    }
    if (e instanceof Json.FieldError bad) {
      return error(400, "invalid_field", bad.field(), bad.getMessage());
    }
    if (e instanceof IllegalArgumentException bad) {
      return error(400, "bad_request", null, bad.getMessage());
    }
    return error(
        503,
        "store_unavailable",
        null,
        "the configuration could not be read or written; try again");
  }

  private static Response missing(String what, String id) {
    return error(404, "not_found", null, "no " + what + " " + id);
  }

  static Response notAllowed(Request r) {
    return error(405, "method_not_allowed", null, r.method() + " " + r.path());
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

  private static <T> CompletableFuture<T> done(T t) {
    return CompletableFuture.completedFuture(t);
  }
}
