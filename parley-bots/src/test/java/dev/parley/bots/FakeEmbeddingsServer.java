package dev.parley.bots;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.parley.protocol.openai.Embeddings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for an OpenAI-compatible embeddings endpoint ({@code POST /v1/embeddings}), inside the
 * test suite, speaking the real format ({@link Embeddings}: {@code model} and an {@code input}
 * array in, {@code data[].embedding} with {@code index} out — here in reverse order, as a server
 * may). Its vectors are deterministic: a hashed bag of "meanings" over {@value #DIMENSIONS}
 * dimensions, where a word's meaning is itself or, for the few synonyms of {@link #MEANINGS}, a
 * shared one — so "refund" and "reimbursement", which share no stem, come out close, as a real
 * model's would. Its {@link Mode} makes it fail, refuse or hang. Counts every request and every
 * text embedded. Thread-safe.
 */
public final class FakeEmbeddingsServer implements AutoCloseable {
  /** How the next requests are answered. */
  public enum Mode {
    NORMAL,
    HTTP_500,
    HTTP_401,
    /** No answer until the test ends. */
    HANG
  }

  public static final int DIMENSIONS = 256;

  /** Words that mean the same (to this stand-in). */
  static final Map<String, String> MEANINGS =
      Map.of(
          "refund", "money-back",
          "reimbursement", "money-back",
          "repaid", "money-back",
          "parcel", "delivery",
          "shipping", "delivery");

  private static final Set<String> STOP =
      Set.of("a", "an", "the", "i", "can", "get", "my", "of", "we", "is", "it", "do", "you", "how");

  private final HttpServer server;
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile Mode mode = Mode.NORMAL;
  private final AtomicInteger failNext = new AtomicInteger();

  /** Requests received. */
  public final AtomicInteger requests = new AtomicInteger();

  /** Texts embedded (the inputs of the requests answered). */
  public final AtomicInteger embedded = new AtomicInteger();

  /** The model and Authorization header of each request, in order. */
  public final List<String> models = new CopyOnWriteArrayList<>();

  public final List<String> authorizations = new CopyOnWriteArrayList<>();

  public FakeEmbeddingsServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/v1/embeddings", this::handle);
    server.start();
  }

  /** The base URL to configure: requests go to {@code <baseUrl>/embeddings}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  public FakeEmbeddingsServer mode(Mode m) {
    mode = m;
    return this;
  }

  /** The next {@code n} requests answer HTTP 503, then the mode applies again. */
  public FakeEmbeddingsServer failNext(int n) {
    failNext.set(n);
    return this;
  }

  /** The stand-in's vector of {@code text}. */
  public static float[] vector(String text) {
    float[] v = new float[DIMENSIONS];
    for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (w.isEmpty() || STOP.contains(w)) {
        continue;
      }
      String stem = w.endsWith("s") && w.length() > 3 ? w.substring(0, w.length() - 1) : w;
      String meaning = MEANINGS.getOrDefault(stem, stem);
      v[Math.floorMod(meaning.hashCode() * 0x9E3779B1, DIMENSIONS)] += 1;
    }
    return v;
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    requests.incrementAndGet();
    Embeddings.Request req = Embeddings.requestOf(body);
    models.add(req.model());
    authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
    Mode m = mode;
    if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      send(ex, 503, "{\"error\":{\"message\":\"overloaded\"}}");
      return;
    }
    switch (m) {
      case HTTP_500 -> send(ex, 500, "{\"error\":{\"message\":\"internal\"}}");
      case HTTP_401 -> send(ex, 401, "{\"error\":{\"message\":\"invalid api key\"}}");
      case HANG -> {
        try {
          released.await(); // no answer, holding the connection, until the test ends
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        ex.close();
      }
      case NORMAL -> {
        embedded.addAndGet(req.input().size());
        List<float[]> vectors = req.input().stream().map(FakeEmbeddingsServer::vector).toList();
        String json = new String(Embeddings.response(req.model(), vectors), StandardCharsets.UTF_8);
        send(ex, 200, reversed(json, vectors.size()));
      }
    }
  }

  /** The same response with its data items in reverse order (their {@code index} says which). */
  private static String reversed(String json, int n) {
    if (n < 2) {
      return json;
    }
    int start = json.indexOf("\"data\":[") + 8;
    int end = json.lastIndexOf("]");
    List<String> items = List.of(json.substring(start, end).split("(?<=]}),"));
    StringBuilder b = new StringBuilder(json.substring(0, start));
    for (int i = items.size() - 1; i >= 0; i--) {
      b.append(items.get(i)).append(i > 0 ? "," : "");
    }
    return b.append(json.substring(end)).toString();
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
  }
}
