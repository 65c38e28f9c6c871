package dev.parley.bots.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Fetching a page: against a real HTTP server on 127.0.0.1, allowed explicitly. */
@Timeout(30)
class UrlFetcherTest {
  HttpServer server;
  String base;
  final CountDownLatch release = new CountDownLatch(1);
  final UrlFetcher.Limits allowLocal = new UrlFetcher.Limits(1000, Duration.ofSeconds(10), 2, true);

  void page(String path, int status, String body, String location) {
    server.createContext(
        path,
        ex -> {
          byte[] b = body.getBytes(StandardCharsets.UTF_8);
          if (location != null) {
            ex.getResponseHeaders().add("Location", location);
          }
          ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
          if (b.length > 0) {
            ex.getResponseBody().write(b);
          }
          ex.close();
        });
  }

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    base = "http://127.0.0.1:" + server.getAddress().getPort();
    page("/robots.txt", 200, "User-agent: *\nDisallow: /private\nAllow: /private/ok\n", null);
    page("/faq", 200, "<html><body><h1>FAQ</h1><p>Yes.</p></body></html>", null);
    page("/private", 200, "secret", null);
    page("/private/ok", 200, "fine", null);
    page("/old", 301, "", "/faq");
    page("/loop", 302, "", "/loop");
    page("/big", 200, "x".repeat(1001), null);
    page("/gone", 404, "", null);
    page("/to-private", 301, "", "/private");
    server.createContext(
        "/slow",
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
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  @Test
  void aPageIsFetchedFollowingARedirectThatIsCheckedAgain() throws Exception {
    UrlFetcher.Page p = new UrlFetcher(allowLocal).fetch(base + "/old");
    assertThat(p.url()).isEqualTo(base + "/faq");
    assertThat(new String(p.body(), StandardCharsets.UTF_8)).contains("<h1>FAQ</h1>");
  }

  @Test
  void loopbackAndPrivateAddressesAreRefusedUnlessAllowed() {
    UrlFetcher strict =
        new UrlFetcher(new UrlFetcher.Limits(1000, Duration.ofSeconds(10), 2, false));
    assertThatThrownBy(() -> strict.fetch(base + "/faq"))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("private or loopback address (127.0.0.1)");
    for (String a :
        new String[] {
          "10.1.2.3",
          "172.16.0.1",
          "192.168.1.1",
          "100.64.0.1",
          "169.254.169.254",
          "0.0.0.0",
          "::1",
          "fd00::1",
          "fe80::1"
        }) {
      assertThat(PublicAddresses.isPublic(addr(a))).as(a).isFalse();
    }
    assertThat(PublicAddresses.isPublic(addr("93.184.216.34"))).isTrue();
    assertThat(PublicAddresses.isPublic(addr("2606:4700::1"))).isTrue();
  }

  static InetAddress addr(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void robotsTxtIsHonoured() throws Exception {
    UrlFetcher f = new UrlFetcher(allowLocal);
    assertThatThrownBy(() -> f.fetch(base + "/private"))
        .hasMessage("robots.txt of 127.0.0.1 disallows /private");
    assertThat(new String(f.fetch(base + "/private/ok").body(), StandardCharsets.UTF_8))
        .isEqualTo("fine");
    Robots own =
        Robots.parse("User-agent: *\nDisallow: /\n\nUser-agent: ParleyBot\nDisallow: /no\n");
    assertThat(own.allows("/yes")).as("its own group wins over *").isTrue();
    assertThat(own.allows("/no/x")).isFalse();
  }

  @Test
  void robotsTxtIsCheckedAgainForEveryRedirectAndEveryHost() throws Exception {
    UrlFetcher f = new UrlFetcher(allowLocal);
    assertThatThrownBy(() -> f.fetch(base + "/to-private"))
        .hasMessage("robots.txt of 127.0.0.1 disallows /private");
    HttpServer other =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] none = "User-agent: ParleyBot\nDisallow: /\n".getBytes(StandardCharsets.UTF_8);
    other.createContext(
        "/robots.txt",
        ex -> {
          ex.sendResponseHeaders(200, none.length);
          ex.getResponseBody().write(none);
          ex.close();
        });
    other.start();
    try {
      String elsewhere = "http://127.0.0.1:" + other.getAddress().getPort() + "/page";
      page("/away", 302, "", elsewhere);
      assertThatThrownBy(() -> f.fetch(base + "/away"))
          .as("the redirect's own host has its own robots.txt")
          .hasMessage("robots.txt of 127.0.0.1 disallows /page");
    } finally {
      other.stop(0);
    }
  }

  @Test
  void eachBoundRefusesWithItsReason() {
    UrlFetcher f = new UrlFetcher(allowLocal);
    assertThatThrownBy(() -> f.fetch(base + "/big")).hasMessage("too large: more than 1000 bytes");
    assertThatThrownBy(() -> f.fetch(base + "/loop")).hasMessage("more than 2 redirects");
    assertThatThrownBy(() -> f.fetch(base + "/gone")).hasMessageEndingWith("answered HTTP 404");
    assertThatThrownBy(() -> f.fetch("ftp://127.0.0.1/x"))
        .hasMessage("only http and https URLs with a host can be fetched");
    assertThatThrownBy(() -> f.fetch("http://no-such-host.invalid/"))
        .hasMessage("the host no-such-host.invalid is not known");
    UrlFetcher impatient =
        new UrlFetcher(new UrlFetcher.Limits(1000, Duration.ofMillis(300), 2, true));
    assertThatThrownBy(() -> impatient.fetch(base + "/slow")).hasMessage("timed out after 300 ms");
  }
}
