package dev.parley.bots;

import dev.parley.chat.Bot;
import dev.parley.chat.ChatTexts;
import dev.parley.chat.FileLinker;
import dev.parley.protocol.MessageMeta;
import dev.parley.protocol.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bot that lives elsewhere: each visitor message is POSTed as a JSON event to a configured URL,
 * with an {@code X-Parley-Delivery} id and signed ({@link WebhookSignature}, direction {@code
 * to-bot}) with the shared secret, and retried with backoff when the receiver fails (same delivery
 * id, fresh signature). The external bot answers later through the REST API ({@code POST
 * /api/conversations/{id}/messages}, signed the same way in direction {@code to-parley}). A
 * message's attachments come with signed download links, paths on this server valid for 15 minutes.
 *
 * <p>Thread-safe. Delivery runs on the turn's virtual thread; nothing streams back through the turn
 * itself.
 */
public final class WebhookBot implements Bot, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookBot.class);

  /** Settings: where, the shared secret, how many attempts, the first backoff (doubling). */
  public record Config(
      String url, String secret, int attempts, Duration firstBackoff, Duration timeout) {}

  /**
   * The JSON body POSTed for a visitor message; {@code attachments} describes its files with signed
   * links ({@link FileLinker#describe}); null (left out) when none.
   */
  public record Event(
      String event,
      String delivery,
      String site,
      String conversation,
      String text,
      long ts,
      List<Map<String, Object>> attachments) {}

  private final Config config;
  private final HttpClient http;
  private final WebhookSignature signer;
  private final Clock clock;
  private final FileLinker links;

  public WebhookBot(Config config) {
    this(config, Clock.systemUTC(), FileLinker.NONE);
  }

  /**
   * @param clock stamps events and their signatures
   * @param links makes the signed links of a message's attachments
   */
  public WebhookBot(Config config, Clock clock, FileLinker links) {
    this.config = config;
    this.clock = clock;
    this.links = links;
    this.signer = WebhookSignature.of(config.secret(), WebhookSignature.Direction.TO_BOT);
    this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
  }

  @Override
  public Result answer(Question q, AnswerSink sink) throws InterruptedException {
    String delivery = UUID.randomUUID().toString();
    byte[] body =
        Json.write(
            new Event(
                "message",
                delivery,
                q.site().id(),
                q.conversation(),
                q.text(),
                clock.millis(),
                q.attachments().isEmpty()
                    ? null
                    : links.describe(MessageMeta.attaching(q.attachments()))));
    URI url = URI.create(config.url());
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    Duration backoff = config.firstBackoff();
    for (int attempt = 1; attempt <= config.attempts(); attempt++) {
      // Every attempt is signed anew (a fresh timestamp) under the same delivery id.
      HttpRequest req =
          HttpRequest.newBuilder(url)
              .timeout(config.timeout())
              .header("Content-Type", "application/json")
              .header("X-Parley-Delivery", delivery)
              .header(
                  "X-Parley-Signature",
                  signer.sign(clock.millis() / 1000, "POST", path, delivery, body))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
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
        log.warn(
            "webhook unreachable (attempt {}/{}): {}", attempt, config.attempts(), e.toString());
      }
      if (attempt < config.attempts()) {
        Thread.sleep(backoff); // the retry's backoff, on this turn's own virtual thread
        backoff = backoff.multipliedBy(2);
      }
    }
    sink.delta(ChatTexts.get().text(q.lang(), "bot.webhookDown"));
    return new Result(0.0, true);
  }

  @Override
  public void close() {
    http.close();
  }
}
