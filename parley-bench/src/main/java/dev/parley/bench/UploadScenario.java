package dev.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.bench.Scenarios.Result;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * uploads: what a file costs the server (issue 17). Visitors of the bench's site upload files to
 * their conversations over HTTP ({@code POST /api/conversations/{conv}/files}), as the widget does:
 * a photo (a 1920 × 1080 JPEG), a screenshot (a 1920 × 1080 PNG), and a PDF as large as the photo.
 * Images are decoded, stripped of metadata, re-encoded and given a thumbnail; a PDF is stored as
 * sent — so the CPU an image costs beyond the PDF of its size is the price of cleaning it and of
 * its thumbnail.
 *
 * <p>The server's own limits shape the run: at most 4 upload bodies at once per node and 2 per
 * client address (more are answered {@code 503 busy}), so the bench sends 2 at a time from each of
 * two source addresses (127.0.0.1 and 127.0.0.2); and 10 uploads at once per uploader, so each
 * visitor sends 10 files. Figures per kind: uploads and MiB a second, time per upload (p50, p99),
 * and the server's CPU per upload. Visitors are made from addresses of their own, ten each (the
 * server's limit of new conversations per address). Used by the bench's main thread; the uploads
 * run on the HTTP clients' threads.
 */
final class UploadScenario {
  /** Uploads one visitor makes (the server lets an uploader make 10 at once). */
  static final int PER_VISITOR = 10;

  /** Bodies in flight from one source address (the server's limit per client). */
  static final int PER_SOURCE = 2;

  private static final List<String> SOURCES = List.of("127.0.0.1", "127.0.0.2");

  private final ObjectMapper json = new ObjectMapper();
  private final String run = Long.toString(System.nanoTime(), 36);

  /** Visitors made so far, of every kind. Main thread. */
  private int visitors;

  /** One kind of file: its name, wire type and bytes. */
  record Kind(String name, String type, byte[] bytes) {}

  /** The three kinds, made once per run (the photo first: the PDF takes its size). */
  static List<Kind> kinds() throws IOException {
    byte[] photo = photo(1920, 1080);
    return List.of(
        new Kind("photo.jpg", "image/jpeg", photo),
        new Kind("screenshot.png", "image/png", screenshot(1920, 1080)),
        new Kind("document.pdf", "application/pdf", pdf(photo.length)));
  }

  /**
   * Measures {@code count} uploads of each kind against {@code t} (a fresh visitor per {@link
   * #PER_VISITOR} uploads).
   */
  List<Result> measure(Target t, int count) throws Exception {
    List<Kind> kinds = kinds();
    List<Result> out = new ArrayList<>();
    Map<String, Double> pdfCpu = new LinkedHashMap<>();
    List<Result> images = new ArrayList<>();
    for (Kind k : kinds) {
      Result r = measure(t, k, count);
      out.add(r);
      if (k.type().startsWith("image/")) {
        images.add(r);
      } else {
        pdfCpu.putAll(r.figures());
      }
    }
    Double control = pdfCpu.get("server_cpu_ms_per_upload");
    for (Result r : images) {
      Double cpu = r.figures().get("server_cpu_ms_per_upload");
      if (control != null && cpu != null) {
        r.figures().put("image_cleaning_cpu_ms", cpu - control);
      }
    }
    return out;
  }

  private Result measure(Target t, Kind k, int count) throws Exception {
    URI http = URI.create(t.ws.toString().replaceFirst("^ws", "http"));
    int visitors = (count + PER_VISITOR - 1) / PER_VISITOR;
    List<Visitor> vs = new ArrayList<>(visitors);
    for (int i = 0; i < visitors; i++) {
      vs.add(visitor(t.ws));
    }
    List<HttpClient> clients = new ArrayList<>();
    for (String source : SOURCES) {
      clients.add(
          HttpClient.newBuilder()
              .localAddress(InetAddress.getByName(source))
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build());
    }
    Histogram time = new ConcurrentHistogram(3_600_000_000_000L, 3);
    AtomicInteger next = new AtomicInteger();
    AtomicLong failed = new AtomicLong();
    AtomicLong firstFailure = new AtomicLong(-1);
    List<CompletableFuture<Void>> lanes = new ArrayList<>();
    double cpu0 = t.local() ? t.cpuSeconds() : 0;
    long start = System.nanoTime();
    for (HttpClient c : clients) {
      for (int lane = 0; lane < PER_SOURCE; lane++) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        lanes.add(done);
        uploadLoop(c, http, k, vs, count, next, time, failed, firstFailure, done);
      }
    }
    CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    double wall = (System.nanoTime() - start) / 1e9;
    double cpu = t.local() ? t.cpuSeconds() - cpu0 : Double.NaN;
    clients.forEach(HttpClient::close);
    vs.forEach(v -> v.ws().abort());
    Map<String, Double> f = new LinkedHashMap<>();
    long ok = count - failed.get();
    f.put("uploads_per_s", ok / wall);
    f.put("mib_per_s", ok * (double) k.bytes().length / 1048576.0 / wall);
    f.put("p50_ms", time.getValueAtPercentile(50) / 1e6);
    f.put("p99_ms", time.getValueAtPercentile(99) / 1e6);
    if (t.local()) {
      f.put("server_cpu_ms_per_upload", cpu * 1000 / Math.max(1, ok));
      f.put("server_cpu_cores", cpu / wall);
    }
    f.put("failed", (double) failed.get());
    f.put("errors", (double) failed.get());
    return new Result(
        "uploads",
        t.name,
        Scenarios.params(
            "kind", k.name(), "bytes", k.bytes().length, "count", count, "in_flight", 4),
        f,
        failed.get() == 0 ? null : "first refusal: HTTP " + firstFailure.get());
  }

  /** One lane: uploads the next file until {@code count} are done, one at a time. */
  private void uploadLoop(
      HttpClient c,
      URI http,
      Kind k,
      List<Visitor> vs,
      int count,
      AtomicInteger next,
      Histogram time,
      AtomicLong failed,
      AtomicLong firstFailure,
      CompletableFuture<Void> done) {
    int i = next.getAndIncrement();
    if (i >= count) {
      done.complete(null);
      return;
    }
    Visitor v = vs.get(i / PER_VISITOR);
    HttpRequest req =
        HttpRequest.newBuilder(
                http.resolve(
                    "/api/conversations/"
                        + v.conv()
                        + "/files?name="
                        + k.name().toLowerCase(Locale.ROOT)))
            .header("Authorization", "Bearer " + v.token())
            .header("Idempotency-Key", "bench-" + run + "-" + i)
            .header("Content-Type", k.type())
            .POST(HttpRequest.BodyPublishers.ofByteArray(k.bytes()))
            .build();
    long t0 = System.nanoTime();
    c.sendAsync(req, HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (res, err) -> {
              time.recordValue(System.nanoTime() - t0);
              if (err != null || res.statusCode() != 201) {
                failed.incrementAndGet();
                firstFailure.compareAndSet(-1, err != null ? 0 : res.statusCode());
              }
              uploadLoop(c, http, k, vs, count, next, time, failed, firstFailure, done);
            });
  }

  /** A visitor with a stored conversation: the token and conversation its uploads use. */
  record Visitor(WebSocket ws, String token, String conv) {}

  /**
   * Says hello on the bench's site and sends one message, so the conversation is stored. Each ten
   * visitors come from an address of their own (127.0.2.1, 127.0.2.2, …): the server lets one
   * address open 10 conversations at once, then one every 10 s.
   */
  private Visitor visitor(URI ws) throws Exception {
    int n = visitors++ / 10;
    InetAddress from = InetAddress.getByName("127.0." + (2 + n / 254) + "." + (1 + n % 254));
    BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    WebSocket socket =
        HttpClient.newBuilder()
            .localAddress(from)
            .build()
            .newWebSocketBuilder()
            .buildAsync(ws, new Frames(frames))
            .get(10, TimeUnit.SECONDS);
    socket.sendText("{\"type\":\"hello\",\"site\":\"demo\"}", true).get(10, TimeUnit.SECONDS);
    String token = until(frames, "welcome").get("token").asText();
    String conv = until(frames, "conversation").get("conv").asText();
    socket
        .sendText(
            "{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"a file\"}",
            true)
        .get(10, TimeUnit.SECONDS);
    until(frames, "ack");
    return new Visitor(socket, token, conv);
  }

  private JsonNode until(BlockingQueue<String> frames, String type) throws Exception {
    String last = null;
    while (true) {
      String f = frames.poll(30, TimeUnit.SECONDS);
      if (f == null) {
        throw new IOException("no " + type + " within 30 s; the last frame: " + last);
      }
      JsonNode n = json.readTree(f);
      if (n.path("type").asText().equals(type)) {
        return n;
      }
      last = f;
    }
  }

  /** Collects whole text frames. */
  private static final class Frames implements WebSocket.Listener {
    private final BlockingQueue<String> frames;
    private final StringBuilder partial = new StringBuilder();

    Frames(BlockingQueue<String> frames) {
      this.frames = frames;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        frames.add(partial.toString());
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }
  }

  /** A photo-like JPEG: smooth gradients with noise, which JPEG cannot shrink to nothing. */
  static byte[] photo(int w, int h) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Random r = new Random(42);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int n = r.nextInt(32);
        img.setRGB(x, y, ((x * 255 / w + n) & 0xff) << 16 | ((y * 255 / h + n) & 0xff) << 8 | n);
      }
    }
    return encode(img, "jpg");
  }

  /**
   * A screenshot-like PNG: a sidebar, a light page and lines of "text" (random glyph-sized marks,
   * so it compresses as a real page of text does, not to nothing).
   */
  static byte[] screenshot(int w, int h) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Random r = new Random(11);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean line = y % 24 < 14 && x % 600 < 560;
        boolean ink = line && r.nextInt(3) == 0;
        img.setRGB(x, y, ink ? 0x202020 : (x < 240 ? 0x3451d1 : 0xf5f5f5));
      }
    }
    return encode(img, "png");
  }

  /** A PDF of {@code size} bytes: its header, then filler a stream would hold. */
  static byte[] pdf(int size) {
    byte[] head = "%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] b = new byte[Math.max(size, head.length)];
    new Random(7).nextBytes(b);
    System.arraycopy(head, 0, b, 0, head.length);
    return b;
  }

  private static byte[] encode(BufferedImage img, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, format, out);
    return out.toByteArray();
  }
}
