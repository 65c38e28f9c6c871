package dev.parley.bots.knowledge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches one web page for the knowledge base, bounded and guarded against server-side request
 * forgery: {@code http(s)} only; every host (the first and each redirect's, re-checked) must
 * resolve to public addresses ({@link PublicAddresses}) unless private ones are allowed; at most
 * {@code maxRedirects} redirects; the {@code robots.txt} of every URL's origin is honoured, the
 * first URL's and each redirect's ({@link Robots}); the body is cut off past {@code maxBytes} and
 * the whole fetch (robots.txt included) past {@code timeout}. Every refusal is an {@link
 * IngestException} naming why.
 *
 * <p>A host is checked when it is resolved here, and the HTTP client resolves it again when it
 * connects: a DNS answer that changes in between (rebinding) is not caught. Run Parley where it
 * cannot reach what must stay private if that matters.
 *
 * <p>Thread-safe; blocks (DNS, HTTP; a body is read on a virtual thread of its own so the time
 * bound holds): call it on the knowledge pool, never an event loop.
 */
public final class UrlFetcher {

  /**
   * The bounds of one fetch.
   *
   * @param allowPrivate whether private and loopback addresses may be fetched (tests, intranets)
   */
  public record Limits(long maxBytes, Duration timeout, int maxRedirects, boolean allowPrivate) {}

  /** A fetched page: the URL it ended at (after redirects) and its bytes. */
  public record Page(String url, byte[] body) {}

  private final Limits limits;
  private final HttpClient http;

  public UrlFetcher(Limits limits) {
    this.limits = limits;
    this.http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(limits.timeout())
            .build();
  }

  /** Checks that {@code url} is an absolute http(s) URL with a host; returns it parsed. */
  public static URI parse(String url) throws IngestException {
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw new IngestException("not a URL: " + e.getMessage());
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
      throw new IngestException("only http and https URLs with a host can be fetched");
    }
    return u;
  }

  /** Fetches {@code url}. */
  public Page fetch(String url) throws IngestException {
    return fetch(url, Long.MAX_VALUE, new HashMap<>());
  }

  /**
   * Fetches {@code url} as {@link #fetch(String)} does, ending by {@code deadline} ({@link
   * System#nanoTime}) when that comes before this fetch's own time bound, and reading each origin's
   * {@code robots.txt} once into {@code robotsByOrigin} (a crawl shares it across its pages).
   */
  Page fetch(String url, long deadline, Map<String, Robots> robotsByOrigin) throws IngestException {
    long end = System.nanoTime() + limits.timeout().toNanos();
    if (deadline - end < 0) {
      end = deadline;
    }
    URI u = parse(url);
    for (int hop = 0; ; hop++) {
      PublicAddresses.check(u.getHost(), limits.allowPrivate());
      // every hop's host and path, not only the first: a redirect may lead where robots.txt says no
      if (!robots(u, end, robotsByOrigin).allows(pathOf(u))) {
        throw new IngestException("robots.txt of " + u.getHost() + " disallows " + pathOf(u));
      }
      Response r = get(u, end);
      if (r.status() >= 300 && r.status() < 400 && r.location() != null) {
        if (hop >= limits.maxRedirects()) {
          throw new IngestException("more than " + limits.maxRedirects() + " redirects");
        }
        u = parse(u.resolve(r.location()).toString());
        continue;
      }
      if (r.status() != 200) {
        throw new IngestException(u + " answered HTTP " + r.status());
      }
      return new Page(u.toString(), r.body());
    }
  }

  private Robots robots(URI u, long deadline, Map<String, Robots> cache) throws IngestException {
    URI robots = u.resolve("/robots.txt");
    String origin = robots.toString();
    Robots known = cache.get(origin);
    if (known != null) {
      return known;
    }
    Response r = get(robots, deadline);
    Robots read =
        r.status() == 200
            ? Robots.parse(new String(r.body(), StandardCharsets.UTF_8))
            : Robots.none(); // none there, or it says nothing Parley can read
    cache.put(origin, read);
    return read;
  }

  private static String pathOf(URI u) {
    String p = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
    return u.getRawQuery() == null ? p : p + "?" + u.getRawQuery();
  }

  private record Response(int status, String location, byte[] body) {}

  private Response get(URI u, long deadline) throws IngestException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new IngestException("timed out after " + limits.timeout().toMillis() + " ms");
    }
    HttpRequest req =
        HttpRequest.newBuilder(u)
            .timeout(Duration.ofNanos(left))
            .header("User-Agent", Robots.AGENT + "/1 (+knowledge fetch)")
            .GET()
            .build();
    CompletableFuture<HttpResponse<InputStream>> sent =
        http.sendAsync(req, HttpResponse.BodyHandlers.ofInputStream());
    try {
      HttpResponse<InputStream> res = sent.get(left, TimeUnit.NANOSECONDS);
      try (InputStream in = res.body()) {
        byte[] body =
            CompletableFuture.supplyAsync(() -> readBounded(in), r -> Thread.ofVirtual().start(r))
                .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (body == null) {
          throw new IngestException("too large: more than " + limits.maxBytes() + " bytes");
        }
        return new Response(
            res.statusCode(), res.headers().firstValue("location").orElse(null), body);
      }
    } catch (TimeoutException e) {
      sent.cancel(true);
      throw new IngestException("timed out after " + limits.timeout().toMillis() + " ms");
    } catch (ExecutionException | IOException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof HttpTimeoutException) {
        // The client's own request time-out is the same deadline: one reason, whichever fired.
        throw new IngestException("timed out after " + limits.timeout().toMillis() + " ms", cause);
      }
      throw new IngestException("could not fetch " + u + ": " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IngestException("interrupted");
    }
  }

  /** The body, or null when it is longer than the limit. */
  private byte[] readBounded(InputStream in) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        out.write(buf, 0, n);
        if (out.size() > limits.maxBytes()) {
          return null;
        }
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
