package dev.parley.bots.knowledge;

import dev.parley.chat.KnowledgeStore.Section;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.MemoryUsageSetting;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDDocumentOutline;
import org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDOutlineItem;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * PDF through Apache PDFBox: one section per top-level bookmark (its pages, up to the next
 * bookmark's), else one per page ("Title, page 3"). The title is the document information's, else
 * the document's name. A PDF that does not parse, is encrypted, or has more pages than allowed is
 * refused with the reason. Stateless and thread-safe; runs on the caller's thread.
 */
final class PdfText {
  /**
   * The most memory PDFBox may use for the streams it decodes and keeps (a compressed "bomb" fails
   * with an IOException, which marks the document failed, instead of filling the heap).
   */
  static final long SCRATCH_BYTES = 64L * 1024 * 1024;

  private PdfText() {}

  /** A bookmark's title and the page it starts on (0-based). */
  private record Mark(String title, int page) {}

  static Extracted extract(byte[] bytes, String fallbackTitle, int maxPages)
      throws IngestException {
    try (PDDocument doc =
        Loader.loadPDF(
            bytes,
            "",
            null,
            null,
            MemoryUsageSetting.setupMainMemoryOnly(SCRATCH_BYTES).streamCache)) {
      if (doc.isEncrypted()) {
        throw new IngestException("the PDF is encrypted");
      }
      int pages = doc.getNumberOfPages();
      if (pages > maxPages) {
        throw new IngestException("the PDF has " + pages + " pages, more than " + maxPages);
      }
      String info = doc.getDocumentInformation().getTitle();
      String title = info == null || info.isBlank() ? null : info.strip();
      String name = title != null ? title : fallbackTitle;
      PDFTextStripper text = new PDFTextStripper();
      text.setSortByPosition(true);
      List<Mark> marks = marks(doc);
      List<Section> out = new ArrayList<>();
      if (marks.isEmpty()) {
        for (int p = 1; p <= pages; p++) {
          add(out, name + ", page " + p, range(text, doc, p, p));
        }
      } else {
        if (marks.getFirst().page() > 0) {
          add(out, name, range(text, doc, 1, marks.getFirst().page()));
        }
        for (int i = 0; i < marks.size(); i++) {
          int from = marks.get(i).page() + 1;
          int to = i + 1 < marks.size() ? Math.max(from, marks.get(i + 1).page()) : pages;
          add(out, marks.get(i).title(), range(text, doc, from, to));
        }
      }
      return new Extracted(title, out);
    } catch (IOException | RuntimeException e) {
      throw new IngestException("the PDF cannot be read: " + e.getMessage(), e);
    }
  }

  private static List<Mark> marks(PDDocument doc) throws IOException {
    PDDocumentOutline outline = doc.getDocumentCatalog().getDocumentOutline();
    List<Mark> out = new ArrayList<>();
    if (outline == null) {
      return out;
    }
    for (PDOutlineItem item : outline.children()) {
      PDPage page = item.findDestinationPage(doc);
      String t = item.getTitle();
      if (page == null || t == null || t.isBlank()) {
        continue;
      }
      int index = doc.getPages().indexOf(page);
      if (index >= 0 && (out.isEmpty() || index >= out.getLast().page())) {
        out.add(new Mark(t.strip(), index));
      }
    }
    return out;
  }

  private static String range(PDFTextStripper text, PDDocument doc, int from, int to)
      throws IOException {
    text.setStartPage(from);
    text.setEndPage(to);
    return text.getText(doc);
  }

  private static void add(List<Section> out, String title, String body) {
    String b = body.replaceAll("[ \\t]+", " ").replaceAll("\\R{3,}", "\n\n").strip();
    if (!b.isEmpty()) {
      out.add(new Section(title, b));
    }
  }
}
