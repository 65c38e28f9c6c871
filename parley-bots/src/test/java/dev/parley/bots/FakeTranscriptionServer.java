package dev.parley.bots;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for an OpenAI-compatible {@code POST /v1/audio/transcriptions}, inside the test suite:
 * it parses the real {@code multipart/form-data} body (boundary from the {@code Content-Type}, each
 * part's {@code Content-Disposition} name and filename, its {@code Content-Type} and bytes),
 * answers HTTP 400 when {@code file} or {@code model} is missing, as the real ones do, and
 * otherwise the real JSON, {@code {"text": "…"}}. Its {@link Mode} makes it fail or hang.
 * Thread-safe.
 */
public final class FakeTranscriptionServer implements AutoCloseable {
  /** How the next answers behave. */
  public enum Mode {
    NORMAL,
    HTTP_500,
    NOT_JSON,
    HANG
  }

  /** One part of a multipart body. */
  public record Part(String name, String filename, String type, byte[] bytes) {
    public String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** One request as received: its parts by name, and its Authorization header. */
  public record Received(Map<String, Part> parts, String authorization) {}

  private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
  private static final Pattern NAME = Pattern.compile("\\bname=\"([^\"]*)\"");
  private static final Pattern FILENAME = Pattern.compile("\\bfilename=\"([^\"]*)\"");

  private final HttpServer server;
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile Mode mode = Mode.NORMAL;
  private volatile String text = "Do you ship to Canada?";

  /** The requests received, in order. */
  public final List<Received> received = new CopyOnWriteArrayList<>();

  public FakeTranscriptionServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/v1/audio/transcriptions", this::handle);
    server.start();
  }

  /** The base URL to configure ({@code http://127.0.0.1:<port>}, without {@code /v1}). */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public void mode(Mode m) {
    this.mode = m;
  }

  /** What the next transcriptions say. */
  public void text(String t) {
    this.text = t;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      String type = ex.getRequestHeaders().getFirst("Content-Type");
      Matcher b = type == null ? null : BOUNDARY.matcher(type);
      if (!"POST".equals(ex.getRequestMethod())
          || type == null
          || !type.startsWith("multipart/form-data")
          || !b.find()) {
        answer(ex, 400, "{\"error\":{\"message\":\"expected multipart/form-data\"}}");
        return;
      }
      Map<String, Part> parts = parse(body, b.group(1));
      received.add(new Received(parts, ex.getRequestHeaders().getFirst("Authorization")));
      if (!parts.containsKey("file") || !parts.containsKey("model")) {
        answer(ex, 400, "{\"error\":{\"message\":\"file and model are required\"}}");
        return;
      }
      switch (mode) {
        case HTTP_500 -> answer(ex, 500, "{\"error\":{\"message\":\"model crashed\"}}");
        case NOT_JSON -> answer(ex, 200, "<html>gateway</html>");
        case HANG -> {
          released.await();
          answer(ex, 200, "{\"text\":\"late\"}");
        }
        case NORMAL -> answer(ex, 200, "{\"text\":" + quoted(text) + "}");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The parts of a multipart body: each between two delimiters, headers then a blank line. */
  static Map<String, Part> parse(byte[] body, String boundary) {
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    Map<String, Part> parts = new LinkedHashMap<>();
    int at = indexOf(body, delimiter, 0);
    while (at >= 0) {
      int start = at + delimiter.length;
      if (start + 2 <= body.length && body[start] == '-' && body[start + 1] == '-') {
        break; // the closing delimiter
      }
      start += 2; // CRLF after the delimiter
      int next = indexOf(body, delimiter, start);
      if (next < 0) {
        throw new IllegalArgumentException("a part without a closing delimiter");
      }
      byte[] crlf2 = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
      int headersEnd = indexOf(body, crlf2, start);
      String headers = new String(body, start, headersEnd - start, StandardCharsets.UTF_8);
      byte[] bytes = Arrays.copyOfRange(body, headersEnd + 4, next - 2); // minus the CRLF
      String name = find(NAME, headers);
      String ctype = null;
      for (String line : headers.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-type:")) {
          ctype = line.substring(13).strip();
        }
      }
      parts.put(name, new Part(name, find(FILENAME, headers), ctype, bytes));
      at = next;
    }
    return parts;
  }

  private static String find(Pattern p, String s) {
    Matcher m = p.matcher(s);
    return m.find() ? m.group(1) : null;
  }

  private static int indexOf(byte[] b, byte[] what, int from) {
    outer:
    for (int i = from; i <= b.length - what.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (b[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  private static void answer(HttpExchange ex, int status, String json) throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
  }
}
