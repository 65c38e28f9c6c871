package dev.parley.bots.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.parley.bots.Knowledge;
import dev.parley.chat.InMemoryKnowledgeStore;
import dev.parley.chat.KnowledgeStore.Document;
import dev.parley.chat.KnowledgeStore.Status;
import dev.parley.core.InMemoryBroker;
import dev.parley.core.ManualClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crawling a sitemap into a site's knowledge: a real HTTP server on 127.0.0.1 (private addresses
 * allowed explicitly) serves an index, a gzip sitemap and its pages; a real index is built.
 */
@Timeout(60)
class KnowledgeCrawlTest {
  @TempDir Path data;
  final InMemoryKnowledgeStore store = new InMemoryKnowledgeStore();
  final InMemoryBroker broker = new InMemoryBroker();
  final AtomicInteger robotsAsked = new AtomicInteger();
  final CountDownLatch release = new CountDownLatch(1);
  HttpServer server;
  String base;
  KnowledgeIndexes indexes;
  KnowledgeService service;

  void serve(String path, int status, byte[] body, String location) {
    server.createContext(
        path,
        ex -> {
          if (path.equals("/robots.txt")) {
            robotsAsked.incrementAndGet();
          }
          if (location != null) {
            ex.getResponseHeaders().add("Location", location);
          }
          ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
          if (body.length > 0) {
            ex.getResponseBody().write(body);
          }
          ex.close();
        });
  }

  static byte[] html(String title, String text) {
    return ("<html><body><h1>" + title + "</h1><p>" + text + "</p></body></html>")
        .getBytes(StandardCharsets.UTF_8);
  }

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    base = "http://127.0.0.1:" + server.getAddress().getPort();
    serve("/robots.txt", 200, SitemapTest.utf8("User-agent: *\nDisallow: /secret\n"), null);
    serve(
        "/sitemap_index.xml",
        200,
        SitemapTest.utf8(SitemapTest.index(base + "/pages.xml.gz")),
        null);
    serve(
        "/pages.xml.gz",
        200,
        SitemapTest.gzip(
            SitemapTest.utf8(
                SitemapTest.urlset(
                    base + "/faq",
                    base + "/shipping",
                    base + "/faq-copy",
                    base + "/secret/plans",
                    base + "/moved",
                    base + "/big"))),
        null);
    serve("/faq", 200, html("FAQ", "Kettles have a two year warranty."), null);
    serve("/faq-copy", 200, html("FAQ", "Kettles have a two year warranty."), null);
    serve("/shipping", 200, html("Shipping", "We ship within three days."), null);
    serve("/secret/plans", 200, html("Plans", "secret"), null);
    serve("/moved", 302, new byte[0], "/secret/moved-here");
    serve("/secret/moved-here", 200, html("Moved", "secret too"), null);
    serve("/big", 200, html("Big", "x".repeat(5000)), null);
    serve("/not-xml", 200, html("Hello", "not a sitemap"), null);
    server.createContext(
        "/slow.xml",
        ex -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ex.close();
        });
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    Knowledge none = (q, c, n) -> List.of();
    indexes =
        new KnowledgeIndexes(
            store, data, site -> none, broker, new ManualClock(), Duration.ofSeconds(5));
    indexes.start().get(10, TimeUnit.SECONDS);
    service = service(500, Crawl.Limits.DEFAULTS);
  }

  KnowledgeService service(int maxDocuments, Crawl.Limits crawl) {
    return new KnowledgeService(
        store,
        indexes,
        new Ingestor(Ingestor.Limits.DEFAULTS),
        new UrlFetcher(new UrlFetcher.Limits(2000, Duration.ofSeconds(10), 5, true)),
        maxDocuments,
        crawl,
        Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    release.countDown();
    service.close();
    indexes.close();
    broker.close();
    server.stop(0);
  }

  static Crawl.View finished(KnowledgeService s, Crawl c) {
    await().atMost(Duration.ofSeconds(30)).until(() -> !c.view().state().equals("running"));
    return s.crawl(c.site(), c.id()).orElseThrow();
  }

  @Test
  void anIndexLeadsToPagesThatAreStoredUnlessRobotsOrTheirSizeSayNo() throws Exception {
    Crawl.View v = finished(service, service.crawl("acme", base + "/sitemap_index.xml", 50));
    assertThat(v.state()).isEqualTo("done");
    assertThat(v.reason()).isNull();
    assertThat(v.found()).isEqualTo(6);
    assertThat(v.fetched()).as("faq, shipping, faq-copy").isEqualTo(3);
    assertThat(v.stored()).isEqualTo(2);
    assertThat(v.unchanged()).as("faq-copy holds the same bytes as faq").isEqualTo(1);
    assertThat(v.failed()).isEqualTo(3);
    assertThat(v.failures())
        .containsExactlyInAnyOrder(
            new Crawl.Failure(
                base + "/secret/plans", "robots.txt of 127.0.0.1 disallows /secret/plans"),
            new Crawl.Failure(
                base + "/moved", "robots.txt of 127.0.0.1 disallows /secret/moved-here"),
            new Crawl.Failure(base + "/big", "too large: more than 2000 bytes"));
    assertThat(v.finishedAt()).isNotNull();
    List<Document> docs = store.list("acme", false).get();
    assertThat(docs)
        .extracting(Document::source)
        .containsExactlyInAnyOrder(base + "/faq", base + "/shipping");
    assertThat(docs).extracting(Document::status).containsOnly(Status.READY);
    assertThat(indexes.apply("acme").search("warranty", List.of(), 3))
        .as("the pages are searchable")
        .isNotEmpty();
    assertThat(robotsAsked.get()).as("robots.txt is read once per crawl").isEqualTo(1);
    assertThat(service.crawl("globex", v.id())).as("another site's crawl is not shown").isEmpty();
  }

  @Test
  void aSitemapThatCannotBeReadFailsTheCrawlWithTheReason() {
    Crawl.View notXml = finished(service, service.crawl("acme", base + "/not-xml", 50));
    assertThat(notXml.state()).isEqualTo("failed");
    assertThat(notXml.reason())
        .isEqualTo(
            "the sitemap "
                + base
                + "/not-xml could not be read: not a sitemap: the root is html, neither urlset nor sitemapindex");
    Crawl.View gone = finished(service, service.crawl("acme", base + "/nothing.xml", 50));
    assertThat(gone.state()).isEqualTo("failed");
    assertThat(gone.reason()).endsWith("/nothing.xml answered HTTP 404");
  }

  @Test
  void eachBoundOfACrawlHolds() throws Exception {
    Crawl.View few = finished(service, service.crawl("acme", base + "/sitemap_index.xml", 1));
    assertThat(few.fetched()).as("at most maxPages pages").isEqualTo(1);
    assertThat(store.list("acme", false).get()).hasSize(1);
    assertThatThrownBy(() -> service.crawl("acme", base + "/sitemap_index.xml", 51))
        .hasMessage("maxPages must be 1 to 50");

    service.close();
    service = service(1, new Crawl.Limits(50, 2, Duration.ZERO));
    Crawl.View late = finished(service, service.crawl("acme", base + "/sitemap_index.xml", 50));
    assertThat(late.state()).as("no time at all").isEqualTo("timed_out");
    assertThat(late.reason()).isEqualTo("the crawl ran out of its 0 ms");
    assertThat(late.fetched()).isZero();

    service.close();
    service = service(1, Crawl.Limits.DEFAULTS);
    store.list("acme", false).get().forEach(d -> service.delete("acme", d.id()).join());
    Crawl.View full = finished(service, service.crawl("acme", base + "/sitemap_index.xml", 50));
    assertThat(full.state()).isEqualTo("failed");
    assertThat(full.reason()).isEqualTo(new KnowledgeService.TooMany(1).getMessage());
    assertThat(full.stored()).isEqualTo(1);
    assertThat(indexes.apply("acme").search("warranty", List.of(), 3))
        .as("the index is rebuilt when a crawl ends, failed or not")
        .isNotEmpty();
    assertThat(store.list("acme", false).get()).hasSize(1);

    Crawl slow = service.crawl("acme", base + "/slow.xml", 50);
    assertThatThrownBy(() -> service.crawl("acme", base + "/sitemap_index.xml", 50))
        .isInstanceOf(KnowledgeService.CrawlRunning.class);
    assertThat(slow.view().state()).isEqualTo("running");
    release.countDown();
    assertThat(finished(service, slow).state()).isEqualTo("failed");
  }
}
