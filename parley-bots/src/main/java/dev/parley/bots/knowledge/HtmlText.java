package dev.parley.bots.knowledge;

import dev.parley.chat.KnowledgeStore.Section;
import java.util.ArrayList;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * HTML through jsoup: scripts, styles, navigation, forms and other chrome dropped, the text cut at
 * each heading ({@code h1}–{@code h6}), block elements ending lines. The title is the page's {@code
 * <title>}, else its first {@code h1}. Stateless and thread-safe.
 */
final class HtmlText {
  private static final String DROPPED =
      "script, style, noscript, template, nav, header, footer, aside, form, iframe, svg, canvas,"
          + " button, select, [hidden], [aria-hidden=true]";

  private HtmlText() {}

  static Extracted extract(String html, String fallbackTitle) {
    Document doc = Jsoup.parse(html);
    doc.select(DROPPED).remove();
    String title = doc.title().isBlank() ? null : doc.title().strip();
    if (title == null) {
      Element h1 = doc.selectFirst("h1");
      title = h1 == null || h1.text().isBlank() ? null : h1.text().strip();
    }
    Collector c = new Collector(title != null ? title : fallbackTitle);
    NodeTraversor.traverse(c, doc.body());
    c.flush();
    return new Extracted(title, c.out);
  }

  /** Walks the body once, starting a section at each heading. */
  private static final class Collector implements NodeVisitor {
    final List<Section> out = new ArrayList<>();
    private final StringBuilder body = new StringBuilder();
    private String heading;
    private Element inHeading;

    Collector(String heading) {
      this.heading = heading;
    }

    @Override
    public void head(Node node, int depth) {
      if (inHeading != null) {
        return;
      }
      if (node instanceof Element e && e.normalName().matches("h[1-6]")) {
        flush();
        heading = e.text().strip();
        inHeading = e;
      } else if (node instanceof TextNode t) {
        body.append(t.text());
      } else if (node instanceof Element e && e.normalName().equals("br")) {
        body.append('\n');
      }
    }

    @Override
    @SuppressWarnings("ReferenceEquality") // the very heading element the walk entered
    public void tail(Node node, int depth) {
      if (node == inHeading) {
        inHeading = null;
      } else if (inHeading == null && node instanceof Element e && e.isBlock()) {
        body.append('\n');
      }
    }

    void flush() {
      String b =
          body.toString()
              .replaceAll("[ \\t\\x0B\\f\\r]+", " ")
              .replaceAll(" ?\\n[ \\n]*", "\n")
              .strip();
      if (!b.isEmpty()) {
        out.add(new Section(heading.isEmpty() ? "…" : heading, b));
      }
      body.setLength(0);
    }
  }
}
