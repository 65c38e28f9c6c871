package dev.parley.edge.admin;

import dev.parley.chat.ConfigStore;
import dev.parley.chat.ConversationStatus;
import dev.parley.chat.DataProtection;
import dev.parley.core.Principal;
import dev.parley.core.ReceiptState;
import dev.parley.core.StoredMessage;
import dev.parley.edge.ChatAuthenticator;
import dev.parley.edge.VisitorApi;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.Json;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Data protection requests through the admin API (admins only; docs/SECURITY.md#data-protection):
 *
 * <ul>
 *   <li>{@code GET /api/admin/sites/{site}/visitors/{visitor}/export}: everything kept about the
 *       visitor on the site, as JSON ({@code 413 export_too_large} past {@link
 *       DataProtection#MAX_EXPORT_MESSAGES} messages);
 *   <li>{@code DELETE /api/admin/sites/{site}/visitors/{visitor}}: erases the visitor ({@link
 *       DataProtection#erase});
 *   <li>{@code DELETE /api/admin/sites/{site}/conversations/{conv}}: deletes a resolved
 *       conversation ({@code 409 conversation_open} for an open one: people are still writing in
 *       it, so it would not stay gone).
 * </ul>
 *
 * The visitor is the rest of the path (URL-encoded; at most 256 characters). Each request is
 * written to the admin audit log (action {@code export-visitor}, {@code erase-visitor} or {@code
 * delete-conversation}, on the site), before the answer. Documented in the OpenAPI document.
 *
 * <p>Thread-safe; never blocks the caller.
 */
public final class DataProtectionApi implements HttpApi {
  private static final String SITE = "/api/admin/sites/([A-Za-z0-9_.-]{1,64})";
  private static final Pattern EXPORT = Pattern.compile(SITE + "/visitors/(.{1,256})/export");
  private static final Pattern VISITOR = Pattern.compile(SITE + "/visitors/(.{1,256})");
  private static final Pattern CONVERSATION =
      Pattern.compile(SITE + "/conversations/([A-Za-z0-9_-]{1,128})");

  private final HttpApi next;
  private final AdminGate gate;
  private final Configuration config;
  private final DataProtection data;
  private final ConfigStore audit;
  private final Clock clock;

  /**
   * @param next what handles every other path
   * @param audit where the requests are recorded (the admin audit log)
   */
  public DataProtectionApi(
      HttpApi next,
      ChatAuthenticator auth,
      Configuration config,
      DataProtection data,
      ConfigStore audit,
      Clock clock) {
    this.next = next;
    this.gate = new AdminGate(auth);
    this.config = config;
    this.data = data;
    this.audit = audit;
    this.clock = clock;
  }

  @Override
  public CompletableFuture<Response> handle(Request r) {
    Matcher export = EXPORT.matcher(r.path());
    Matcher visitor = VISITOR.matcher(r.path());
    Matcher conv = CONVERSATION.matcher(r.path());
    Matcher m = export.matches() ? export : visitor.matches() ? visitor : conv;
    if (!m.matches()) {
      return next.handle(r);
    }
    String method = m == export ? "GET" : "DELETE";
    return gate.admit(
            r,
            p -> {
              if (!r.method().equals(method)) {
                return done(error(405, "method_not_allowed", null, r.method() + " " + r.path()));
              }
              String site = m.group(1);
              return config
                  .site(site)
                  .thenCompose(
                      s ->
                          s.isEmpty()
                              ? done(error(404, "not_found", null, "no site " + site))
                              : route(m == export, m == conv, site, m.group(2), p));
            })
        .exceptionally(DataProtectionApi::failure);
  }

  private CompletableFuture<Response> route(
      boolean isExport, boolean isConversation, String site, String id, Principal admin) {
    if (isExport) {
      return data.export(site, id)
          .thenCompose(
              e ->
                  record(admin, "export-visitor", site, "visitor " + id)
                      .thenApply(v -> Response.json(200, Json.write(view(e)))));
    }
    if (!isConversation) {
      return data.erase(site, id)
          .thenCompose(
              e ->
                  record(
                          admin,
                          "erase-visitor",
                          site,
                          "visitor "
                              + id
                              + ": "
                              + e.conversations()
                              + " conversations, "
                              + e.messages()
                              + " messages erased")
                      .thenApply(
                          v ->
                              Response.json(
                                  200,
                                  Json.write(
                                      Map.of(
                                          "conversations",
                                          e.conversations(),
                                          "messages",
                                          e.messages())))));
    }
    return data.find(id)
        .thenCompose(
            c -> {
              if (c.isEmpty() || !c.get().site().equals(site)) {
                return done(error(404, "not_found", null, "no conversation " + id + " on " + site));
              }
              if (c.get().deleted()) {
                // Deleted already: finish what a failed deletion may have left, and say so.
                return data.deleteConversation(id)
                    .thenApply(
                        d -> error(404, "not_found", null, "conversation " + id + " is deleted"));
              }
              if (c.get().status() != ConversationStatus.RESOLVED) {
                return done(
                    error(
                        409,
                        "conversation_open",
                        null,
                        "conversation "
                            + id
                            + " is "
                            + c.get().status().wire()
                            + "; resolve it first"));
              }
              return data.deleteConversation(id)
                  .thenCompose(
                      d ->
                          !d.existed()
                              ? done(
                                  error(
                                      409,
                                      "conversation_open",
                                      null,
                                      "conversation " + id + " was reopened; resolve it first"))
                              : record(
                                      admin,
                                      "delete-conversation",
                                      site,
                                      "conversation "
                                          + id
                                          + ": "
                                          + d.messages()
                                          + " messages deleted")
                                  .thenApply(
                                      v ->
                                          Response.json(
                                              200,
                                              Json.write(
                                                  Map.of(
                                                      "conversation",
                                                      id,
                                                      "messages",
                                                      d.messages())))));
            });
  }

  private CompletableFuture<Void> record(
      Principal admin, String action, String site, String detail) {
    return audit.record(
        new ConfigStore.Audit(
            clock.millis(), admin.user(), action, ConfigStore.Kind.SITE, site, detail));
  }

  /** An export as the API writes it. */
  static Map<String, Object> view(DataProtection.Export e) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("site", e.site());
    v.put("visitor", e.visitor());
    v.put("identity", Map.of("user", e.visitor(), "role", "visitor", "site", e.site()));
    v.put(
        "conversations",
        e.conversations().stream().map(DataProtectionApi::conversationView).toList());
    return v;
  }

  private static Map<String, Object> conversationView(DataProtection.ConversationData d) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("id", d.conversation().id());
    v.put("status", d.conversation().status().wire());
    v.put("agent", d.conversation().agent());
    v.put("createdAt", d.conversation().createdAtMillis());
    v.put("updatedAt", d.conversation().updatedAtMillis());
    v.put(
        "rating",
        d.rating() == null
            ? null
            : Map.of(
                "rating",
                d.rating().wire(),
                "comment",
                d.rating().comment() == null ? "" : d.rating().comment(),
                "ratedAt",
                d.rating().ratedAtMillis()));
    v.put("email", d.email());
    v.put("visitorContext", d.context() == null ? null : VisitorApi.contextView(d.context()));
    v.put("messages", d.messages().stream().map(DataProtectionApi::messageView).toList());
    v.put("receipts", d.receipts().stream().map(DataProtectionApi::receiptView).toList());
    return v;
  }

  private static Map<String, Object> messageView(StoredMessage m) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("seq", m.seq());
    v.put("id", m.id());
    v.put("from", m.sender());
    v.put("kind", m.kind());
    v.put("text", m.text());
    v.put("ts", m.createdAtMillis());
    v.put("status", m.status());
    if (m.meta() != null) {
      v.put("meta", m.meta());
    }
    return v;
  }

  private static Map<String, Object> receiptView(ReceiptState r) {
    return Map.of("user", r.user(), "kind", r.kind(), "seq", r.seq());
  }

  private static Response failure(Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (cause instanceof DataProtection.TooLarge tooLarge) {
      return error(413, "export_too_large", null, tooLarge.getMessage());
    }
    return error(503, "store_unavailable", null, "the store could not be reached; try again");
  }

  private static Response error(int status, String code, String field, String message) {
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
