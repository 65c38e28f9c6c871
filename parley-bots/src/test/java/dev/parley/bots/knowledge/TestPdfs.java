package dev.parley.bots.knowledge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.interactive.documentnavigation.destination.PDPageFitDestination;
import org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDDocumentOutline;
import org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDOutlineItem;

/** Real PDFs made with PDFBox for tests: one page per entry, with or without bookmarks. */
public final class TestPdfs {
  private TestPdfs() {}

  /**
   * A PDF titled {@code title} with one page per entry of {@code pages} (heading → text), each page
   * bookmarked with its heading when {@code bookmarks}.
   */
  public static byte[] make(String title, Map<String, String> pages, boolean bookmarks) {
    try (PDDocument doc = new PDDocument()) {
      doc.getDocumentInformation().setTitle(title);
      PDDocumentOutline outline = new PDDocumentOutline();
      PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
      for (Map.Entry<String, String> p : pages.entrySet()) {
        PDPage page = new PDPage();
        doc.addPage(page);
        try (PDPageContentStream s = new PDPageContentStream(doc, page)) {
          s.beginText();
          s.setFont(font, 12);
          s.setLeading(14);
          s.newLineAtOffset(50, 720);
          s.showText(p.getKey());
          for (String line : p.getValue().split("\n")) {
            s.newLine();
            s.showText(line);
          }
          s.endText();
        }
        if (bookmarks) {
          PDOutlineItem item = new PDOutlineItem();
          item.setTitle(p.getKey());
          PDPageFitDestination dest = new PDPageFitDestination();
          dest.setPage(page);
          item.setDestination(dest);
          outline.addLast(item);
        }
      }
      if (bookmarks) {
        doc.getDocumentCatalog().setDocumentOutline(outline);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      doc.save(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
