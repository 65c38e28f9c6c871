package dev.parley.bots;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.parley.protocol.http.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A stand-in for an OpenAI-compatible {@code POST /v1/audio/speech}, inside the test suite: it
 * reads the real JSON body ({@code model}, {@code input}, {@code voice}, {@code response_format}),
 * answers HTTP 400 with OpenAI's error JSON when one of the first three is missing or the format is
 * not {@code mp3} or {@code opus}, and otherwise the audio itself — a real MP3 ({@code audio/mpeg})
 * or Ogg Opus ({@code audio/ogg}) stream of silence made by {@link TestAudio}. Its {@link Mode}
 * makes it fail, hang, answer JSON with status 200, or answer too much. Thread-safe.
 */
public final class FakeSpeechServer implements AutoCloseable {
  /** How the next answers behave. */
  public enum Mode {
    NORMAL,
    HTTP_500,
    HTTP_401,
    NOT_AUDIO,
    HUGE,
    HANG
  }

  /** One request as received: its JSON body's fields, and its Authorization header. */
  public record Received(
      String model, String input, String voice, String format, String authorization) {}

  private final HttpServer server;
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile Mode mode = Mode.NORMAL;

  /** How many bytes a {@link Mode#HUGE} answer has. */
  private volatile int hugeBytes = 2 * 1024 * 1024;

  /** The requests received, in order. */
  public final List<Received> received = new CopyOnWriteArrayList<>();

  public FakeSpeechServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/v1/audio/speech", this::handle);
    server.start();
  }

  /** The base URL to configure ({@code http://127.0.0.1:<port>}, without {@code /v1}). */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public void mode(Mode m) {
    this.mode = m;
  }

  /** The size of a {@link Mode#HUGE} answer. */
  public void hugeBytes(int n) {
    this.hugeBytes = n;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      String type = ex.getRequestHeaders().getFirst("Content-Type");
      Map<?, ?> n;
      try {
        n = Json.read(body, Map.class);
      } catch (IllegalArgumentException e) {
        n = null;
      }
      if (!"POST".equals(ex.getRequestMethod())
          || type == null
          || !type.startsWith("application/json")
          || n == null) {
        answer(ex, 400, "application/json", error("expected a JSON body"));
        return;
      }
      Received r =
          new Received(
              text(n, "model"),
              text(n, "input"),
              text(n, "voice"),
              n.get("response_format") instanceof String f ? f : "mp3",
              ex.getRequestHeaders().getFirst("Authorization"));
      received.add(r);
      if (r.model() == null || r.input() == null || r.voice() == null) {
        answer(ex, 400, "application/json", error("model, input and voice are required"));
        return;
      }
      if (!r.format().equals("mp3") && !r.format().equals("opus")) {
        answer(ex, 400, "application/json", error("unsupported response_format"));
        return;
      }
      boolean opus = r.format().equals("opus");
      switch (mode) {
        case HTTP_500 -> answer(ex, 500, "application/json", error("model crashed"));
        case HTTP_401 -> answer(ex, 401, "application/json", error("invalid api key"));
        case NOT_AUDIO -> answer(ex, 200, "audio/mpeg", error("not audio at all"));
        case HUGE ->
            answer(ex, 200, "audio/mpeg", TestAudio.mp3(hugeBytes / TestAudio.MP3_FRAME_BYTES + 1));
        case HANG -> {
          released.await();
          answer(ex, 200, "audio/mpeg", TestAudio.mp3(4));
        }
        case NORMAL ->
            answer(
                ex,
                200,
                opus ? "audio/ogg" : "audio/mpeg",
                // about one 26 ms MP3 frame (or 20 ms packet) per character, as speech is long
                opus
                    ? TestAudio.oggOpus(Math.min(200, r.input().length()))
                    : TestAudio.mp3(r.input().length()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String text(Map<?, ?> n, String field) {
    return n.get(field) instanceof String s ? s : null;
  }

  private static byte[] error(String message) {
    return ("{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static void answer(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
  }
}
