package dev.parley.edge.files;

import dev.parley.protocol.http.HttpApi.Response;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a download answers, apart from reading the bytes: the byte range a {@code Range} header asks
 * for (RFC 9110 §14: one range; several, or a malformed header, are ignored and the whole file is
 * sent; a range that starts past the end is {@code 416}), and the headers that keep a visitor's
 * file from ever running as a page: the detected type, {@code Content-Disposition: attachment} for
 * anything but an image, {@code X-Content-Type-Options: nosniff}, and a {@code
 * Content-Security-Policy} that sandboxes it and loads nothing. Stateless.
 */
final class FileDownload {
  /** The types shown in place (re-encoded images); everything else is an attachment. */
  static boolean inline(String type) {
    return type.equals("image/png") || type.equals("image/jpeg");
  }

  /** The policy of every download: no script, no plugin, no request; sandboxed if opened. */
  static final String CSP = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox";

  private static final Pattern RANGE = Pattern.compile("bytes=([0-9]{0,18})-([0-9]{0,18})");

  /** A byte range, first to last inclusive. */
  record Range(long first, long last) {
    long length() {
      return last - first + 1;
    }
  }

  /** What a {@code Range} header asks of a file of {@code size} bytes. */
  sealed interface Asked {}

  /** The whole file (no header, or one to ignore). */
  record Whole() implements Asked {}

  /** One range within the file. */
  record Part(Range range) implements Asked {}

  /** A range that the file cannot satisfy: 416. */
  record Unsatisfiable() implements Asked {}

  private FileDownload() {}

  static Asked asked(String header, long size) {
    if (header == null) {
      return new Whole();
    }
    Matcher m = RANGE.matcher(header.trim());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      return new Whole(); // several ranges, another unit or nonsense: RFC 9110 lets us ignore it
    }
    if (m.group(1).isEmpty()) { // bytes=-N: the last N bytes
      long n = Long.parseLong(m.group(2));
      if (n == 0 || size == 0) {
        return new Unsatisfiable();
      }
      return new Part(new Range(Math.max(0, size - n), size - 1));
    }
    long first = Long.parseLong(m.group(1));
    long last = m.group(2).isEmpty() ? size - 1 : Long.parseLong(m.group(2));
    if (first >= size) {
      return new Unsatisfiable();
    }
    if (last < first) {
      return new Whole();
    }
    return new Part(new Range(first, Math.min(last, size - 1)));
  }

  /** The headers of a download of a file of {@code type} named {@code name}. */
  static Map<String, String> headers(String type, String name) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Disposition", FileNames.disposition(inline(type), name));
    h.put("X-Content-Type-Options", "nosniff");
    h.put("Content-Security-Policy", CSP);
    h.put("Accept-Ranges", "bytes");
    // The link is the permission: a page of another origin (the widget) may show the image.
    h.put("Cross-Origin-Resource-Policy", "cross-origin");
    h.put("Cache-Control", "private, max-age=" + FileLinks.LIFETIME.toSeconds());
    return h;
  }

  /** The 200 or 206 answer with {@code body}, part of a file of {@code size} bytes. */
  static Response answer(String type, String name, long size, Range range, byte[] body) {
    Map<String, String> h = headers(type, name);
    if (range == null) {
      return new Response(200, type, body, h);
    }
    h.put("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
    return new Response(206, type, body, h);
  }

  /** The 416 answer for a file of {@code size} bytes. */
  static Response unsatisfiable(long size) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Range", "bytes */" + size);
    h.put("X-Content-Type-Options", "nosniff");
    return new Response(
        416,
        "application/json",
        ("{\"error\":\"range_not_satisfiable\",\"message\":\"the file has " + size + " bytes\"}")
            .getBytes(StandardCharsets.UTF_8),
        h);
  }
}
