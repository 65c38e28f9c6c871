package dev.parley.bots;

import dev.parley.chat.Bot;
import dev.parley.protocol.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bot that lives elsewhere: each visitor message is POSTed as a JSON event to a configured URL,
 * signed {@code X-Parley-Signature: sha256=<hex HMAC-SHA256 of the body>} with a shared secret,
 * and retried with backoff when the receiver fails. The external bot answers later through the
 * REST API ({@code POST /api/conversations/{id}/messages}, signed the same way).
 *
 * <p>Thread-safe. Delivery runs on the turn's virtual thread; nothing streams back through the
 * turn itself.
 */
public final class WebhookBot implements Bot, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookBot.class);

  /** Settings: where, the shared secret, how many attempts, the first backoff (doubling). */
  public record Config(String url, String secret, int attempts, Duration firstBackoff, Duration timeout) {}

  /** The JSON body POSTed for a visitor message. */
  public record Event(String event, String delivery, String site, String conversation, String text, long ts) {}

  private final Config config;
  private final HttpClient http;

  public WebhookBot(Config config) {
    this.config = config;
    this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
  }

  /** {@code sha256=<hex>} of {@code body} under {@code secret}. */
  public static String signature(byte[] body, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code header} is the signature of {@code body}, compared in constant time. */
  public static boolean verify(byte[] body, String header, String secret) {
    return header != null && MessageDigest.isEqual(signature(body, secret).getBytes(StandardCharsets.US_ASCII),
        header.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public Result answer(Question q, AnswerSink sink) throws InterruptedException {
    byte[] body = Json.write(new Event("message", UUID.randomUUID().toString(), q.site().id(), q.conversation(),
        q.text(), System.currentTimeMillis()));
    HttpRequest req = HttpRequest.newBuilder(URI.create(config.url()))
        .timeout(config.timeout())
        .header("Content-Type", "application/json")
        .header("X-Parley-Signature", signature(body, config.secret()))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    Duration backoff = config.firstBackoff();
    for (int attempt = 1; attempt <= config.attempts(); attempt++) {
      try {
        int status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status / 100 == 2) {
          return new Result(1.0, false);
        }
        if (status / 100 == 4) {
          log.warn("webhook refused the event with HTTP {}; not retrying", status);
          break;
        }
        log.warn("webhook answered HTTP {} (attempt {}/{})", status, attempt, config.attempts());
      } catch (IOException e) {
        log.warn("webhook unreachable (attempt {}/{}): {}", attempt, config.attempts(), e.toString());
      }
      if (attempt < config.attempts()) {
        Thread.sleep(backoff); // the retry's backoff, on this turn's own virtual thread
        backoff = backoff.multipliedBy(2);
      }
    }
    sink.delta("Sorry, our assistant is unavailable right now. Would you like to talk to a human?");
    return new Result(0.0, true);
  }

  @Override
  public void close() {
    http.close();
  }

}
