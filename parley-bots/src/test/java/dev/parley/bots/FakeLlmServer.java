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
   * {@link #step()}; the others finish or fail as named.
   */
  public enum Mode {
    NORMAL,
    ERROR_MID_STREAM,
    STALL,
    CUT,
    HTTP_500,
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
    bodies.add(ex.getRequestBody().readAllBytes());
    authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
    Mode m = mode;
    if (m == Mode.HTTP_500) {
      byte[] b = "{\"error\":{\"message\":\"internal\"}}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(500, b.length);
      ex.getResponseBody().write(b);
      ex.close();
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
