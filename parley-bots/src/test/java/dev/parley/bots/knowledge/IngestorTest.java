package dev.parley.bots.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.KnowledgeStore.Section;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestorTest {
  final Ingestor ingestor = new Ingestor(Ingestor.Limits.DEFAULTS);

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void markdownIsCutAtHeadingsAndItsTypeComesFromTheBytesNotTheName() throws Exception {
    Ingestor.Result r =
        ingestor.ingest(
            "notes.pdf",
            utf8(
                "Intro line.\n# Plans\nBasic and Pro.\n## Refunds\nWithin 30 days.\n```\n# not a heading\n```\n"));
    assertThat(r.mediaType()).isEqualTo(Sniffer.MARKDOWN);
    assertThat(r.title()).isEqualTo("Plans");
    assertThat(r.language()).isEqualTo("en");
    assertThat(r.sections())
        .extracting(Section::title)
        .containsExactly("notes.pdf", "Plans", "Refunds");
    assertThat(r.sections().get(2).body()).contains("# not a heading");
  }

  @Test
  void plainTextIsOneSectionNamedAfterItsSource() throws Exception {
    Ingestor.Result r =
        ingestor.ingest(
            "https://acme.test/faq/hours.txt?x=1", utf8("We open at nine.\nWe close at five."));
    assertThat(r.mediaType()).isEqualTo(Sniffer.TEXT);
    assertThat(r.title()).isEqualTo("hours.txt");
    assertThat(r.sections())
        .containsExactly(new Section("hours.txt", "We open at nine.\nWe close at five."));
  }

  @Test
  void htmlKeepsTextAndHeadingsAndDropsScriptsStylesAndNavigation() throws Exception {
    String html =
        """
        <!DOCTYPE html><html><head><title>Acme help</title><style>body{color:red}</style>
        <script>var secret = "do not index";</script></head>
        <body><nav><a href="/">Home</a> <a href="/x">Menu item</a></nav>
        <p>Welcome to Acme.</p>
        <h1>Shipping</h1><p>We ship <b>worldwide</b> in 3 days.</p><ul><li>DHL</li><li>UPS</li></ul>
        <h2>Returns</h2><p>Return within 30 days.</p>
        <footer>Copyright</footer></body></html>
        """;
    Ingestor.Result r = ingestor.ingest("page.md", utf8(html));
    assertThat(r.mediaType()).isEqualTo(Sniffer.HTML);
    assertThat(r.title()).isEqualTo("Acme help");
    assertThat(r.sections())
        .extracting(Section::title)
        .containsExactly("Acme help", "Shipping", "Returns");
    assertThat(r.sections().get(1).body()).isEqualTo("We ship worldwide in 3 days.\nDHL\nUPS");
    String all = r.sections().toString();
    assertThat(all).doesNotContain("secret", "color", "Menu item", "Copyright");
  }

  @Test
  void aPdfWithBookmarksIsCutAtThemAndOneWithoutAtPages() throws Exception {
    Map<String, String> pages = new LinkedHashMap<>();
    pages.put("Opening hours", "We open at nine and close at five.");
    pages.put("Warranty", "Every kettle has a two year warranty.");
    Ingestor.Result marked =
        ingestor.ingest("kettles.bin", TestPdfs.make("Kettle guide", pages, true));
    assertThat(marked.mediaType()).isEqualTo(Sniffer.PDF);
    assertThat(marked.title()).isEqualTo("Kettle guide");
    assertThat(marked.sections())
        .extracting(Section::title)
        .containsExactly("Opening hours", "Warranty");
    assertThat(marked.sections().get(1).body()).contains("two year warranty");

    Ingestor.Result plain =
        ingestor.ingest("kettles.pdf", TestPdfs.make("Kettle guide", pages, false));
    assertThat(plain.sections())
        .extracting(Section::title)
        .containsExactly("Kettle guide, page 1", "Kettle guide, page 2");
  }

  @Test
  void theLanguageIsFoundFromTheText() throws Exception {
    Ingestor.Result r =
        ingestor.ingest(
            "versand.md",
            utf8(
                "# Versand\nWir versenden alle Bestellungen innerhalb von drei Tagen, und die Lieferung ist für Sie kostenlos.\n"));
    assertThat(r.language()).isEqualTo("de");
    assertThat(
            Languages.guess("Nous livrons les commandes dans la semaine et le retour est gratuit."))
        .isEqualTo("fr");
    assertThat(
            Languages.guess(
                "Enviamos los pedidos en tres días y la devolución es gratis para los clientes."))
        .isEqualTo("es");
  }

  @Test
  void longSectionsAreCutIntoBoundedPiecesAtSentences() throws Exception {
    String sentence = "Kettles boil water quickly and safely. ";
    Ingestor small = new Ingestor(new Ingestor.Limits(1 << 20, 100, 200, 10));
    Ingestor.Result r = small.ingest("k.md", utf8("# Kettles\n" + sentence.repeat(20)));
    assertThat(r.sections())
        .hasSizeGreaterThan(3)
        .allSatisfy(
            s -> {
              assertThat(s.title()).isEqualTo("Kettles");
              assertThat(s.body().length()).isLessThanOrEqualTo(200);
              assertThat(s.body()).endsWith(".");
            });
  }

  @Test
  void eachLimitAndBadInputIsRefusedWithItsReason() {
    Ingestor tiny = new Ingestor(new Ingestor.Limits(100, 2, 200, 1));
    assertThatThrownBy(() -> tiny.ingest("big.md", new byte[101]))
        .isInstanceOf(IngestException.class)
        .hasMessage("too large: 101 bytes, the limit is 100");
    assertThatThrownBy(() -> tiny.ingest("three.md", utf8("# a\nx\n# b\ny\n# c\nz\n")))
        .hasMessage("too many sections: 3, the limit is 2 per document");
    byte[] binary = new byte[50];
    Arrays.fill(binary, (byte) 7);
    binary[3] = 0;
    assertThatThrownBy(() -> ingestor.ingest("image.md", binary))
        .hasMessageStartingWith("unsupported type");
    assertThatThrownBy(() -> ingestor.ingest("latin1.txt", new byte[] {'c', 'a', 'f', (byte) 0xe9}))
        .hasMessageStartingWith("unsupported type");
    assertThatThrownBy(() -> ingestor.ingest("broken.pdf", utf8("%PDF-1.7\nthis is not a PDF")))
        .hasMessageStartingWith("the PDF cannot be read");
    assertThatThrownBy(() -> ingestor.ingest("empty.md", new byte[0])).hasMessage("empty document");
    assertThatThrownBy(
            () ->
                ingestor.ingest(
                    "blank.html", utf8("<html><body><script>x()</script></body></html>")))
        .hasMessage("no text found in the document");
    Map<String, String> pages = Map.of("One", "a", "Two", "b");
    Ingestor onePage = new Ingestor(new Ingestor.Limits(1 << 20, 10, 200, 1));
    assertThatThrownBy(
            () -> onePage.ingest("two.pdf", TestPdfs.make("T", new LinkedHashMap<>(pages), false)))
        .hasMessage("the PDF has 2 pages, more than 1");
    assertThatThrownBy(() -> new Ingestor.Limits(0, 1, 200, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
