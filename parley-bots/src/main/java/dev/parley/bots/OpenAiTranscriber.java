package dev.parley.bots;

import dev.parley.chat.Transcriber;
import dev.parley.chat.VoiceSettings;
import dev.parley.protocol.openai.Transcriptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A {@link Transcriber} over any OpenAI-compatible {@code POST <base>/v1/audio/transcriptions}
 * (whisper.cpp server, faster-whisper, LocalAI, OpenAI): a {@code multipart/form-data} body with
 * {@code file}, {@code model}, {@code language} when set and {@code response_format=json}, the key
 * as a bearer token; the answer is {@code {"text": "…"}}. The request is bounded by {@code timeout}
 * (connecting and the whole answer), the answer by {@link #MAX_ANSWER_BYTES}. Failures are {@link
 * Transcriber.Failed}: {@code timeout}, {@code unavailable} (no connection, HTTP 5xx or 429),
 * {@code rejected} (other HTTP 4xx), {@code invalid_answer} (not such JSON, or too large).
 *
 * <p>Thread-safe. Each call runs on a virtual thread of its own (the JDK client's blocking send,
 * the body read with a bound), never on the caller's thread, so an event loop may call it.
 */
public final class OpenAiTranscriber implements Transcriber, AutoCloseable {
  /** The largest answer read: a transcript of ten minutes of speech is a few KiB. */
  static final int MAX_ANSWER_BYTES = 256 * 1024;

  /** How long one transcription may take by default. */
  public static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final VoiceSettings.Transcription settings;
  private final Duration timeout;
  private final HttpClient http;
  private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();

  public OpenAiTranscriber(VoiceSettings.Transcription settings, Duration timeout) {
    this.settings = settings;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public CompletableFuture<String> transcribe(String name, String type, byte[] audio) {
    return CompletableFuture.supplyAsync(() -> call(name, type, audio), calls);
  }

  private String call(String name, String type, byte[] audio) {
    String boundary = "parley-" + HexFormat.of().formatHex(RANDOM.generateSeed(12));
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(endpoint(settings.baseUrl())))
            .timeout(timeout)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body(boundary, name, type, audio)));
    if (settings.apiKey() != null && !settings.apiKey().isBlank()) {
      req.header("Authorization", "Bearer " + settings.apiKey());
    }
    try {
      HttpResponse<InputStream> res =
          http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
      byte[] answer;
      try (InputStream in = res.body()) {
        answer = in.readNBytes(MAX_ANSWER_BYTES + 1);
      }
      int status = res.statusCode();
      if (status == 429 || status >= 500) {
        throw new Failed("unavailable", "the transcription service answered HTTP " + status);
      }
      if (status != 200) {
        throw new Failed("rejected", "the transcription service answered HTTP " + status);
      }
      if (answer.length > MAX_ANSWER_BYTES) {
        throw new Failed(
            "invalid_answer", "the answer is larger than " + MAX_ANSWER_BYTES + " bytes");
      }
      return text(answer);
    } catch (HttpTimeoutException e) {
      throw new Failed("timeout", "no answer within " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      throw new Failed("unavailable", "the transcription service is unreachable: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompletionException(e);
    }
  }

  /**
   * {@code <base>/v1/audio/transcriptions}, whether or not the base already ends in {@code /v1}.
   */
  static String endpoint(String base) {
    String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    return (b.endsWith("/v1") ? b : b + "/v1") + "/audio/transcriptions";
  }

  /** The transcript of a JSON answer {@code {"text": "…"}} ({@link Transcriptions}). */
  static String text(byte[] answer) {
    try {
      return Transcriptions.text(answer);
    } catch (IllegalArgumentException e) {
      throw new Failed("invalid_answer", e.getMessage());
    }
  }

  private byte[] body(String boundary, String name, String type, byte[] audio) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(audio.length + 1024);
    field(out, boundary, "model", settings.model());
    if (settings.language() != null && !settings.language().isBlank()) {
      field(out, boundary, "language", settings.language());
    }
    field(out, boundary, "response_format", "json");
    write(
        out,
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
            + safeName(name, type)
            + "\"\r\nContent-Type: "
            + type
            + "\r\n\r\n");
    out.writeBytes(audio);
    write(out, "\r\n--" + boundary + "--\r\n");
    return out.toByteArray();
  }

  private static void field(ByteArrayOutputStream out, String boundary, String name, String value) {
    write(
        out,
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\""
            + name
            + "\"\r\n\r\n"
            + value
            + "\r\n");
  }

  /**
   * A file name the multipart header can carry (no quotes, no line breaks), with the extension of
   * its type, which some servers read to pick a decoder.
   */
  static String safeName(String name, String type) {
    String base = name == null ? "voice" : name.replaceAll("[^A-Za-z0-9._-]", "_");
    String ext =
        switch (type) {
          case "audio/ogg" -> ".ogg";
          case "audio/webm" -> ".webm";
          case "audio/mp4" -> ".m4a";
          case "audio/mpeg" -> ".mp3";
          case "audio/wav" -> ".wav";
          default -> "";
        };
    return base.endsWith(ext) ? base : base + ext;
  }

  private static void write(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    calls.close();
    http.close();
  }
}
