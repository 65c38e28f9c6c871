package dev.parley.client;

import dev.parley.protocol.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The server API for an application's backend ({@code docs/PROTOCOL.md#server-api}): publish into
 * channels, broadcast, read presence and history, disconnect a user, with an API key made by an
 * admin. A few lines to use:
 *
 * <pre>{@code
 * var api = ParleyServerApi.of(URI.create("https://chat.example.com"), System.getenv("PARLEY_KEY"));
 * long seq = api.publish("news:today", "Doors open at nine", "order-42").seq();
 * }</pre>
 *
 * <p>A refusal throws {@link ParleyException} with the API's error code ({@code
 * forbidden_namespace}, {@code idempotency_key_reused}, …; {@code store_unavailable} and {@code
 * shutting_down} may be sent again unchanged, with the same idempotency key). Thread-safe; every
 * call blocks its caller until the answer (at most {@link #TIMEOUT}).
 */
public final class ParleyServerApi {
  /** How long a call waits for its answer. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** A publication: where it went and its position there. */
  public record Published(String channel, long seq, String id) {}

  /**
   * One channel of a broadcast: published ({@code seq}, {@code id}) or refused ({@code error},
   * {@code message}).
   */
  public record ChannelResult(String channel, Long seq, String id, String error, String message) {
    public boolean ok() {
      return error == null;
    }
  }

  /** Who is present in a channel: the count and the first users. */
  public record Presence(String channel, int count, List<String> users) {}

  /** A stored message of a channel. */
  public record Message(long seq, String id, String from, String kind, String text, long ts) {}

  /**
   * A page of a channel's history; {@code more} when messages follow. {@code epoch}: an ephemeral
   * channel's, which its seqs belong to (null for a durable one).
   */
  public record History(String channel, List<Message> messages, boolean more, String epoch) {}

  private record PublishBody(String channel, String data, String idempotencyKey) {}

  private record BroadcastBody(List<String> channels, String data, String idempotencyKey) {}

  private record Results(List<ChannelResult> results) {}

  private record Refusal(String error, String message) {}

  private final URI base;
  private final String key;
  private final HttpClient http;

  private ParleyServerApi(URI base, String key, HttpClient http) {
    this.base = base;
    this.key = key;
    this.http = http;
  }

  /**
   * The API of the server at {@code base} (e.g. {@code https://chat.example.com}) with {@code key}.
   */
  public static ParleyServerApi of(URI base, String key) {
    return new ParleyServerApi(
        base, key, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
  }

  /** Publishes {@code data} into {@code channel}. */
  public Published publish(String channel, String data) {
    return publish(channel, data, null);
  }

  /**
   * Publishes {@code data} into {@code channel}; sent again with the same {@code idempotencyKey}
   * (or null for none), it answers the first publication and stores nothing new.
   */
  public Published publish(String channel, String data, String idempotencyKey) {
    return call(
        "POST", "/api/v1/publish", new PublishBody(channel, data, idempotencyKey), Published.class);
  }

  /** Publishes {@code data} into each of {@code channels} (at most 1,000): a result per channel. */
  public List<ChannelResult> broadcast(List<String> channels, String data, String idempotencyKey) {
    return call(
            "POST",
            "/api/v1/broadcast",
            new BroadcastBody(channels, data, idempotencyKey),
            Results.class)
        .results();
  }

  /** Who is present in {@code channel}, on every node: the count and the first 100 users. */
  public Presence presence(String channel) {
    return call("GET", "/api/v1/channels/" + path(channel) + "/presence", null, Presence.class);
  }

  /** At most {@code limit} (1-100) of {@code channel}'s messages after seq {@code since}. */
  public History history(String channel, long since, int limit) {
    return call(
        "GET",
        "/api/v1/channels/" + path(channel) + "/history?since=" + since + "&limit=" + limit,
        null,
        History.class);
  }

  /** Closes every connection of {@code user}, on every node (close code 4409). */
  public void disconnect(String user) {
    call("POST", "/api/v1/users/" + path(user) + "/disconnect", null, Object.class);
  }

  private <T> T call(String method, String path, Object body, Class<T> type) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + key);
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.write(body)));
    }
    HttpResponse<byte[]> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new ParleyException("unreachable", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ParleyException("interrupted", "the call was interrupted");
    }
    if (r.statusCode() != 200) {
      Refusal refusal;
      try {
        refusal = Json.read(r.body(), Refusal.class);
      } catch (IllegalArgumentException notJson) {
        refusal = new Refusal("http_" + r.statusCode(), "HTTP " + r.statusCode());
      }
      throw new ParleyException(
          refusal.error() == null ? "http_" + r.statusCode() : refusal.error(), refusal.message());
    }
    return Json.read(r.body(), type);
  }

  private static String path(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
