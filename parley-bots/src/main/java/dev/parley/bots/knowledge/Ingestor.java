package dev.parley.bots.knowledge;

import dev.parley.chat.KnowledgeStore.Section;
import java.util.List;

/**
 * Turns an uploaded or fetched document's bytes into what the store keeps: its real type (from the
 * bytes, {@link Sniffer}), title, language ({@link Languages#guess}) and sections cut at headings
 * and bounded in size ({@link Chunker}). Every limit refuses with a reason naming it; nothing here
 * touches the serving index.
 *
 * <p>Stateless and thread-safe. Blocks (PDF parsing): call it on the knowledge executor, never an
 * event loop.
 */
public final class Ingestor {

  /**
   * The bounds of one document.
   *
   * @param maxBytes the largest document (default 10 MiB)
   * @param maxSections the most sections one document may make (default 2000)
   * @param maxSectionChars the longest section before it is cut (default 1500 characters)
   * @param maxPdfPages the most pages a PDF may have (default 2000)
   */
  public record Limits(long maxBytes, int maxSections, int maxSectionChars, int maxPdfPages) {
    public static final Limits DEFAULTS = new Limits(10L << 20, 2000, 1500, 2000);

    public Limits {
      if (maxBytes < 1 || maxSections < 1 || maxSectionChars < 200 || maxPdfPages < 1) {
        throw new IllegalArgumentException(
            "knowledge limits must be positive (section size at least 200 characters)");
      }
    }
  }

  /** A document ready to be stored. */
  public record Result(String mediaType, String title, String language, List<Section> sections) {}

  private final Limits limits;

  public Ingestor(Limits limits) {
    this.limits = limits;
  }

  public Limits limits() {
    return limits;
  }

  /**
   * Reads {@code bytes}; {@code source} (a file name or URL) names it when it has no title of its
   * own.
   */
  public Result ingest(String source, byte[] bytes) throws IngestException {
    if (bytes.length > limits.maxBytes()) {
      throw new IngestException(
          "too large: " + bytes.length + " bytes, the limit is " + limits.maxBytes());
    }
    if (bytes.length == 0) {
      throw new IngestException("empty document");
    }
    String type = Sniffer.detect(bytes);
    String name = nameOf(source);
    Extracted e =
        switch (type) {
          case Sniffer.PDF -> PdfText.extract(bytes, name, limits.maxPdfPages());
          case Sniffer.HTML -> HtmlText.extract(Sniffer.utf8(bytes), name);
          default -> MarkdownText.extract(Sniffer.utf8(bytes), name);
        };
    List<Section> sections = Chunker.bound(e.sections(), limits.maxSectionChars());
    if (sections.isEmpty()) {
      throw new IngestException("no text found in the document");
    }
    if (sections.size() > limits.maxSections()) {
      throw new IngestException(
          "too many sections: "
              + sections.size()
              + ", the limit is "
              + limits.maxSections()
              + " per document");
    }
    StringBuilder sample = new StringBuilder();
    for (Section s : sections) {
      if (sample.length() > 20_000) {
        break;
      }
      sample.append(s.body()).append('\n');
    }
    String title = e.title() != null ? e.title() : name;
    return new Result(type, title, Languages.guess(sample.toString()), sections);
  }

  /** The last path segment of a file name or URL, without its query. */
  static String nameOf(String source) {
    String s = source.replaceFirst("[?#].*$", "").replaceFirst("/+$", "");
    int slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
    String last = slash >= 0 ? s.substring(slash + 1) : s;
    return last.isBlank() ? source : last;
  }
}
