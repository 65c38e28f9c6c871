package dev.parley.bots;

import dev.parley.chat.Speaker;
import dev.parley.chat.VoiceSettings;
import dev.parley.protocol.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A {@link Speaker} over any OpenAI-compatible {@code POST <base>/v1/audio/speech} (OpenAI,
 * LocalAI, Kokoro-FastAPI, openedai-speech): a JSON body {@code {"model", "input", "voice",
 * "response_format"}}, the key as a bearer token; the answer is the audio itself. The language is
 * not sent (the API has no such field: the model reads the text's own language). The request is
 * bounded by {@code timeout} (connecting and the whole answer), the audio by {@link
 * #MAX_AUDIO_BYTES}, and the answer must be audio: an MP3 (an {@code ID3} tag or an MPEG frame
 * sync) or an Ogg stream ({@code OggS}), whatever its {@code Content-Type} says. Failures are
 * {@link Speaker.Failed}: {@code timeout}, {@code unavailable} (no connection, HTTP 5xx or 429),
 * {@code rejected} (other HTTP 4xx), {@code too_large}, {@code invalid_answer} (not audio).
 *
 * <p>Thread-safe. Each call runs on a virtual thread of its own (the JDK client's blocking send,
 * the body read with a bound), never on the caller's thread, so an event loop may call it.
 */
public final class OpenAiSpeaker implements Speaker, AutoCloseable {
  /** The most audio read: about fourteen minutes of MP3 at 160 kbit/s, far over 4096 characters. */
  static final int MAX_AUDIO_BYTES = 16 * 1024 * 1024;

  /** How long one synthesis may take by default. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final VoiceSettings.Speech settings;
  private final Duration timeout;
  private final int maxBytes;
  private final HttpClient http;
  private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();

  public OpenAiSpeaker(VoiceSettings.Speech settings, Duration timeout) {
    this(settings, timeout, MAX_AUDIO_BYTES);
  }

  OpenAiSpeaker(VoiceSettings.Speech settings, Duration timeout, int maxBytes) {
    this.settings = settings;
    this.timeout = timeout;
    this.maxBytes = maxBytes;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public CompletableFuture<Audio> speak(String text, String language) {
    return CompletableFuture.supplyAsync(() -> call(text), calls);
  }

  private Audio call(String text) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", settings.model());
    body.put("input", text);
    body.put("voice", settings.voice());
    body.put("response_format", settings.format());
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(endpoint(settings.baseUrl())))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Accept", settings.contentType())
            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body)));
    if (settings.apiKey() != null && !settings.apiKey().isBlank()) {
      req.header("Authorization", "Bearer " + settings.apiKey());
    }
    try {
      HttpResponse<InputStream> res =
          http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
      byte[] answer;
      try (InputStream in = res.body()) {
        answer = in.readNBytes(maxBytes + 1);
      }
      int status = res.statusCode();
      if (status == 429 || status >= 500) {
        throw new Failed("unavailable", "the speech service answered HTTP " + status);
      }
      if (status != 200) {
        throw new Failed("rejected", "the speech service answered HTTP " + status);
      }
      if (answer.length > maxBytes) {
        throw new Failed("too_large", "the speech is larger than " + maxBytes + " bytes");
      }
      String type = typeOf(answer);
      if (type == null) {
        throw new Failed("invalid_answer", "the answer is not MP3 or Ogg audio");
      }
      return new Audio(type, answer);
    } catch (HttpTimeoutException e) {
      throw new Failed("timeout", "no speech within " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      throw new Failed("unavailable", "the speech service is unreachable: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompletionException(e);
    }
  }

  /** {@code <base>/v1/audio/speech}, whether or not the base already ends in {@code /v1}. */
  static String endpoint(String base) {
    String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    return (b.endsWith("/v1") ? b : b + "/v1") + "/audio/speech";
  }

  /**
   * The media type of audio by its first bytes: {@code audio/ogg} for an Ogg page, {@code
   * audio/mpeg} for an ID3 tag or an MPEG audio frame header; null for anything else (JSON, HTML,
   * nothing).
   */
  static String typeOf(byte[] b) {
    if (b.length >= 4 && b[0] == 'O' && b[1] == 'g' && b[2] == 'g' && b[3] == 'S') {
      return "audio/ogg";
    }
    if (b.length >= 3 && b[0] == 'I' && b[1] == 'D' && b[2] == '3') {
      return "audio/mpeg";
    }
    // 11 bits of frame sync, a version that is not "reserved", a layer that is not "reserved"
    if (b.length >= 4
        && (b[0] & 0xff) == 0xff
        && (b[1] & 0xe0) == 0xe0
        && (b[1] & 0x18) != 0x08
        && (b[1] & 0x06) != 0
        && (b[2] & 0xf0) != 0xf0) {
      return "audio/mpeg";
    }
    return null;
  }

  @Override
  public void close() {
    calls.close();
    http.close();
  }
}
