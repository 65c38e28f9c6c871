package dev.parley.bots.knowledge;

import dev.parley.chat.KnowledgeStore.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One sitemap crawl of a site's knowledge ({@link KnowledgeService#crawl}) and how far it got: the
 * pages its sitemaps listed, those fetched, those stored as new documents or already held, and each
 * URL that gave nothing with its reason (at most {@value #MAX_FAILURES} kept, all counted). It is
 * {@code running} until it is {@code done}, {@code timed_out} (its time bound passed; what was
 * stored stays) or {@code failed} (the sitemap could not be read, or the site's document limit was
 * reached; {@code reason} says which). Thread-safe: the crawl writes, the API reads {@link #view}.
 */
public final class Crawl {
  /** The most failures a crawl keeps (all are counted). */
  static final int MAX_FAILURES = 100;

  /** Where a crawl is. */
  public enum State {
    RUNNING,
    DONE,
    TIMED_OUT,
    FAILED;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The bounds of every crawl.
   *
   * @param maxPages the most pages one crawl fetches (a request may ask for fewer)
   * @param maxDepth how many sitemap indexes deep a crawl follows (the first sitemap is at 0)
   * @param timeout the whole crawl's time, sitemaps and pages together
   */
  public record Limits(int maxPages, int maxDepth, Duration timeout) {
    public static final Limits DEFAULTS = new Limits(50, 2, Duration.ofMinutes(2));

    public Limits {
      if (maxPages < 1 || maxDepth < 0 || timeout.isNegative()) {
        throw new IllegalArgumentException(
            "crawl limits: maxPages >= 1, maxDepth >= 0, timeout >= 0");
      }
    }
  }

  /** A URL that gave nothing, and why. */
  public record Failure(String url, String reason) {}

  /** What the API shows of a crawl. */
  public record View(
      String id,
      String site,
      String url,
      String state,
      String reason,
      int found,
      int fetched,
      int stored,
      int unchanged,
      int failed,
      List<Failure> failures,
      long startedAt,
      Long finishedAt) {}

  private final String id;
  private final String site;
  private final String url;
  private final long startedAt;
  private State state = State.RUNNING;
  private String reason;
  private int found;
  private int fetched;
  private int stored;
  private int unchanged;
  private int failed;
  private final List<Failure> failures = new ArrayList<>();
  private Long finishedAt;

  Crawl(String id, String site, String url, long startedAt) {
    this.id = id;
    this.site = site;
    this.url = url;
    this.startedAt = startedAt;
  }

  public String id() {
    return id;
  }

  public String site() {
    return site;
  }

  String url() {
    return url;
  }

  synchronized boolean running() {
    return state == State.RUNNING;
  }

  synchronized void found(int listed) {
    found = listed;
  }

  synchronized void fetched() {
    fetched++;
  }

  synchronized void stored(KnowledgeService.Upload u) {
    if (!u.created()) {
      unchanged++;
      return;
    }
    stored++;
    if (u.document().status() == Status.FAILED) {
      failed(u.document().source(), "stored as failed: " + u.document().reason());
    }
  }

  synchronized void failed(String url, String why) {
    failed++;
    if (failures.size() < MAX_FAILURES) {
      failures.add(new Failure(url, why));
    }
  }

  synchronized void finish(State end, String why, long at) {
    state = end;
    reason = why;
    finishedAt = at;
  }

  public synchronized View view() {
    return new View(
        id,
        site,
        url,
        state.wire(),
        reason,
        found,
        fetched,
        stored,
        unchanged,
        failed,
        List.copyOf(failures),
        startedAt,
        finishedAt);
  }
}
