package dev.parley.edge.admin;

import static dev.parley.edge.admin.DeliveryLogApi.done;
import static dev.parley.edge.admin.DeliveryLogApi.error;
import static dev.parley.edge.admin.DeliveryLogApi.param;

import dev.parley.chat.MailStore;
import dev.parley.edge.ChatAuthenticator;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The away mail outbox, {@code GET /api/admin/mail?site=ID} (admins only): a site's newest mails
 * first, each with its kind ({@code reply}, {@code transcript}), conversation, status ({@code
 * pending}, {@code sent}, {@code failed}), attempts, next attempt and last error — so a failing
 * SMTP server shows here; {@code limit} (1-500, default 50) and {@code before} (a seq from the
 * previous page) page through it. Neither bodies nor recipients' addresses are shown. Documented in
 * the OpenAPI document and docs/OPERATIONS.md#away-mail.
 *
 * <p>Thread-safe; never blocks the caller.
 */
public final class MailLogApi implements HttpApi {
  private static final String PATH = "/api/admin/mail";
  private static final Pattern SITE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final HttpApi next;
  private final AdminGate gate;
  private final Configuration config;
  private final MailStore mails;

  /**
   * @param next what handles every other path
   */
  public MailLogApi(HttpApi next, ChatAuthenticator auth, Configuration config, MailStore mails) {
    this.next = next;
    this.gate = new AdminGate(auth);
    this.config = config;
    this.mails = mails;
  }

  @Override
  public CompletableFuture<Response> handle(Request r) {
    if (!r.path().equals(PATH)) {
      return next.handle(r);
    }
    return gate.admit(
            r,
            p -> {
              if (!r.method().equals("GET")) {
                return done(error(405, "method_not_allowed", null, r.method() + " " + r.path()));
              }
              String site = r.param("site");
              if (site == null || !SITE.matcher(site).matches()) {
                return done(
                    error(
                        400,
                        "invalid_field",
                        "site",
                        "site must name a site (1-64 A-Z a-z 0-9 _ . -)"));
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
                              : mails
                                  .list(site, limit, before)
                                  .thenApply(
                                      l ->
                                          Response.json(
                                              200,
                                              Json.write(
                                                  l.stream().map(MailLogApi::view).toList()))));
            })
        .exceptionally(
            t ->
                error(503, "store_unavailable", null, "the mail log could not be read; try again"));
  }

  /** One mail as the log shows it: no body, no address. */
  static Map<String, Object> view(MailStore.Mail m) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("id", m.id());
    v.put("seq", m.seq());
    v.put("kind", m.kind().wire());
    v.put("conversation", m.conversation());
    v.put("subject", m.subject());
    v.put("status", m.status().wire());
    v.put("attempts", m.attempts());
    v.put("createdAt", m.createdAtMillis());
    v.put("updatedAt", m.updatedAtMillis());
    v.put(
        "nextAttemptAt", m.status() == MailStore.Status.PENDING ? (Object) m.dueAtMillis() : null);
    v.put("lastError", m.lastError());
    return v;
  }
}
