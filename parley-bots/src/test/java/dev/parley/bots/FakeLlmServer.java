package dev.parley.bots;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.parley.protocol.openai.ChatCompletions;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * A stand-in for an OpenAI-compatible chat-completions endpoint, inside the test suite, speaking
 * the real streaming format: {@code text/event-stream} with {@code data: {json}} chunks and {@code
 * data: [DONE]}. Its {@link Mode} makes it slow, fail mid-stream, stall, cut the connection or
 * answer HTTP 500. Thread-safe.
 */
public final class FakeLlmServer implements AutoCloseable {
  /**
   * How the next answers behave: {@code STALL} hangs after three chunks, {@code SILENT} right after
   * the headers (not even a comment), {@code STEP} writes each chunk only when the test calls
   * {@link #step()}; the others finish or fail as named ({@code HTTP_400}: an error that says
   * nothing of images).
   */
  public enum Mode {
    NORMAL,
    ERROR_MID_STREAM,
    STALL,
    CUT,
    HTTP_500,
    HTTP_400,
    SILENT,
    STEP
  }

  private final HttpServer server;
  private final CountDownLatch released = new CountDownLatch(1);

  /** Chunks a {@code STEP} answer may write. */
  private final Semaphore steps = new Semaphore(0);

  private volatile Mode mode = Mode.NORMAL;
  private volatile String answer =
      "Parley keeps every message: each gets a sequence number when it is stored.";
  private volatile Duration pause = Duration.ZERO;

  /** Whether a request with an image part gets HTTP 400 (a model without image input). */
  private volatile boolean refuseImages;

  /**
   * The 400 a model without image input answers: OpenAI's error shape, in the words such servers
   * use.
   */
  public static final String IMAGES_REFUSED =
      "{\"error\":{\"message\":\"Invalid content type. image_url is only supported by certain"
          + " models.\",\"type\":\"invalid_request_error\",\"param\":\"messages.[1].content.[1].type\","
          + "\"code\":null}}";

  /** Request bodies and Authorization headers received, in order. */
  public final List<byte[]> bodies = new CopyOnWriteArrayList<>();

  public final List<String> authorizations = new CopyOnWriteArrayList<>();

  public FakeLlmServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/v1/chat/completions", this::handle);
    server.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  public FakeLlmServer mode(Mode m) {
    mode = m;
    return this;
  }

  public FakeLlmServer answer(String a) {
    answer = a;
    return this;
  }

  /**
   * Answers a request that carries an image part ({@code image_url}) with HTTP 400 {@link
   * #IMAGES_REFUSED}, as a model without image input does; others as usual.
   */
  public FakeLlmServer refuseImages(boolean on) {
    refuseImages = on;
    return this;
  }

  /** Pause between chunks (a slow model). */
  public FakeLlmServer pause(Duration d) {
    pause = d;
    return this;
  }

  /** Lets a {@code STEP} answer write its next chunk. */
  public void step() {
    steps.release();
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    bodies.add(body);
    authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
    Mode m = mode;
    if (m == Mode.HTTP_500) {
      fail(ex, 500, "{\"error\":{\"message\":\"internal\"}}");
      return;
    }
    if (m == Mode.HTTP_400) {
      fail(ex, 400, "{\"error\":{\"message\":\"max_tokens is too large\"}}");
      return;
    }
    if (refuseImages
        && ChatCompletions.messagesOf(body).stream().anyMatch(x -> !x.images().isEmpty())) {
      fail(ex, 400, IMAGES_REFUSED);
      return;
    }
    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    String[] words = answer.split("(?<= )");
    try {
      if (m == Mode.SILENT) {
        released.await(); // headers only, then nothing, until the test ends
        ex.close();
        return;
      }
      out.write(": keep-alive comment\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      for (int i = 0; i < words.length; i++) {
        if (m == Mode.STEP) {
          steps.acquire();
        }
        if (i == 3 && m != Mode.NORMAL) {
          switch (m) {
            case ERROR_MID_STREAM -> {
              write(out, "{\"error\":{\"message\":\"model overloaded\"}}");
              ex.close();
              return;
            }
            case STALL -> {
              released.await(); // hang, holding the connection open, until the test ends
              ex.close();
              return;
            }
            case CUT -> {
              ex.close();
              return;
            }
            default -> {}
          }
        }
        write(out, ChatCompletions.chunk(words[i], null));
        if (!pause.isZero()) {
          Thread.sleep(pause); // a slow model's pace, not test synchronisation
        }
      }
      write(out, ChatCompletions.chunk("", "stop"));
      out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException clientWentAway) {
      // the bot gave up on us (stopped or timed out)
    }
    ex.close();
  }

  private static void fail(HttpExchange ex, int status, String json) throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  private static void write(OutputStream out, String json) throws IOException {
    out.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() {
    released.countDown();
    steps.release(1_000_000);
    server.stop(0);
  }
}
