package dev.parley.edge.admin;

import dev.parley.bots.knowledge.Crawl;
import dev.parley.bots.knowledge.IngestException;
import dev.parley.bots.knowledge.KnowledgeService;
import dev.parley.bots.knowledge.UrlFetcher;
import dev.parley.chat.KnowledgeStore.Document;
import dev.parley.edge.ChatAuthenticator;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admin API for a site's knowledge documents, under {@code /api/admin/sites/<site>/knowledge}
 * (admins only): upload (the raw bytes as the body, {@code ?filename=}), fetch a URL ({@code POST
 * …/fetch} with {@code {"url": …}}), crawl a sitemap ({@code POST …/crawl} with {@code {"url": …,
 * "maxPages": …}}: {@code 202} at once, then {@code GET …/crawl/<id>} for its progress), list with
 * status, get with sections, delete, and re-index. Documented in the OpenAPI document and {@code
 * docs/OPERATIONS.md#knowledge}. The work runs on {@link KnowledgeService}'s bounded pool.
 *
 * <p>Errors: {@code 400 invalid_field} naming the field, {@code 404} for an unknown site or
 * document, {@code 409 too_many_documents} at the per-site limit, {@code 503 busy} when the pool is
 * full, {@code 422 fetch_failed} (nothing stored) when a URL cannot be fetched, {@code 409
 * crawl_running} while a crawl runs already. A document that cannot be read is stored as {@code
 * failed} with its reason (201).
 *
 * <p>Thread-safe; never blocks the caller.
 */
public final class KnowledgeApi implements HttpApi {
  private static final Pattern PATH =
      Pattern.compile(
          "/api/admin/sites/([A-Za-z0-9_.-]{1,64})/knowledge"
              + "(?:/(reindex|crawl(?:/[A-Za-z0-9-]{1,64})?|[A-Za-z0-9-]{1,64}))?");

  /** The body of {@code POST …/knowledge/fetch}. */
  public record FetchBody(String url) {}

  /** The body of {@code POST …/knowledge/crawl}. */
  public record CrawlBody(String url, Integer maxPages) {}

  private final HttpApi next;
  private final AdminGate gate;
  private final Configuration config;
  private final KnowledgeService knowledge;

  /**
   * @param next what handles every other path
   */
  public KnowledgeApi(
      HttpApi next, ChatAuthenticator auth, Configuration config, KnowledgeService knowledge) {
    this.next = next;
    this.gate = new AdminGate(auth);
    this.config = config;
    this.knowledge = knowledge;
  }

  /**
   * Whether {@code method} and {@code path} upload a knowledge document ({@code POST
   * /api/admin/sites/<site>/knowledge}): the one knowledge request that may carry a large body,
   * which the server's upload gate admits before it is received.
   */
  public static boolean isUpload(String method, String path) {
    if (!method.equals("POST")) {
      return false;
    }
    Matcher m = PATH.matcher(path);
    return m.matches() && m.group(2) == null;
  }

  @Override
  public CompletableFuture<Response> handle(Request r) {
    Matcher m = PATH.matcher(r.path());
    if (!m.matches()) {
      return next.handle(r);
    }
    return gate.admit(
        r,
        p -> {
          String site = m.group(1);
          return config
              .site(site)
              .thenCompose(
                  s -> {
                    if (s.isEmpty()) {
                      return done(error(404, "not_found", null, "no site " + site));
                    }
                    try {
                      return route(r, site, m.group(2));
                    } catch (RuntimeException e) {
                      return done(failure(e));
                    }
                  })
              .exceptionally(KnowledgeApi::failure);
        });
  }

  private CompletableFuture<Response> route(Request r, String site, String rest) {
    String method = r.method();
    if (rest == null) {
      if (method.equals("GET")) {
        return knowledge
            .list(site)
            .thenApply(
                l -> Response.json(200, Json.write(l.stream().map(KnowledgeApi::view).toList())));
      }
      if (method.equals("POST")) {
        return upload(r, site);
      }
    } else if (rest.equals("fetch") && method.equals("POST")) {
      FetchBody b = Json.readStrict(r.body(), FetchBody.class);
      if (b.url() == null) {
        throw new InvalidSetting("url", "is required");
      }
      try {
        UrlFetcher.parse(b.url());
      } catch (IngestException e) {
        throw new InvalidSetting("url", e.getMessage());
      }
      return knowledge
          .fetch(site, b.url())
          .thenApply(u -> Response.json(u.created() ? 201 : 200, Json.write(view(u.document()))));
    } else if (rest.equals("crawl") && method.equals("POST")) {
      return done(crawl(r, site));
    } else if (rest.startsWith("crawl/") && method.equals("GET")) {
      String id = rest.substring("crawl/".length());
      return done(
          knowledge
              .crawl(site, id)
              .map(c -> Response.json(200, Json.write(c)))
              .orElse(error(404, "not_found", null, "no crawl " + id + " on this node")));
    } else if (rest.equals("reindex")) {
      if (method.equals("POST")) {
        return knowledge
            .reindex(site)
            .thenApply(x -> Response.json(200, Json.write(Map.of("reindexed", site))));
      }
    } else if (method.equals("GET")) {
      return knowledge
          .find(site, rest)
          .thenApply(
              d ->
                  d.map(x -> Response.json(200, Json.write(withSections(x))))
                      .orElse(error(404, "not_found", null, "no document " + rest)));
    } else if (method.equals("DELETE")) {
      return knowledge
          .delete(site, rest)
          .thenApply(
              had ->
                  had
                      ? new Response(204, "application/json", new byte[0], Map.of())
                      : error(404, "not_found", null, "no document " + rest));
    }
    return done(error(405, "method_not_allowed", null, method + " " + r.path()));
  }

  private Response crawl(Request r, String site) {
    CrawlBody b = Json.readStrict(r.body(), CrawlBody.class);
    if (b.url() == null) {
      throw new InvalidSetting("url", "is required");
    }
    try {
      UrlFetcher.parse(b.url());
    } catch (IngestException e) {
      throw new InvalidSetting("url", e.getMessage());
    }
    int most = knowledge.crawlLimits().maxPages();
    int pages = b.maxPages() == null ? most : b.maxPages();
    if (pages < 1 || pages > most) {
      throw new InvalidSetting("maxPages", "must be 1 to " + most);
    }
    Crawl.View c = knowledge.crawl(site, b.url(), pages).view();
    return new Response(
        202,
        "application/json",
        Json.write(c),
        Map.of("Location", "/api/admin/sites/" + site + "/knowledge/crawl/" + c.id()));
  }

  private CompletableFuture<Response> upload(Request r, String site) {
    String name = r.param("filename");
    if (name == null
        || name.isBlank()
        || name.length() > 200
        || name.chars().anyMatch(c -> c < 32)) {
      return done(
          error(
              400,
              "invalid_field",
              "filename",
              "the query parameter filename is required: the document's name, 1 to 200 printable characters"));
    }
    if (r.body() == null || r.body().length == 0) {
      return done(
          error(400, "invalid_field", "body", "the body is the document's bytes; it is empty"));
    }
    return knowledge
        .upload(site, name.strip(), r.body())
        .thenApply(u -> Response.json(u.created() ? 201 : 200, Json.write(view(u.document()))));
  }

  /** A document as the API lists it: its sections counted, not shown. */
  static Map<String, Object> view(Document d) {
    Map<String, Object> n = new LinkedHashMap<>();
    n.put("id", d.id());
    n.put("site", d.site());
    n.put("title", d.title());
    n.put("source", d.source());
    n.put("mediaType", d.mediaType());
    n.put("size", d.size());
    n.put("sha256", d.sha256());
    n.put("status", d.status().wire());
    if (d.reason() != null) {
      n.put("reason", d.reason());
    }
    if (d.language() != null) {
      n.put("language", d.language());
    }
    n.put("updatedAt", d.updatedAtMillis());
    return n;
  }

  private static Map<String, Object> withSections(Document d) {
    Map<String, Object> n = view(d);
    n.put(
        "sections",
        d.sections().stream().map(s -> Map.of("title", s.title(), "body", s.body())).toList());
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
    if (e instanceof KnowledgeService.FetchFailed failed) {
      return error(422, "fetch_failed", null, failed.getMessage());
    }
    if (e instanceof KnowledgeService.CrawlRunning running) {
      return error(409, "crawl_running", null, running.getMessage());
    }
    if (e instanceof KnowledgeService.TooMany tooMany) {
      return error(409, "too_many_documents", null, tooMany.getMessage());
    }
    if (e instanceof KnowledgeService.Busy busy) {
      return error(503, "busy", null, busy.getMessage());
    }
    return error(
        503, "store_unavailable", null, "the knowledge could not be read or written; try again");
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
