package dev.parley.bots.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Parsing sitemaps safely and walking an index within its bounds (sitemaps served from a map). */
class SitemapTest {
  static final String NS = "http://www.sitemaps.org/schemas/sitemap/0.9";
  final Map<String, String> served = new HashMap<>();
  final List<String> asked = new ArrayList<>();

  static String urlset(String... locs) {
    StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    b.append("<urlset xmlns=\"").append(NS).append("\">");
    for (String l : locs) {
      b.append("<url><loc> ").append(l).append(" </loc><lastmod>2026-01-01</lastmod></url>");
    }
    return b.append("</urlset>").toString();
  }

  static String index(String... locs) {
    StringBuilder b = new StringBuilder("<sitemapindex xmlns=\"").append(NS).append("\">");
    for (String l : locs) {
      b.append("<sitemap><loc>").append(l).append("</loc></sitemap>");
    }
    return b.append("</sitemapindex>").toString();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  Sitemap.Found walk(String root, int maxDepth, int maxPages) throws IngestException {
    return Sitemap.pages(
        root,
        u -> {
          asked.add(u);
          String s = served.get(u);
          if (s == null) {
            throw new IngestException(u + " answered HTTP 404");
          }
          return utf8(s);
        },
        1 << 20,
        maxDepth,
        maxPages,
        () -> false);
  }

  @Test
  void aUrlsetListsPagesAndAnIndexListsSitemapsGzipOrNot() throws Exception {
    Sitemap.Parsed set =
        Sitemap.parse(utf8(urlset("https://a.example/x", "https://a.example/y")), 1000);
    assertThat(set.index()).isFalse();
    assertThat(set.locations()).containsExactly("https://a.example/x", "https://a.example/y");
    Sitemap.Parsed idx = Sitemap.parse(gzip(utf8(index("https://a.example/s.xml.gz"))), 1000);
    assertThat(idx.index()).isTrue();
    assertThat(idx.locations()).containsExactly("https://a.example/s.xml.gz");
  }

  @Test
  void externalAndInternalEntitiesAreRefusedBecauseEveryDoctypeIs() {
    String xxe =
        "<?xml version=\"1.0\"?><!DOCTYPE urlset [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
            + "<urlset xmlns=\""
            + NS
            + "\"><url><loc>&xxe;</loc></url></urlset>";
    assertThatThrownBy(() -> Sitemap.parse(utf8(xxe), 100_000))
        .isInstanceOf(IngestException.class)
        .hasMessageStartingWith("not a sitemap")
        .hasMessageContaining("DOCTYPE");
    String laughs =
        "<!DOCTYPE urlset [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
            + "<urlset><url><loc>&b;</loc></url></urlset>";
    assertThatThrownBy(() -> Sitemap.parse(utf8(laughs), 100_000)).hasMessageContaining("DOCTYPE");
    String remote = "<!DOCTYPE urlset SYSTEM \"http://127.0.0.1:1/evil.dtd\"><urlset/>";
    assertThatThrownBy(() -> Sitemap.parse(utf8(remote), 100_000)).hasMessageContaining("DOCTYPE");
  }

  @Test
  void whatIsNotASitemapIsRefusedWithTheReason() throws Exception {
    assertThatThrownBy(() -> Sitemap.parse(utf8("<html><body>hi</body></html>"), 1000))
        .hasMessage("not a sitemap: the root is html, neither urlset nor sitemapindex");
    assertThatThrownBy(() -> Sitemap.parse(utf8("not xml at all"), 1000))
        .hasMessageStartingWith("not a sitemap: ");
    byte[] bomb = gzip(new byte[100_000]);
    assertThat(bomb.length).isLessThan(1000);
    assertThatThrownBy(() -> Sitemap.parse(bomb, 1000))
        .as("the bound holds for what gzip unpacks to")
        .hasMessage("too large: more than 1000 bytes uncompressed");
  }

  @Test
  void anIndexIsFollowedToItsDepthAndNoDeeper() throws Exception {
    served.put(
        "https://a.example/root.xml",
        index("https://a.example/mid.xml", "https://a.example/gone.xml"));
    served.put(
        "https://a.example/mid.xml",
        index("https://a.example/deep.xml", "https://a.example/leaf.xml"));
    served.put("https://a.example/deep.xml", index("https://a.example/deeper.xml"));
    served.put("https://a.example/deeper.xml", urlset("https://a.example/never"));
    served.put(
        "https://a.example/leaf.xml", urlset("https://a.example/p1", "https://a.example/p2"));
    Sitemap.Found f = walk("https://a.example/root.xml", 2, 50);
    assertThat(f.pages()).containsExactly("https://a.example/p1", "https://a.example/p2");
    assertThat(f.listed()).isEqualTo(2);
    assertThat(f.failures())
        .containsExactlyInAnyOrder(
            new Crawl.Failure(
                "https://a.example/gone.xml", "https://a.example/gone.xml answered HTTP 404"),
            new Crawl.Failure(
                "https://a.example/deep.xml",
                "a sitemap index nested deeper than 2; not followed"));
    assertThat(asked).doesNotContain("https://a.example/deeper.xml");
    assertThat(walk("https://a.example/root.xml", 0, 50).pages())
        .as("depth 0: the first sitemap only")
        .isEmpty();
  }

  @Test
  void aWalkStopsAtItsPagesAndSitemapsAndTheFirstSitemapMustBeRead() throws Exception {
    served.put(
        "https://a.example/s.xml",
        urlset(
            "https://a.example/1",
            "https://a.example/1",
            "https://a.example/2",
            "https://a.example/3",
            "https://a.example/4"));
    Sitemap.Found f = walk("https://a.example/s.xml", 2, 2);
    assertThat(f.pages())
        .as("distinct, at most 2")
        .containsExactly("https://a.example/1", "https://a.example/2");
    assertThat(f.listed()).isEqualTo(5);
    List<String> many = new ArrayList<>();
    for (int i = 0; i < Sitemap.MAX_SITEMAPS + 3; i++) {
      many.add("https://a.example/m" + i + ".xml");
      served.put("https://a.example/m" + i + ".xml", urlset());
    }
    served.put("https://a.example/many.xml", index(many.toArray(String[]::new)));
    Sitemap.Found capped = walk("https://a.example/many.xml", 2, 50);
    assertThat(capped.failures()).hasSize(4); // the first and 49 of its 53 read, the last 4 not
    assertThat(capped.failures().getFirst().reason()).isEqualTo("more than 50 sitemaps; not read");
    assertThatThrownBy(() -> walk("https://a.example/missing.xml", 2, 50))
        .isInstanceOf(IngestException.class)
        .hasMessage("https://a.example/missing.xml answered HTTP 404");
    assertThat(
            Sitemap.pages(
                    "https://a.example/s.xml", u -> utf8(served.get(u)), 1000, 2, 50, () -> true)
                .pages())
        .as("a crawl out of time reads nothing more")
        .isEmpty();
  }
}
