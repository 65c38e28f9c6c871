package dev.parley.bots.knowledge;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Finds a document's real type from its bytes, never from its name: a PDF by its {@code %PDF-}
 * magic number, HTML by its doctype or a leading {@code <html>}, {@code <head>} or {@code <body>}
 * tag, Markdown by a heading line ({@code # Title}) in UTF-8 text, plain text otherwise. Anything
 * else (binary, not UTF-8) is refused. Stateless and thread-safe.
 */
public final class Sniffer {
  public static final String PDF = "application/pdf";
  public static final String HTML = "text/html";
  public static final String MARKDOWN = "text/markdown";
  public static final String TEXT = "text/plain";

  private static final Pattern HTML_START =
      Pattern.compile("^(<!--.*?-->\\s*)*<(!doctype\\s+html|html|head|body)[\\s>]", Pattern.DOTALL);
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+\\S");

  private Sniffer() {}

  /** The media type of {@code bytes}. */
  public static String detect(byte[] bytes) throws IngestException {
    if (startsWith(bytes, "%PDF-")) {
      return PDF;
    }
    String text = utf8(bytes);
    String head = text.strip();
    if (head.startsWith("\uFEFF")) {
      head = head.substring(1).strip();
    }
    String start = head.substring(0, Math.min(head.length(), 2048)).toLowerCase(Locale.ROOT);
    if (HTML_START.matcher(start).find()) {
      return HTML;
    }
    return HEADING.matcher(text).find() ? MARKDOWN : TEXT;
  }

  /** {@code bytes} as UTF-8 text; refuses binary content and invalid UTF-8. */
  static String utf8(byte[] bytes) throws IngestException {
    for (int i = 0; i < Math.min(bytes.length, 8192); i++) {
      if (bytes[i] == 0) {
        throw new IngestException(
            "unsupported type: binary content (not PDF, HTML, Markdown or text)");
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IngestException(
          "unsupported type: neither PDF nor UTF-8 text (HTML, Markdown or plain text)");
    }
  }

  private static boolean startsWith(byte[] bytes, String magic) {
    if (bytes.length < magic.length()) {
      return false;
    }
    for (int i = 0; i < magic.length(); i++) {
      if (bytes[i] != magic.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
