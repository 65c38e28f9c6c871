package dev.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * What the channel scenarios need from a Parley server the bench started, set up as an operator
 * would (docs/OPERATIONS.md#channel-namespaces, docs/PROTOCOL.md#server-api): logs in as the sites
 * file's admin ({@link Target#ADMIN}, a {@code hello} with its password), puts the bench's channel
 * namespaces through the admin API ({@code PUT /api/admin/namespaces/{name}}: created, or replaced
 * by the same) and makes a server API key for them ({@code POST /api/admin/api-keys}). Each call
 * blocks its caller, the bench's main thread; stateless.
 */
final class ChannelAdmin {
  /**
   * Ephemeral (nothing stored, a window of 100 per channel), presence off; anyone joins and sends.
   */
  static final String LIVE = "benchlive";

  /** Durable, presence off; anyone joins, only the server API publishes: notifications. */
  static final String NOTIFY = "benchnotify";

  /** The namespaces, as the admin API's bodies. */
  private static final Map<String, String> NAMESPACES = new LinkedHashMap<>();

  static {
    NAMESPACES.put(
        LIVE,
        "{\"subscribe\":\"anonymous\",\"publish\":\"anonymous\",\"presence\":false,"
            + "\"joinLeaveEvents\":false,\"durability\":\"ephemeral\"}");
    NAMESPACES.put(
        NOTIFY,
        "{\"subscribe\":\"anonymous\",\"publish\":\"server\",\"presence\":false,"
            + "\"joinLeaveEvents\":false}");
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private ChannelAdmin() {}

  /**
   * Puts the namespaces on {@code t} and returns a new server API key for them ({@code pk_…}).
   *
   * @throws IOException naming the request the server refused, with its answer
   */
  static String setUp(Target t) throws Exception {
    String token = login(t.ws);
    URI base = t.http();
    try (HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build()) {
      for (var ns : NAMESPACES.entrySet()) {
        call(http, base, "PUT", "/api/admin/namespaces/" + ns.getKey(), token, ns.getValue());
      }
      String key =
          call(
              http,
              base,
              "POST",
              "/api/admin/api-keys",
              token,
              "{\"name\":\"bench\",\"namespaces\":[\"" + LIVE + "\",\"" + NOTIFY + "\"]}");
      return JSON.readTree(key).get("key").asText();
    }
  }

  /** Sends one admin request; returns the body of a 2xx answer. */
  private static String call(
      HttpClient http, URI base, String method, String path, String token, String body)
      throws IOException, InterruptedException {
    HttpResponse<String> res =
        http.send(
            HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() / 100 != 2) {
      throw new IOException(
          method + " " + path + " answered " + res.statusCode() + ": " + res.body());
    }
    return res.body();
  }

  /** The admin's token: the {@code welcome} to a {@code hello} with user and password. */
  private static String login(URI ws) throws Exception {
    CompletableFuture<String> token = new CompletableFuture<>();
    try (HttpClient http = HttpClient.newHttpClient()) {
      WebSocket socket =
          http.newWebSocketBuilder().buildAsync(ws, new Welcome(token)).get(10, TimeUnit.SECONDS);
      String hello =
          JSON.createObjectNode()
              .put("type", "hello")
              .put("user", Target.ADMIN)
              .put("password", Target.ADMIN_PASSWORD)
              .toString();
      try {
        socket.sendText(hello, true).get(10, TimeUnit.SECONDS);
        return token.get(30, TimeUnit.SECONDS);
      } finally {
        socket.abort();
      }
    }
  }

  /** Completes with the token of the first {@code welcome}; fails at an {@code error}. */
  private static final class Welcome implements WebSocket.Listener {
    private final CompletableFuture<String> token;

    /** The frame read so far; only the WebSocket's listener thread touches it, one at a time. */
    private final StringBuilder partial = new StringBuilder();

    Welcome(CompletableFuture<String> token) {
      this.token = token;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          JsonNode f = JSON.readTree(partial.toString());
          switch (f.path("type").asText()) {
            case "welcome" -> token.complete(f.path("token").asText());
            case "error" -> token.completeExceptionally(new IOException("admin login: " + f));
            default -> {}
          }
        } catch (IOException e) {
          token.completeExceptionally(e);
        }
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      token.completeExceptionally(
          new IOException("admin login: the server closed with " + status + " " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      token.completeExceptionally(new IOException("admin login: " + error, error));
    }
  }
}
