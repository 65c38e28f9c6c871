package dev.parley.edge.files;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Files' names: cleaned when uploaded (the last path segment only, no control or format characters
 * such as a right-to-left override, at most {@link #MAX_CODE_POINTS}), and written in a {@code
 * Content-Disposition} header as RFC 6266 says: an ASCII {@code filename} for old clients and the
 * exact name in {@code filename*} (RFC 8187, UTF-8, percent-encoded). Stateless.
 */
final class FileNames {
  /** The longest name kept, in code points. */
  static final int MAX_CODE_POINTS = 200;

  private FileNames() {}

  /** {@code raw} (may be null) as a stored name; {@code file} when nothing is left. */
  static String clean(String raw) {
    if (raw == null) {
      return "file";
    }
    String s = raw.substring(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1);
    StringBuilder out = new StringBuilder();
    s.codePoints()
        .filter(cp -> !Character.isISOControl(cp) && Character.getType(cp) != Character.FORMAT)
        .limit(MAX_CODE_POINTS)
        .forEach(out::appendCodePoint);
    String name = out.toString().strip();
    return name.isEmpty() || name.equals(".") || name.equals("..") ? "file" : name;
  }

  /**
   * The {@code Content-Disposition} value for {@code name}: {@code inline} or {@code attachment}.
   */
  static String disposition(boolean inline, String name) {
    StringBuilder ascii = new StringBuilder();
    name.codePoints()
        .forEach(
            cp ->
                ascii.append(
                    cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\' && cp != '%'
                        ? (char) cp
                        : '_'));
    String encoded =
        URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A");
    return (inline ? "inline" : "attachment")
        + "; filename=\""
        + ascii
        + "\"; filename*=UTF-8''"
        + encoded;
  }
}
