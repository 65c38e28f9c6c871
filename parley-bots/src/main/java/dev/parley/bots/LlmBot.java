package dev.parley.bots;

import dev.parley.chat.Bot;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.openai.ChatCompletions;
import dev.parley.protocol.ProtocolException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bot backed by any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM,
 * llama.cpp server), streaming the model's tokens as they arrive. The conversation so far and the
 * best knowledge-base passages go along as context.
 *
 * <p>Never a hung conversation: a watchdog interrupts the request when no token comes within
 * {@code firstTokenTimeout} of sending, when the stream stalls for {@code stallTimeout}, or when
 * the whole answer takes longer than {@code totalTimeout}. Time-outs, stalls and upstream errors
 * (HTTP errors, an error in the stream, a cut connection) end with a polite fallback and an offer
 * of a human.
 *
 * <p>Thread-safe: each answer runs on its caller's (virtual) thread; the watchdog is shared.
 */
public final class LlmBot implements Bot, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LlmBot.class);

  /** Said when nothing came from the model. */
  public static final String FALLBACK =
      "Sorry, I can't answer right now. Would you like to talk to a human? Press \"Talk to a human\".";

  /** Added when the model stopped in the middle of an answer. */
  public static final String CUT_OFF = " … Sorry, I was cut off. Would you like to talk to a human?";

  /**
   * Settings.
   *
   * @param baseUrl e.g. {@code https://api.openai.com/v1} or {@code http://localhost:11434/v1}
   * @param apiKey sent as a bearer token, or null
   */
  public record Config(String baseUrl, String model, String apiKey, Duration firstTokenTimeout,
      Duration stallTimeout, Duration totalTimeout, int contextPassages) {}

  private final Config config;
  private final KnowledgeBase kb;
  private final HttpClient http;
  private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "parley-llm-watchdog");
    t.setDaemon(true);
    return t;
  });

  public LlmBot(Config config, KnowledgeBase kb) {
    this.config = config;
    this.kb = kb;
    this.http = HttpClient.newBuilder().connectTimeout(config.firstTokenTimeout()).build();
  }

  @Override
  public Result answer(Question q, AnswerSink sink) {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(config.baseUrl() + "/chat/completions"))
        .header("Content-Type", "application/json")
        .header("Accept", "text/event-stream")
        .timeout(config.totalTimeout())
        .POST(HttpRequest.BodyPublishers.ofByteArray(ChatCompletions.request(config.model(), messages(q), 0.3)));
    if (config.apiKey() != null && !config.apiKey().isBlank()) {
      req.header("Authorization", "Bearer " + config.apiKey());
    }
    Thread me = Thread.currentThread();
    long start = System.nanoTime();
    long[] lastProgress = {start};
    boolean[] gotToken = {false};
    ScheduledFuture<?> dog = watchdog.scheduleAtFixedRate(() -> {
      long now = System.nanoTime();
      long limit = gotToken[0] ? config.stallTimeout().toNanos() : config.firstTokenTimeout().toNanos();
      if (now - lastProgress[0] > limit || now - start > config.totalTimeout().toNanos() || sink.cancelled()) {
        me.interrupt();
      }
    }, 50, 50, TimeUnit.MILLISECONDS);
    boolean said = false;
    try {
      HttpResponse<InputStream> res = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = res.body();
          BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        if (res.statusCode() != 200) {
          throw new IOException("upstream answered HTTP " + res.statusCode());
        }
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          lastProgress[0] = System.nanoTime();
          if (!line.startsWith("data:")) {
            continue; // comments, event names, blank separators
          }
          String data = line.substring(5).strip();
          if (data.equals("[DONE]")) {
            return new Result(1.0, false);
          }
          ChatCompletions.Chunk chunk = ChatCompletions.parse(data);
          if (chunk.error() != null) {
            throw new IOException("upstream error in the stream: " + chunk.error());
          }
          if (!chunk.content().isEmpty()) {
            gotToken[0] = true;
            said = true;
            if (!sink.delta(chunk.content())) {
              return new Result(1.0, false); // stopped: refuse the rest
            }
          }
          if (chunk.finishReason() != null && !chunk.finishReason().equals("null")) {
            return new Result(1.0, false);
          }
        }
        throw new IOException("upstream closed the stream before [DONE]");
      }
    } catch (IOException | InterruptedException | ProtocolException e) {
      if (sink.cancelled()) {
        return new Result(1.0, false);
      }
      log.warn("LLM answer failed after {} ms: {}", (System.nanoTime() - start) / 1_000_000, e.toString());
      Thread.interrupted(); // clear a watchdog interrupt before saying the fallback
      sink.delta(said ? CUT_OFF : FALLBACK);
      return new Result(0.0, true);
    } finally {
      dog.cancel(false);
      Thread.interrupted();
    }
  }

  /** System prompt with knowledge-base passages, then the conversation, then the question. */
  List<ChatCompletions.Message> messages(Question q) {
    StringBuilder system = new StringBuilder()
        .append("You are ").append(q.site().botName()).append(", the assistant of ").append(q.site().name())
        .append(". Answer briefly and only from the context below. If the context does not answer the question, ")
        .append("say you are not sure and offer to connect the visitor with a human.\n\nContext:\n");
    for (KnowledgeBase.Section s : kb.top(q.text(), config.contextPassages())) {
      system.append("## ").append(s.title()).append('\n').append(s.body()).append("\n\n");
    }
    List<ChatCompletions.Message> out = new ArrayList<>();
    out.add(new ChatCompletions.Message("system", system.toString()));
    for (StoredMessage m : q.history()) {
      switch (m.kind()) {
        case "text" -> out.add(new ChatCompletions.Message("user", m.text()));
        case "bot" -> out.add(new ChatCompletions.Message("assistant", m.text()));
        default -> { } // system messages are for people
      }
    }
    out.add(new ChatCompletions.Message("user", q.text()));
    return out;
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
    http.close();
  }
}
