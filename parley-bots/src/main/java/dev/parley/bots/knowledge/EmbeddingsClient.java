package dev.parley.bots.knowledge;

import dev.parley.bots.DeliveryBackoff;
import dev.parley.chat.BotSettings;
import dev.parley.protocol.openai.Embeddings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Asks an OpenAI-compatible embeddings endpoint ({@code POST <baseUrl>/embeddings}, {@link
 * Embeddings}) for the vectors of texts: in batches of {@link Limits#batch}, each request bounded
 * by {@link Limits#requestTimeout}, a failed one (no answer, HTTP 429 or 5xx) tried again after
 * {@link Limits#backoff}'s delays, and everything before the caller's deadline. An answer that
 * cannot be right (HTTP 4xx, a malformed body, more than {@link Limits#maxDimensions} dimensions)
 * fails at once.
 *
 * <p>Thread-safe. Blocks (HTTP and backoff sleeps): call on the knowledge threads, never an event
 * loop.
 */
public final class EmbeddingsClient {
  /**
   * The bounds of asking an endpoint.
   *
   * @param batch the most texts one request carries (default 64)
   * @param requestTimeout how long one request may take (default 20 s)
   * @param backoff how often and after how long a failed request is tried again (default: 4
   *     attempts, delays from 0.5 s to 8 s)
   * @param maxDimensions the longest vector taken (default 4096; OpenAI's large model has 3072)
   * @param maxInputChars a text is cut to this many characters before it is sent (default 8000,
   *     within every common model's input limit for a section of at most 1500)
   */
  public record Limits(
      int batch,
      Duration requestTimeout,
      DeliveryBackoff backoff,
      int maxDimensions,
      int maxInputChars) {
    public static final Limits DEFAULTS =
        new Limits(
            64,
            Duration.ofSeconds(20),
            new DeliveryBackoff(Duration.ofMillis(500), Duration.ofSeconds(8), 4),
            4096,
            8000);

    public Limits {
      if (batch < 1 || maxDimensions < 1 || maxInputChars < 1 || !requestTimeout.isPositive()) {
        throw new IllegalArgumentException("embeddings limits must be positive");
      }
    }
  }

  /** Vectors could not be had; the message says why (it is shown to admins). */
  public static class Failed extends Exception {
    public Failed(String message) {
      super(message);
    }
  }

  private final Limits limits;
  private final HttpClient http;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();

  public EmbeddingsClient(Limits limits) {
    this.limits = limits;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(limits.requestTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The most texts one request carries. */
  public int batch() {
    return limits.batch();
  }

  /** Requests sent to embeddings endpoints (a metric). */
  public long requests() {
    return requests.get();
  }

  /** Requests that failed, whether tried again or not (a metric). */
  public long failures() {
    return failures.get();
  }

  /**
   * The vectors of {@code texts}, in order, from {@code endpoint}; gives up at {@code deadline}
   * ({@link System#nanoTime}).
   */
  public List<float[]> embed(BotSettings.Embeddings endpoint, List<String> texts, long deadline)
      throws Failed {
    List<float[]> out = new ArrayList<>(texts.size());
    for (int from = 0; from < texts.size(); from += limits.batch()) {
      List<String> part = texts.subList(from, Math.min(texts.size(), from + limits.batch()));
      out.addAll(withRetries(endpoint, part, deadline));
    }
    return out;
  }

  /** One vector, one attempt within {@code timeout}: for a question, which cannot wait. */
  public float[] embedOnce(BotSettings.Embeddings endpoint, String text, Duration timeout)
      throws Failed {
    return once(endpoint, List.of(text), timeout).getFirst();
  }

  private List<float[]> withRetries(
      BotSettings.Embeddings endpoint, List<String> part, long deadline) throws Failed {
    for (int attempt = 1; ; attempt++) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new Failed("the embeddings endpoint did not answer in time");
      }
      Duration timeout = Duration.ofNanos(Math.min(left, limits.requestTimeout().toNanos()));
      try {
        return once(endpoint, part, timeout);
      } catch (Transient e) {
        if (!limits.backoff().retries(attempt)) {
          throw new Failed(e.getMessage() + " (" + attempt + " attempts)");
        }
        Duration pause =
            limits.backoff().delayAfter(attempt, ThreadLocalRandom.current()::nextDouble);
        if (System.nanoTime() + pause.toNanos() - deadline >= 0) {
          throw new Failed(e.getMessage() + " (no time left to try again)");
        }
        try {
          Thread.sleep(pause); // backoff between attempts, on a knowledge thread
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new Failed("interrupted");
        }
      }
    }
  }

  /** A failure worth trying again: no answer, HTTP 429 or 5xx. */
  private static final class Transient extends Failed {
    Transient(String message) {
      super(message);
    }
  }

  private List<float[]> once(BotSettings.Embeddings endpoint, List<String> texts, Duration timeout)
      throws Failed {
    List<String> cut =
        texts.stream()
            .map(
                t ->
                    t.length() > limits.maxInputChars()
                        ? t.substring(0, limits.maxInputChars())
                        : t)
            .toList();
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(endpoint.baseUrl() + "/embeddings"))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(Embeddings.request(endpoint.model(), cut)));
    if (endpoint.apiKey() != null) {
      req.header("Authorization", "Bearer " + endpoint.apiKey());
    }
    requests.incrementAndGet();
    HttpResponse<byte[]> res;
    try {
      res = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      failures.incrementAndGet();
      throw new Transient("the embeddings endpoint could not be reached: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failed("interrupted");
    }
    int status = res.statusCode();
    if (status == 429 || status >= 500) {
      failures.incrementAndGet();
      throw new Transient("the embeddings endpoint answered HTTP " + status);
    }
    if (status != 200) {
      failures.incrementAndGet();
      throw new Failed("the embeddings endpoint answered HTTP " + status + " (check its settings)");
    }
    try {
      List<float[]> vectors = Embeddings.parse(res.body(), texts.size());
      if (!vectors.isEmpty() && vectors.getFirst().length > limits.maxDimensions()) {
        throw new Embeddings.BadResponse(
            "its vectors have more than " + limits.maxDimensions() + " dimensions");
      }
      return vectors;
    } catch (Embeddings.BadResponse e) {
      failures.incrementAndGet();
      throw new Failed("the embeddings endpoint's answer is wrong: " + e.getMessage());
    }
  }
}
