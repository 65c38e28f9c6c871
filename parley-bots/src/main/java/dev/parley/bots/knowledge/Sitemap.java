package dev.parley.bots.knowledge;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * A sitemap (sitemaps.org): a {@code <urlset>} of pages or a {@code <sitemapindex>} of further
 * sitemaps, each entry's {@code <loc>}; gzip-compressed ones ({@code .xml.gz}) are recognised by
 * their bytes. Parsed with the JDK's SAX parser made safe against XML external entities: any {@code
 * DOCTYPE} is refused (so no entity can be declared, internal or external), external DTDs and
 * schemas cannot be accessed, and secure processing bounds what is left.
 *
 * <p>{@link #pages} walks an index to a bounded depth, reading at most {@value #MAX_SITEMAPS}
 * sitemaps and keeping at most a given number of distinct page URLs. Stateless and thread-safe;
 * {@link #pages} blocks on its {@link Source}.
 */
final class Sitemap {
  /** The most entries one sitemap may list (the protocol's own bound); more are refused. */
  static final int MAX_ENTRIES = 50_000;

  /** The most sitemaps (the first and those an index names) one crawl reads. */
  static final int MAX_SITEMAPS = 50;

  private Sitemap() {}

  /**
   * One sitemap's content.
   *
   * @param index whether it is a sitemap index (its locations are sitemaps), else a urlset
   */
  record Parsed(boolean index, List<String> locations) {}

  /** Where sitemaps come from: a fetch, bounded as a page is ({@link UrlFetcher}). */
  @FunctionalInterface
  interface Source {
    byte[] get(String url) throws IngestException;
  }

  /**
   * What a walk found: the distinct page URLs (at most the asked number), how many pages the
   * sitemaps listed in all, and each sitemap that could not be read with its reason.
   */
  record Found(List<String> pages, int listed, List<Crawl.Failure> failures) {}

  /**
   * Parses {@code bytes} (gzip or not), at most {@code maxBytes} once decompressed. Throws with the
   * reason when it is not a sitemap or breaks a bound.
   */
  static Parsed parse(byte[] bytes, long maxBytes) throws IngestException {
    byte[] xml = gunzipped(bytes, maxBytes);
    Handler h = new Handler();
    try {
      parser().parse(new ByteArrayInputStream(xml), h);
    } catch (SAXException e) {
      throw new IngestException("not a sitemap: " + e.getMessage());
    } catch (IOException e) {
      throw new IngestException("not a sitemap: " + e.getMessage(), e);
    }
    if (h.root == null) {
      throw new IngestException("not a sitemap: the root is neither urlset nor sitemapindex");
    }
    return new Parsed(h.root.equals("sitemapindex"), List.copyOf(h.locations));
  }

  private static SAXParser parser() throws IngestException {
    try {
      SAXParserFactory f = SAXParserFactory.newInstance();
      f.setNamespaceAware(true);
      f.setValidating(false);
      f.setXIncludeAware(false);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      SAXParser p = f.newSAXParser();
      p.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      p.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      return p;
    } catch (ParserConfigurationException | SAXException e) {
      throw new IngestException("the XML parser cannot be made safe: " + e.getMessage(), e);
    }
  }

  /** The bytes, decompressed when they are gzip, never more than {@code maxBytes}. */
  static byte[] gunzipped(byte[] bytes, long maxBytes) throws IngestException {
    if (bytes.length < 2 || (bytes[0] & 0xff) != 0x1f || (bytes[1] & 0xff) != 0x8b) {
      return bytes;
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        out.write(buf, 0, n);
        if (out.size() > maxBytes) {
          throw new IngestException("too large: more than " + maxBytes + " bytes uncompressed");
        }
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new IngestException("not a gzip file: " + e.getMessage(), e);
    }
  }

  /**
   * Walks the sitemap at {@code root}: an index's sitemaps are read in turn, an index at depth
   * {@code maxDepth} (the first is at 0) is not followed ({@code too deep}). Stops at {@code
   * maxPages} distinct pages, at {@value #MAX_SITEMAPS} sitemaps, or when {@code stop} says so.
   * Throws only when the first sitemap cannot be read (the crawl has nothing); later ones are
   * {@link Found#failures}.
   */
  static Found pages(
      String root, Source source, long maxBytes, int maxDepth, int maxPages, BooleanSupplier stop)
      throws IngestException {
    Set<String> pages = new LinkedHashSet<>();
    List<Crawl.Failure> failures = new ArrayList<>();
    int listed = 0;
    List<String> level = List.of(root);
    int read = 0;
    for (int depth = 0; !level.isEmpty() && pages.size() < maxPages; depth++) {
      List<String> next = new ArrayList<>();
      for (String url : level) {
        if (pages.size() >= maxPages || stop.getAsBoolean()) {
          break;
        }
        if (read >= MAX_SITEMAPS) {
          failures.add(new Crawl.Failure(url, "more than " + MAX_SITEMAPS + " sitemaps; not read"));
          continue;
        }
        read++;
        Parsed p;
        try {
          p = parse(source.get(url), maxBytes);
        } catch (IngestException e) {
          if (depth == 0) {
            throw e;
          }
          failures.add(new Crawl.Failure(url, e.getMessage()));
          continue;
        }
        if (p.index() && depth >= maxDepth) {
          failures.add(
              new Crawl.Failure(
                  url, "a sitemap index nested deeper than " + maxDepth + "; not followed"));
        } else if (p.index()) {
          next.addAll(p.locations());
        } else {
          listed += p.locations().size();
          for (String loc : p.locations()) {
            if (pages.size() >= maxPages) {
              break;
            }
            pages.add(loc);
          }
        }
      }
      level = next;
    }
    return new Found(List.copyOf(pages), listed, List.copyOf(failures));
  }

  /** Collects the root's kind and each entry's {@code <loc>}. */
  private static final class Handler extends DefaultHandler {
    String root;
    final List<String> locations = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private boolean inLoc;
    private int depth;

    @Override
    public void startElement(String uri, String local, String qName, Attributes atts)
        throws SAXException {
      depth++;
      if (depth == 1) {
        if (!local.equals("urlset") && !local.equals("sitemapindex")) {
          throw new SAXException("the root is " + local + ", neither urlset nor sitemapindex");
        }
        root = local;
      } else if (depth == 3 && local.equals("loc")) {
        inLoc = true;
        text.setLength(0);
      }
    }

    @Override
    public void characters(char[] ch, int start, int length) {
      if (inLoc && text.length() + length <= 4096) {
        text.append(ch, start, length);
      }
    }

    @Override
    public void endElement(String uri, String local, String qName) throws SAXException {
      if (inLoc && depth == 3) {
        inLoc = false;
        String loc = text.toString().strip();
        if (!loc.isEmpty()) {
          if (locations.size() >= MAX_ENTRIES) {
            throw new SAXException("more than " + MAX_ENTRIES + " entries");
          }
          locations.add(loc);
        }
      }
      depth--;
    }
  }
}
