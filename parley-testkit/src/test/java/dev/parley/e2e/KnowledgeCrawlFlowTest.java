package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.server.SitesFile;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crawling a sitemap through the admin API on a real server (private fetches allowed explicitly:
 * the sitemap and its pages are served on 127.0.0.1): {@code 202} at once, then the crawl's status
 * until it is done, and the pages it stored in the site's documents.
 */
@Timeout(90)
class KnowledgeCrawlFlowTest {
  @TempDir Path dir;
  TestServer server;
  HttpServer pages;
  String site;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();
  String root;

  void serve(String path, String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    pages.createContext(
        path,
        ex -> {
          ex.sendResponseHeaders(200, b.length);
          ex.getResponseBody().write(b);
          ex.close();
        });
  }

  @BeforeEach
  void start() throws Exception {
    pages = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    site = "http://127.0.0.1:" + pages.getAddress().getPort();
    serve("/robots.txt", "User-agent: *\nDisallow: /staff\n");
    serve(
        "/sitemap.xml",
        "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><sitemap><loc>"
            + site
            + "/pages.xml</loc></sitemap></sitemapindex>");
    serve(
        "/pages.xml",
        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>"
            + site
            + "/care</loc></url><url><loc>"
            + site
            + "/staff/rota</loc></url></urlset>");
    serve(
        "/care",
        "<html><head><title>Kettle care</title></head><body><p>Wipe the kettle with a soft damp cloth.</p></body></html>");
    serve("/staff/rota", "<html><body><p>Private rota.</p></body></html>");
    serve("/xxe.xml", "<!DOCTYPE urlset [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><urlset/>");
    pages.start();
    Path sites =
        Files.writeString(
            dir.resolve("sites.json"),
            """
        {"sites": [{"id": "shop", "greeting": "Hi"}],
         "agents": [{"user": "root", "sites": ["shop"], "password": "roots-password", "admin": true}]}
        """);
    server =
        TestServer.start(
            dir.resolve("data"),
            b -> b.sites(SitesFile.load(sites)).agents(null).knowledgeFetchPrivate(true));
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\",\"user\":\"root\",\"password\":\"roots-password\"}");
      root = ((Push.Welcome) ChatProtocol.codec().decodePush(ws.readText())).token();
    }
  }

  @AfterEach
  void stop() {
    server.close();
    pages.stop(0);
    http.close();
  }

  HttpResponse<String> call(String method, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Authorization", "Bearer " + root)
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode ok(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return json.readTree(r.body());
  }

  /** Starts a crawl of {@code url} and reads its status until it has ended. */
  JsonNode crawl(String url) throws Exception {
    HttpResponse<String> started =
        call("POST", "/api/admin/sites/shop/knowledge/crawl", "{\"url\": \"" + url + "\"}");
    JsonNode c = ok(started, 202);
    String status = "/api/admin/sites/shop/knowledge/crawl/" + c.get("id").asText();
    assertThat(started.headers().firstValue("location")).hasValue(status);
    AtomicReference<JsonNode> last = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              last.set(ok(call("GET", status, null), 200));
              return !last.get().get("state").asText().equals("running");
            });
    return last.get();
  }

  @Test
  void aSitemapIsCrawledInTheBackgroundAndItsPagesBecomeDocuments() throws Exception {
    JsonNode done = crawl(site + "/sitemap.xml");
    assertThat(done.get("state").asText()).isEqualTo("done");
    assertThat(done.get("found").asInt()).isEqualTo(2);
    assertThat(done.get("fetched").asInt()).isEqualTo(1);
    assertThat(done.get("stored").asInt()).isEqualTo(1);
    assertThat(done.get("failed").asInt()).isEqualTo(1);
    assertThat(done.get("failures").get(0).get("url").asText()).isEqualTo(site + "/staff/rota");
    assertThat(done.get("failures").get(0).get("reason").asText())
        .isEqualTo("robots.txt of 127.0.0.1 disallows /staff/rota");
    JsonNode docs = ok(call("GET", "/api/admin/sites/shop/knowledge", null), 200);
    assertThat(docs).hasSize(1);
    assertThat(docs.get(0).get("source").asText()).isEqualTo(site + "/care");
    assertThat(docs.get(0).get("title").asText()).isEqualTo("Kettle care");
    assertThat(docs.get(0).get("status").asText()).isEqualTo("ready");

    JsonNode xxe = crawl(site + "/xxe.xml");
    assertThat(xxe.get("state").asText()).isEqualTo("failed");
    assertThat(xxe.get("reason").asText())
        .startsWith("the sitemap " + site + "/xxe.xml could not be read: not a sitemap: ")
        .contains("DOCTYPE");
  }

  @Test
  void badRequestsNameTheirFieldAndUnknownCrawlsAreNotFound() throws Exception {
    String path = "/api/admin/sites/shop/knowledge/crawl";
    assertThat(ok(call("POST", path, "{}"), 400).get("field").asText()).isEqualTo("url");
    assertThat(ok(call("POST", path, "{\"url\": \"ftp://x/s.xml\"}"), 400).get("field").asText())
        .isEqualTo("url");
    JsonNode tooMany =
        ok(call("POST", path, "{\"url\": \"" + site + "/sitemap.xml\", \"maxPages\": 51}"), 400);
    assertThat(tooMany.get("field").asText()).isEqualTo("maxPages");
    assertThat(tooMany.get("message").asText()).isEqualTo("maxPages must be 1 to 50");
    assertThat(
            ok(call("POST", path, "{\"url\": \"" + site + "\", \"depth\": 1}"), 400)
                .get("field")
                .asText())
        .isEqualTo("depth");
    assertThat(ok(call("GET", path + "/no-such-crawl", null), 404).get("error").asText())
        .isEqualTo("not_found");
  }
}
