package dev.parley.edge;

import static dev.parley.edge.ApiReplies.done;
import static dev.parley.edge.ApiReplies.error;
import static dev.parley.edge.ApiReplies.json;

import dev.parley.chat.CannedResponse;
import dev.parley.chat.ChatStore;
import dev.parley.chat.Directory;
import dev.parley.core.Principal;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.Json;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A site's canned responses, {@code /api/sites/{site}/canned[/{shortcut}]}, for the agents of the
 * site (an admin through its agent account): any of them lists, creates, replaces and deletes —
 * they are the team's shared replies. Documented in the OpenAPI document and {@code
 * docs/PROTOCOL.md#rest-api}. Limits: shortcut 1-32 of {@code a-z 0-9 -}, text 1-2000 code points,
 * 500 per site ({@link CannedResponse}).
 *
 * <p>Thread-safe; never blocks the caller (store work completes on store threads).
 */
public final class CannedApi implements HttpApi {
  private static final Pattern PATH =
      Pattern.compile("/api/sites/([A-Za-z0-9_.:-]{1,64})/canned(?:/([^/]*))?");

  /** Body of {@code PUT …/canned/{shortcut}}. */
  public record Body(String text) {}

  private final HttpApi next;
  private final ChatAuthenticator auth;
  private final Directory directory;
  private final ChatStore store;
  private final Clock clock;

  /**
   * @param next what handles every other path
   * @param clock stamps {@code updatedAt}
   */
  public CannedApi(
      HttpApi next, ChatAuthenticator auth, Directory directory, ChatStore store, Clock clock) {
    this.next = next;
    this.auth = auth;
    this.directory = directory;
    this.store = store;
    this.clock = clock;
  }

  @Override
  public CompletableFuture<Response> handle(Request r) {
    Matcher m = PATH.matcher(r.path());
    if (!m.matches()) {
      return next.handle(r);
    }
    String site = m.group(1);
    String shortcut = m.group(2);
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
              if (!directory.isAgentOf(p.get(), site)) {
                return done(json(404, error("not_found", null, "no such site of yours")));
              }
              return route(r, p.get(), site, shortcut);
            })
        .exceptionally(
            t ->
                json(
                    503,
                    error("store_unavailable", null, "canned responses unavailable; try again")));
  }

  private CompletableFuture<Response> route(Request r, Principal p, String site, String shortcut) {
    if (shortcut == null) {
      if (!r.method().equals("GET")) {
        return done(json(405, error("method_not_allowed", null, r.method() + " " + r.path())));
      }
      return store
          .cannedResponses(site)
          .thenApply(l -> Response.json(200, Json.write(l.stream().map(CannedApi::view).toList())));
    }
    if (!CannedResponse.SHORTCUT.matcher(shortcut).matches()) {
      return done(
          json(
              400,
              error("invalid_field", "shortcut", "the shortcut is 1-32 characters of a-z 0-9 -")));
    }
    switch (r.method()) {
      case "PUT" -> {
        String text;
        try {
          text = Json.readStrict(r.body(), Body.class).text();
        } catch (Json.FieldError e) {
          return done(json(400, error("invalid_field", e.field(), e.getMessage())));
        } catch (IllegalArgumentException e) {
          return done(json(400, error("bad_request", null, e.getMessage())));
        }
        if (text == null || text.isBlank()) {
          return done(json(400, error("invalid_field", "text", "missing field \"text\"")));
        }
        if (text.codePointCount(0, text.length()) > CannedResponse.MAX_TEXT) {
          return done(
              json(
                  400,
                  error(
                      "invalid_field",
                      "text",
                      "the text is at most " + CannedResponse.MAX_TEXT + " characters")));
        }
        CannedResponse c = new CannedResponse(site, shortcut, text, p.user(), clock.millis());
        return store
            .saveCanned(c, CannedResponse.MAX_PER_SITE)
            .thenApply(
                saved ->
                    switch (saved) {
                      case CREATED -> Response.json(201, Json.write(view(c)));
                      case UPDATED -> Response.json(200, Json.write(view(c)));
                      case FULL ->
                          json(
                              409,
                              error(
                                  "limit_reached",
                                  "shortcut",
                                  "a site has at most "
                                      + CannedResponse.MAX_PER_SITE
                                      + " canned responses; delete one first"));
                    });
      }
      case "DELETE" -> {
        return store
            .deleteCanned(site, shortcut)
            .thenApply(
                gone ->
                    gone
                        ? new Response(204, "application/json", new byte[0], Map.of())
                        : json(
                            404,
                            error("not_found", "shortcut", "no canned response /" + shortcut)));
      }
      default -> {
        return done(json(405, error("method_not_allowed", null, r.method() + " " + r.path())));
      }
    }
  }

  /** A canned response as the API shows it. */
  static Map<String, Object> view(CannedResponse c) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("shortcut", c.shortcut());
    v.put("text", c.text());
    v.put("updatedBy", c.updatedBy());
    v.put("updatedAt", c.updatedAtMillis());
    return v;
  }
}
