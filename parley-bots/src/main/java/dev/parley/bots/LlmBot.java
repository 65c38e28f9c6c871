package dev.parley.bots;

import dev.parley.chat.AttachmentReader;
import dev.parley.chat.Bot;
import dev.parley.chat.ChatTexts;
import dev.parley.core.NodeClock;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.openai.ChatCompletions;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bot backed by any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM, llama.cpp
 * server), streaming the model's tokens as they arrive. The conversation so far and the best
 * passages of the site's knowledge (searched with the question and the visitor's last turns), each
 * with its title and document, go along as context ({@link LlmPrompt}), and the answer cites their
 * documents (one source each, best first; set when the model's first token arrives, so a fallback
 * cites nothing). When the search finds nothing at all, the model is not asked: the bot says it is
 * not sure and offers a human (an unsure answer for the handoff rule) instead of letting the model
 * invent one.
 *
 * <p>With {@link Config#imageInputs} on, the images of the question and of the earlier messages go
 * along as image parts ({@link ImageInputs}: the stored, re-encoded images, at most four). A model
 * that refuses them (HTTP 400 whose error speaks of images, vision, multimodal input or content,
 * {@link ChatCompletions#refusesImages}) is asked again at once without them; when that answer is
 * accepted, the bot logs a warning (once: this bot, made for one site's settings) and sends no more
 * images until the site's settings change.
 *
 * <p>Never a hung conversation: a watchdog ({@link AnswerWatch}) interrupts the answer when no
 * token comes within {@code firstTokenTimeout} of asking (reading the images included), when the
 * stream stalls for {@code stallTimeout}, or when the whole answer takes longer than {@code
 * totalTimeout}; it is the only time limit on an answer (only opening a connection is bounded, by
 * {@code firstTokenTimeout} on the real clock). Any non-blank line of the stream (a chunk, or a
 * comment a server sends while it thinks) is progress. Time-outs, stalls and upstream errors (HTTP
 * errors, an error in the stream, a cut connection) end with a polite fallback and an offer of a
 * human.
 *
 * <p>Thread-safe: each answer runs on its caller's (virtual) thread, where it may block (reading
 * files, HTTP); its watchdog's checks run on the clock's timer thread.
 */
public final class LlmBot implements Bot, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LlmBot.class);

  /** Said when nothing came from the model. */
  public static final String FALLBACK = ChatTexts.get().text(null, "bot.unavailable");

  /** Added when the model stopped in the middle of an answer. */
  public static final String CUT_OFF = " " + ChatTexts.get().text(null, "bot.cutOff");

  /** How often the watchdog looks at an answer: the time-outs are kept to within this. */
  static final Duration CHECK_EVERY = AnswerWatch.CHECK_EVERY;

  /** The most bytes of an HTTP error's body read, to tell a refusal of images. */
  static final int MAX_ERROR_BODY = 16 * 1024;

  /**
   * Settings.
   *
   * @param baseUrl e.g. {@code https://api.openai.com/v1} or {@code http://localhost:11434/v1}
   * @param apiKey sent as a bearer token, or null
   * @param systemPrompt what the model is told before the site's passages, or null for the built-in
   *     instructions (answer briefly, only from the passages, in the visitor's language)
   * @param temperature sampling temperature (0.3 unless a site says otherwise)
   * @param maxTokens the answer's length limit, or null for the model's own
   * @param imageInputs whether attached images are sent as image parts (only for a model that
   *     accepts image input)
   */
  public record Config(
      String baseUrl,
      String model,
      String apiKey,
      Duration firstTokenTimeout,
      Duration stallTimeout,
      Duration totalTimeout,
      int contextPassages,
      String systemPrompt,
      double temperature,
      Integer maxTokens,
      boolean imageInputs) {

    /** Settings without image inputs. */
    public Config(
        String baseUrl,
        String model,
        String apiKey,
        Duration firstTokenTimeout,
        Duration stallTimeout,
        Duration totalTimeout,
        int contextPassages,
        String systemPrompt,
        double temperature,
        Integer maxTokens) {
      this(
          baseUrl,
          model,
          apiKey,
          firstTokenTimeout,
          stallTimeout,
          totalTimeout,
          contextPassages,
          systemPrompt,
          temperature,
          maxTokens,
          false);
    }

    /** The deployment's settings, with the built-in prompt and temperature, no image inputs. */
    public Config(
        String baseUrl,
        String model,
        String apiKey,
        Duration firstTokenTimeout,
        Duration stallTimeout,
        Duration totalTimeout,
        int contextPassages) {
      this(
          baseUrl,
          model,
          apiKey,
          firstTokenTimeout,
          stallTimeout,
          totalTimeout,
          contextPassages,
          null,
          0.3,
          null);
    }

    /** These settings with image inputs on or off. */
    public Config withImageInputs(boolean on) {
      return new Config(
          baseUrl,
          model,
          apiKey,
          firstTokenTimeout,
          stallTimeout,
          totalTimeout,
          contextPassages,
          systemPrompt,
          temperature,
          maxTokens,
          on);
    }

    @Override
    public String toString() {
      return "LlmBot.Config[" + baseUrl + ", " + model + "]"; // never prints the key
    }
  }

  /** The model answered HTTP 400 to a request with images, naming what it cannot read. */
  private static final class ImagesRefused extends IOException {
    private static final long serialVersionUID = 1L;

    ImagesRefused(String body) {
      super("HTTP 400: " + (body.length() > 300 ? body.substring(0, 300) + "…" : body));
    }
  }

  private final Config config;
  private final Knowledge kb;
  private final HttpClient http;
  private final NodeClock clock;
  private final ImageInputs images;

  /** The model refused images and answered without: none are sent any more. */
  private final AtomicBoolean imagesRefused = new AtomicBoolean();

  /** Whether {@link #close} closes {@link #clock}: only one this bot made itself. */
  private final boolean ownsClock;

  /**
   * A bot whose watchdog runs on a clock of its own (a timer thread {@code parley-llm-watchdog}),
   * reading no files.
   */
  public LlmBot(Config config, Knowledge kb) {
    this(config, kb, NodeClock.system("parley-llm-watchdog"), true, AttachmentReader.NONE);
  }

  /** A bot on {@code clock} that reads no files (its model sees no images). */
  public LlmBot(Config config, Knowledge kb, NodeClock clock) {
    this(config, kb, clock, false, AttachmentReader.NONE);
  }

  /**
   * A bot whose watchdog reads the time from {@code clock} and runs its checks on that clock's
   * timer (a server passes its node's clock; a test a manual one), and that reads attached images
   * through {@code files}. {@link #close} leaves the clock open: it is the caller's.
   */
  public LlmBot(Config config, Knowledge kb, NodeClock clock, AttachmentReader files) {
    this(config, kb, clock, false, files);
  }

  private LlmBot(
      Config config, Knowledge kb, NodeClock clock, boolean ownsClock, AttachmentReader files) {
    this.config = config;
    this.kb = kb;
    this.clock = clock;
    this.ownsClock = ownsClock;
    this.images = new ImageInputs(files);
    this.http = HttpClient.newBuilder().connectTimeout(config.firstTokenTimeout()).build();
  }

  @Override
  public Result answer(Question q, AnswerSink sink) throws InterruptedException {
    List<Knowledge.Hit> passages = Retrieval.search(kb, q, config.contextPassages());
    if (passages.isEmpty()) {
      // Nothing in the site's knowledge: say so rather than let the model invent an answer.
      KnowledgeBaseBot.stream(KnowledgeBaseBot.notSure(q.lang()), sink, Duration.ZERO);
      return new Result(0.0, true);
    }
    AnswerWatch watch = new AnswerWatch(clock, config, sink);
    try {
      List<ChatCompletions.Message> messages = messages(q, passages);
      try {
        return stream(messages, passages, watch, sink, () -> {});
      } catch (ImagesRefused refused) {
        List<ChatCompletions.Message> plain =
            messages.stream().map(ChatCompletions.Message::textOnly).toList();
        return stream(plain, passages, watch, sink, () -> imagesRefused(q, refused));
      }
    } catch (IOException | InterruptedException | ProtocolException e) {
      if (sink.cancelled()) {
        return new Result(1.0, false);
      }
      watch.end();
      Thread.interrupted(); // clear a watchdog interrupt before saying the fallback
      log.warn(
          "LLM answer failed after {} ms ({}): {}",
          watch.elapsedMillis(),
          watch.reason() == null ? "upstream" : watch.reason(),
          e.toString());
      sink.delta(
          watch.gotToken()
              ? " " + ChatTexts.get().text(q.lang(), "bot.cutOff")
              : ChatTexts.get().text(q.lang(), "bot.unavailable"));
      return new Result(0.0, true);
    } finally {
      watch.end();
      Thread.interrupted(); // no interrupt lands after end(): clear one that came before
    }
  }

  /** The request's messages: with image parts when this bot sends images. */
  List<ChatCompletions.Message> messages(Question q, List<Knowledge.Hit> passages)
      throws InterruptedException {
    Map<String, ChatCompletions.Image> parts =
        config.imageInputs() && !imagesRefused.get() ? images.of(q) : Map.of();
    return LlmPrompt.messages(q, config.systemPrompt(), passages, parts);
  }

  private void imagesRefused(Question q, ImagesRefused refused) {
    if (imagesRefused.compareAndSet(false, true)) {
      log.warn(
          "site {}: model {} refused image input and answered without it; no more images are sent "
              + "until the site's settings change (turn bot.llm.imageInputs off, or pick a model "
              + "that accepts images): {}",
          q.site().id(),
          config.model(),
          refused.getMessage());
    }
  }

  /**
   * Asks the model and streams its answer into {@code sink}; {@code accepted} runs when the model
   * answered HTTP 200.
   *
   * @throws ImagesRefused when the request had images and the model refused them
   */
  private Result stream(
      List<ChatCompletions.Message> messages,
      List<Knowledge.Hit> passages,
      AnswerWatch watch,
      AnswerSink sink,
      Runnable accepted)
      throws IOException, InterruptedException {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(config.baseUrl() + "/chat/completions"))
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream")
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(
                    ChatCompletions.request(
                        config.model(), messages, config.temperature(), config.maxTokens())));
    if (config.apiKey() != null && !config.apiKey().isBlank()) {
      req.header("Authorization", "Bearer " + config.apiKey());
    }
    HttpResponse<InputStream> res =
        http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = res.body();
        BufferedReader lines =
            new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      if (res.statusCode() != 200) {
        if (res.statusCode() == 400 && messages.stream().anyMatch(m -> !m.images().isEmpty())) {
          String error =
              new String(body.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8).strip();
          if (ChatCompletions.refusesImages(error)) {
            throw new ImagesRefused(error);
          }
        }
        throw new IOException("upstream answered HTTP " + res.statusCode());
      }
      accepted.run();
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (!line.isBlank()) {
          watch.progress(); // a blank line only ends the event just read
        }
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
          if (!watch.gotToken()) {
            // The model answers: cite what it was given (a fallback cites nothing).
            sink.cite(Citations.of(passages));
          }
          watch.token();
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
  }

  @Override
  public void close() {
    if (ownsClock) {
      clock.close();
    }
    http.close();
  }
}
