package dev.parley.bots;

import dev.parley.chat.Bot;
import dev.parley.chat.ChatTexts;
import dev.parley.core.NodeClock;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.MessageMeta;
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
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bot backed by any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM, llama.cpp
 * server), streaming the model's tokens as they arrive. The conversation so far and the best
 * passages of the site's knowledge (searched with the question and the visitor's last turns), each
 * with its title and document, go along as context, and the answer cites their documents (one
 * source each, best first; set when the model's first token arrives, so a fallback cites nothing).
 * When the search finds nothing at all, the model is not asked: the bot says it is not sure and
 * offers a human (an unsure answer for the handoff rule) instead of letting the model invent one.
 *
 * <p>Never a hung conversation: a watchdog ({@link Watch}) interrupts the request when no token
 * comes within {@code firstTokenTimeout} of sending, when the stream stalls for {@code
 * stallTimeout}, or when the whole answer takes longer than {@code totalTimeout}. It reads the time
 * from a {@link NodeClock} and looks every {@link #CHECK_EVERY} on that clock's timer, so tests
 * drive it with a manual clock; it is the only time limit on an answer (the request has none of its
 * own; only opening its connection is bounded, by {@code firstTokenTimeout} on the real clock). Any
 * non-blank line of the stream (a chunk, or a comment a server sends while it thinks) is progress.
 * Time-outs, stalls and upstream errors (HTTP errors, an error in the stream, a cut connection) end
 * with a polite fallback and an offer of a human.
 *
 * <p>Thread-safe: each answer runs on its caller's (virtual) thread; its watchdog's checks run on
 * the clock's timer thread.
 */
public final class LlmBot implements Bot, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LlmBot.class);

  /** Said when nothing came from the model. */
  public static final String FALLBACK = ChatTexts.get().text(null, "bot.unavailable");

  /** Added when the model stopped in the middle of an answer. */
  public static final String CUT_OFF = " " + ChatTexts.get().text(null, "bot.cutOff");

  /**
   * Settings.
   *
   * @param baseUrl e.g. {@code https://api.openai.com/v1} or {@code http://localhost:11434/v1}
   * @param apiKey sent as a bearer token, or null
   * @param systemPrompt what the model is told before the site's passages, or null for the built-in
   *     instructions (answer briefly, only from the passages, in the visitor's language)
   * @param temperature sampling temperature (0.3 unless a site says otherwise)
   * @param maxTokens the answer's length limit, or null for the model's own
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
      Integer maxTokens) {

    /** The deployment's settings, with the built-in prompt and temperature. */
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

    @Override
    public String toString() {
      return "LlmBot.Config[" + baseUrl + ", " + model + "]"; // never prints the key
    }
  }

  /** How often a watchdog looks at its answer: the time-outs are kept to within this. */
  static final Duration CHECK_EVERY = Duration.ofMillis(50);

  private final Config config;
  private final Knowledge kb;
  private final HttpClient http;
  private final NodeClock clock;

  /** Whether {@link #close} closes {@link #clock}: only one this bot made itself. */
  private final boolean ownsClock;

  /**
   * A bot whose watchdog runs on a clock of its own (a timer thread {@code parley-llm-watchdog}).
   */
  public LlmBot(Config config, Knowledge kb) {
    this(config, kb, NodeClock.system("parley-llm-watchdog"), true);
  }

  /**
   * A bot whose watchdog reads the time from {@code clock} and runs its checks on that clock's
   * timer (a server passes its node's clock; a test a manual one). {@link #close} leaves the clock
   * open: it is the caller's.
   */
  public LlmBot(Config config, Knowledge kb, NodeClock clock) {
    this(config, kb, clock, false);
  }

  private LlmBot(Config config, Knowledge kb, NodeClock clock, boolean ownsClock) {
    this.config = config;
    this.kb = kb;
    this.clock = clock;
    this.ownsClock = ownsClock;
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
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(config.baseUrl() + "/chat/completions"))
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream")
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(
                    ChatCompletions.request(
                        config.model(),
                        messages(q, passages),
                        config.temperature(),
                        config.maxTokens())));
    if (config.apiKey() != null && !config.apiKey().isBlank()) {
      req.header("Authorization", "Bearer " + config.apiKey());
    }
    Watch watch = new Watch(sink);
    boolean said = false;
    try {
      HttpResponse<InputStream> res =
          http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = res.body();
          BufferedReader lines =
              new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        if (res.statusCode() != 200) {
          throw new IOException("upstream answered HTTP " + res.statusCode());
        }
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
            watch.token();
            if (!said) {
              // The model answers: cite what it was given (a fallback cites nothing).
              sink.cite(Citations.of(passages));
            }
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
      watch.end();
      Thread.interrupted(); // clear a watchdog interrupt before saying the fallback
      log.warn(
          "LLM answer failed after {} ms ({}): {}",
          watch.elapsedMillis(),
          watch.reason() == null ? "upstream" : watch.reason(),
          e.toString());
      sink.delta(
          said
              ? " " + ChatTexts.get().text(q.lang(), "bot.cutOff")
              : ChatTexts.get().text(q.lang(), "bot.unavailable"));
      return new Result(0.0, true);
    } finally {
      watch.end();
      Thread.interrupted(); // no interrupt lands after end(): clear one that came before
    }
  }

  /** System prompt with the passages found, then the conversation, then the question. */
  List<ChatCompletions.Message> messages(Question q) {
    return messages(q, Retrieval.search(kb, q, config.contextPassages()));
  }

  private List<ChatCompletions.Message> messages(Question q, List<Knowledge.Hit> passages) {
    StringBuilder system = new StringBuilder();
    if (config.systemPrompt() != null) {
      system.append(config.systemPrompt()).append("\n\nContext:\n");
    } else {
      system
          .append("You are ")
          .append(q.site().botName())
          .append(", the assistant of ")
          .append(q.site().name())
          .append(
              ". Answer briefly, in the language of the visitor's question, and only from the context below. If ")
          .append(
              "the context does not answer the question, say you are not sure and offer to connect the visitor ")
          .append("with a human.\n\nContext:\n");
    }
    for (Knowledge.Hit h : passages) {
      Knowledge.Passage p = h.passage();
      system
          .append("## ")
          .append(p.title())
          .append(" (from \"")
          .append(p.document())
          .append("\")\n")
          .append(p.body())
          .append("\n\n");
    }
    List<ChatCompletions.Message> out = new ArrayList<>();
    out.add(new ChatCompletions.Message("system", system.toString()));
    for (StoredMessage m : q.history()) {
      switch (m.kind()) {
        // a voice note earlier in the conversation is its transcript, not an empty turn
        case "text" ->
            out.add(
                new ChatCompletions.Message(
                    "user",
                    userText(m.text(), m.meta() == null ? List.of() : m.meta().attachments())));
        case "bot" -> out.add(new ChatCompletions.Message("assistant", m.text()));
        default -> {} // system messages are for people
      }
    }
    out.add(new ChatCompletions.Message("user", userText(q)));
    return out;
  }

  /**
   * The visitor's words, then a line naming each file the message carries: the model sees no file,
   * but knows one was sent (a message of files only is not an empty question). A voice note's
   * transcript is what the visitor said: the question itself when the message has no text, else a
   * line of its own.
   */
  static String userText(Bot.Question q) {
    return userText(q.text(), q.attachments());
  }

  /** {@link #userText(Bot.Question)} of a visitor's message: its text and its files. */
  static String userText(String text, List<MessageMeta.Attachment> attachments) {
    StringBuilder b = new StringBuilder(text);
    for (MessageMeta.Attachment a : attachments) {
      String said = a.transcript() == null || a.transcript().isBlank() ? null : a.transcript();
      if (said != null && b.isEmpty()) {
        b.append(said);
        continue;
      }
      if (!b.isEmpty()) {
        b.append('\n');
      }
      if (said != null) {
        b.append("[the visitor sent a voice message: ").append(said).append(']');
        continue;
      }
      b.append("[the visitor attached a file: ")
          .append(a.name())
          .append(", ")
          .append(a.type())
          .append(']');
    }
    return b.toString();
  }

  @Override
  public void close() {
    if (ownsClock) {
      clock.close();
    }
    http.close();
  }

  /**
   * One answer's watchdog: every {@link #CHECK_EVERY} it interrupts the answering thread while the
   * first token is late ({@code firstTokenTimeout} since the last progress, before any token), the
   * stream has stalled ({@code stallTimeout} since the last progress, after a token), the whole
   * answer is late ({@code totalTimeout} since the start), or the visitor stopped it.
   *
   * <p>Thread-safe: the answering thread reports progress through volatile fields; the checks run
   * on the clock's timer thread. A check and {@link #end} hold the lock, so once {@code end}
   * returns no interrupt from this watch can land.
   */
  private final class Watch {
    private final Thread answering = Thread.currentThread();
    private final AnswerSink sink;
    private final long start = clock.nanoTime();

    /** When the stream last moved (clock nanos); written by the answering thread. */
    private volatile long lastProgress = start;

    /** A token came; written by the answering thread. */
    private volatile boolean gotToken;

    /** Why it first interrupted, or null; guarded by this. */
    private String reason;

    /** The answer is over: no more checks; guarded by this. */
    private boolean ended;

    /** The next check; guarded by this. */
    private NodeClock.Timer next;

    Watch(AnswerSink sink) {
      this.sink = sink;
      synchronized (this) {
        next = clock.schedule(CHECK_EVERY, this::check);
      }
    }

    void progress() {
      lastProgress = clock.nanoTime();
    }

    void token() {
      gotToken = true;
    }

    private synchronized void check() {
      if (ended) {
        return;
      }
      String late = late(clock.nanoTime());
      if (late != null) {
        if (reason == null) {
          reason = late;
        }
        answering.interrupt(); // again at each check: an interrupt swallowed somewhere is not lost
      }
      next = clock.schedule(CHECK_EVERY, this::check);
    }

    private String late(long now) {
      if (sink.cancelled()) {
        return "stopped";
      }
      if (now - start > config.totalTimeout().toNanos()) {
        return "no end within " + config.totalTimeout().toMillis() + " ms";
      }
      if (!gotToken && now - lastProgress > config.firstTokenTimeout().toNanos()) {
        return "no first token within " + config.firstTokenTimeout().toMillis() + " ms";
      }
      if (gotToken && now - lastProgress > config.stallTimeout().toNanos()) {
        return "stalled for " + config.stallTimeout().toMillis() + " ms";
      }
      return null;
    }

    /** The answer is over: no more checks, no more interrupts. Idempotent. */
    synchronized void end() {
      ended = true;
      next.cancel();
    }

    /** Why the watchdog interrupted the answer, or null when it did not. */
    synchronized String reason() {
      return reason;
    }

    long elapsedMillis() {
      return (clock.nanoTime() - start) / 1_000_000;
    }
  }
}
