package dev.parley.edge;

import static dev.parley.edge.ApiReplies.done;
import static dev.parley.edge.ApiReplies.error;
import static dev.parley.edge.ApiReplies.json;

import dev.parley.chat.Agent;
import dev.parley.chat.ChatIdentity;
import dev.parley.chat.ConversationSearch;
import dev.parley.chat.ConversationStatus;
import dev.parley.chat.Directory;
import dev.parley.chat.SearchHit;
import dev.parley.chat.SearchQuery;
import dev.parley.chat.SearchSnippet;
import dev.parley.core.Principal;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Search over conversations for agents, {@code GET /api/search?q=…}: the messages and internal
 * notes of the conversations of the agent's sites (an admin's: every site) that hold every word of
 * {@code q}, newest first, each with the conversation, the seq to open the transcript at and a
 * snippet whose matching words are marked. Filters {@code site}, {@code status}, {@code label},
 * {@code agent}, {@code from}/{@code to} (ISO-8601 instants); pages of {@code limit} (default 20,
 * at most 100) followed with {@code cursor}. Limits and errors: {@link SearchQuery};
 * docs/PROTOCOL.md#search.
 *
 * <p>Thread-safe; never blocks the caller (the search completes on store threads).
 */
public final class SearchApi implements HttpApi {
  /** The path it answers. */
  public static final String PATH = "/api/search";

  private final HttpApi next;
  private final ChatAuthenticator auth;
  private final Directory directory;
  private final ConversationSearch search;

  /**
   * @param next what handles every other path
   */
  public SearchApi(
      HttpApi next, ChatAuthenticator auth, Directory directory, ConversationSearch search) {
    this.next = next;
    this.auth = auth;
    this.directory = directory;
    this.search = search;
  }

  @Override
  public CompletableFuture<Response> handle(Request r) {
    if (!r.path().equals(PATH)) {
      return next.handle(r);
    }
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
              if (!r.method().equals("GET")) {
                return done(json(405, error("method_not_allowed", null, r.method() + " " + PATH)));
              }
              return find(r, p.get());
            })
        .exceptionally(t -> json(503, error("store_unavailable", null, "search unavailable")));
  }

  /** The sites {@code p} may search: an admin every site, an agent its own. */
  private Set<String> sitesOf(Principal p) {
    if (ChatIdentity.role(p) == ChatIdentity.Role.ADMIN) {
      return directory.siteIds();
    }
    Agent a = directory.staff(p);
    return a == null ? Set.of() : a.sites();
  }

  private CompletableFuture<Response> find(Request r, Principal p) {
    Set<String> sites = sitesOf(p);
    String site = r.param("site");
    if (site != null) {
      if (!sites.contains(site)) {
        return done(json(404, error("not_found", "site", "no such site of yours")));
      }
      sites = Set.of(site);
    }
    if (sites.isEmpty()) {
      return done(Response.json(200, Json.write(page(List.of(), null, 1))));
    }
    SearchQuery q;
    try {
      q =
          new SearchQuery(
              r.param("q"),
              sites,
              status(r.param("status")),
              r.param("label"),
              r.param("agent"),
              instant("from", r.param("from"), 0),
              instant("to", r.param("to"), Long.MAX_VALUE),
              r.param("cursor") == null ? null : SearchQuery.After.parse(r.param("cursor")),
              limit(r.param("limit")));
    } catch (SearchQuery.Invalid e) {
      return done(json(400, error("invalid_field", e.field(), e.getMessage())));
    }
    List<String> terms = q.terms();
    return search
        .search(q)
        .thenApply(hits -> Response.json(200, Json.write(page(hits, terms, q.limit()))));
  }

  private static ConversationStatus status(String s) {
    if (s == null) {
      return null;
    }
    try {
      return ConversationStatus.ofWire(s);
    } catch (IllegalArgumentException e) {
      throw new SearchQuery.Invalid("status", "status is bot, queued, assigned or resolved");
    }
  }

  private static long instant(String field, String s, long none) {
    if (s == null) {
      return none;
    }
    try {
      return Instant.parse(s).toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new SearchQuery.Invalid(
          field, field + " is an ISO-8601 instant such as 2026-12-01T00:00:00Z");
    }
  }

  private static int limit(String s) {
    if (s == null) {
      return SearchQuery.DEFAULT_LIMIT;
    }
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new SearchQuery.Invalid("limit", "limit is 1-" + SearchQuery.MAX_LIMIT);
    }
  }

  /** A page as the API shows it; {@code next} is set when the page is full. */
  private static Map<String, Object> page(List<SearchHit> hits, List<String> terms, int limit) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("results", hits.stream().map(h -> view(h, terms)).toList());
    out.put(
        "next", hits.size() == limit ? hits.get(hits.size() - 1).after().token() : (Object) null);
    return out;
  }

  /** One hit as the API shows it. */
  static Map<String, Object> view(SearchHit h, List<String> terms) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("conv", h.conversation());
    v.put("note", h.note());
    v.put("seq", h.seq());
    v.put("id", h.messageId());
    v.put("from", h.sender());
    v.put("kind", h.kind());
    v.put("ts", h.createdAtMillis());
    v.put("snippet", SearchSnippet.of(h.text(), terms));
    v.put("site", h.site());
    v.put("visitor", h.visitor());
    v.put("status", h.status().wire());
    v.put("agent", h.agent());
    v.put("labels", h.labels());
    return v;
  }
}
