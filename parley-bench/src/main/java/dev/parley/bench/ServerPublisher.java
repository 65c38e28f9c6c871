package dev.parley.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Publishes into channels through a Parley server's API ({@code POST /api/v1/publish} with an API
 * key: docs/PROTOCOL.md#server-api) over HTTP/1.1 keep-alive connections, at most {@code inFlight}
 * requests at once. Each publication's data starts with the time it was <em>meant</em> to be sent
 * (System.nanoTime), so subscribers measure publish→receive as {@link Scenarios#fanout} does, and
 * its round trip is recorded from that time: a sender held back by the in-flight bound shows as
 * latency, never as fewer measurements.
 *
 * <p>{@link #publish} and {@link #publishNow} are called by one thread (the bench's main thread);
 * answers complete on the HTTP client's threads, which only touch the histogram and the atomics.
 */
final class ServerPublisher implements AutoCloseable {
  private final HttpClient http;
  private final URI publish;
  private final String key;
  private final int inFlight;

  /** Requests that may still be sent; a slot is taken before a send, given back at its answer. */
  private final Semaphore slots;

  /** Round trips of publications meant for [{@link #from}, {@link #to}), from the meant time. */
  final Histogram roundTrip = new ConcurrentHistogram(3_600_000_000_000L, 3);

  /** Publications answered {@code 200}, in all. */
  final AtomicLong published = new AtomicLong();

  /** {@code 200} answers that arrived in [{@link #from}, {@link #to}): the achieved rate. */
  final AtomicLong answeredInWindow = new AtomicLong();

  /** Requests that failed or were refused (anything but {@code 200}). */
  final AtomicLong failed = new AtomicLong();

  /** System.nanoTime of the latest {@code 200} answer (0: none yet). */
  final AtomicLong lastAnswer = new AtomicLong();

  /** The first failure (status and body, or the exception), for the report's note; or null. */
  final AtomicReference<String> firstFailure = new AtomicReference<>();

  /** The measured span, in System.nanoTime; written by the sender before its first publication. */
  private volatile long from = Long.MIN_VALUE;

  private volatile long to = Long.MAX_VALUE;

  ServerPublisher(Target t, String key, int inFlight) {
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    this.publish = t.http().resolve("/api/v1/publish");
    this.key = key;
    this.inFlight = inFlight;
    this.slots = new Semaphore(inFlight);
  }

  /** Sets the measured span: round trips and answers are counted for it only. */
  void window(long fromNanos, long toNanos) {
    this.from = fromNanos;
    this.to = toNanos;
  }

  /** Publishes into {@code channel} as meant at {@code meant} (open loop: it may be late). */
  void publish(String channel, long meant) throws InterruptedException {
    slots.acquire();
    send(channel, meant);
  }

  /** Publishes into {@code channel} as soon as a slot is free, meant from then (closed loop). */
  void publishNow(String channel) throws InterruptedException {
    slots.acquire();
    send(channel, System.nanoTime());
  }

  private void send(String channel, long meant) {
    String body = "{\"channel\":\"" + channel + "\",\"data\":\"" + meant + Scenarios.PAD + "\"}";
    HttpRequest req =
        HttpRequest.newBuilder(publish)
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (res, err) -> {
              long now = System.nanoTime();
              try {
                if (err != null || res.statusCode() != 200) {
                  failed.incrementAndGet();
                  firstFailure.compareAndSet(
                      null, err != null ? err.toString() : res.statusCode() + " " + res.body());
                  return;
                }
                published.incrementAndGet();
                lastAnswer.accumulateAndGet(now, Math::max);
                if (now >= from && now < to) {
                  answeredInWindow.incrementAndGet();
                }
                if (meant >= from && meant < to) {
                  roundTrip.recordValue(Math.max(0, now - meant));
                }
              } finally {
                slots.release(); // last: awaitAnswers returns with every answer counted
              }
            });
  }

  /** Waits up to {@code seconds} until every request sent has its answer; whether all did. */
  boolean awaitAnswers(int seconds) throws InterruptedException {
    if (!slots.tryAcquire(inFlight, seconds, TimeUnit.SECONDS)) {
      return false;
    }
    slots.release(inFlight);
    return true;
  }

  /** Percentile {@code p} of the round trips in ms (NaN: none). */
  double roundTripMs(double p) {
    return roundTrip.getTotalCount() == 0 ? Double.NaN : roundTrip.getValueAtPercentile(p) / 1e6;
  }

  @Override
  public void close() {
    http.shutdownNow(); // requests still unanswered after awaitAnswers are given up
    http.close();
  }
}
