package dev.parley.client;

import dev.parley.protocol.http.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * A file to upload to a conversation ({@code POST /api/conversations/{id}/files},
 * docs/PROTOCOL.md#files): its bytes, its name and an idempotency key made once, when the upload is
 * made, so that uploading the same {@code FileUpload} again after a failure (a cut connection, a
 * {@code 503}) stores the file once. Its {@link Uploaded#id} then goes in a {@code send}'s
 * attachments ({@link ParleyClient#send(String, String, String, java.util.List)}).
 *
 * <p>Immutable and thread-safe. The request runs on the JDK HTTP client's threads, where the future
 * completes and {@code onProgress} is called; the body is handed over in pieces of {@value #PIECE}
 * bytes, and progress counts the bytes handed over.
 */
public final class FileUpload {
  /** The size of the pieces the body is handed to the HTTP client in, and progress steps. */
  static final int PIECE = 64 * 1024;

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /**
   * The stored file, as the server describes it, and links to it valid until {@code expiresAt}
   * (epoch ms); later links come from {@code GET /api/files/{id}}.
   */
  public record Uploaded(
      String id,
      String name,
      String type,
      long size,
      Integer width,
      Integer height,
      boolean thumbnail,
      String url,
      String thumbnailUrl,
      long expiresAt) {}

  private record Answer(Uploaded file, String url, String thumbnailUrl, long expiresAt) {}

  private record Refusal(String error, String message) {}

  private final byte[] bytes;
  private final String name;
  private final String key;
  private final LongConsumer onProgress;

  private FileUpload(byte[] bytes, String name, String key, LongConsumer onProgress) {
    this.bytes = bytes;
    this.name = name;
    this.key = key;
    this.onProgress = onProgress;
  }

  /** An upload of {@code bytes} named {@code name}, with a new random idempotency key. */
  public static FileUpload of(byte[] bytes, String name) {
    return new FileUpload(bytes.clone(), name, UUID.randomUUID().toString(), n -> {});
  }

  /** This upload with the idempotency key {@code key} (1-128 of A-Z a-z 0-9 _ . : -). */
  public FileUpload key(String key) {
    return new FileUpload(bytes, name, key, onProgress);
  }

  /** This upload calling {@code onProgress} with the bytes sent so far. */
  public FileUpload onProgress(LongConsumer onProgress) {
    return new FileUpload(bytes, name, key, onProgress);
  }

  /** Its idempotency key. */
  public String key() {
    return key;
  }

  /**
   * Uploads to conversation {@code conv} of the server at {@code server} (the WebSocket or HTTP
   * address of a node: only its scheme, host and port are used) with {@code token} (the session's,
   * {@link ParleyClient#token()}). Fails with a {@link ParleyException} naming the server's code
   * ({@code file_too_large}, {@code unsupported_type}, …; {@code http_<status>} without one).
   */
  public CompletableFuture<Uploaded> to(URI server, String token, String conv) {
    if (token == null) {
      return CompletableFuture.failedFuture(
          new ParleyException("not_connected", "no token yet: upload after the first welcome"));
    }
    String scheme = server.getScheme().replace("ws", "http");
    URI target =
        URI.create(
            scheme
                + "://"
                + server.getRawAuthority()
                + "/api/conversations/"
                + URLEncoder.encode(conv, StandardCharsets.UTF_8)
                + "/files?name="
                + URLEncoder.encode(name, StandardCharsets.UTF_8));
    HttpRequest req =
        HttpRequest.newBuilder(target)
            .header("Authorization", "Bearer " + token)
            .header("Idempotency-Key", key)
            .POST(
                HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofByteArrays(this::pieces), bytes.length))
            .build();
    return HTTP.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(
            r -> {
              if (r.statusCode() / 100 != 2) {
                Refusal why = refusal(r.body());
                throw new ParleyException(
                    why.error() != null ? why.error() : "http_" + r.statusCode(),
                    why.message() != null ? why.message() : "the upload was refused");
              }
              Answer a = Json.read(r.body(), Answer.class);
              Uploaded f = a.file();
              return new Uploaded(
                  f.id(),
                  f.name(),
                  f.type(),
                  f.size(),
                  f.width(),
                  f.height(),
                  f.thumbnail(),
                  a.url(),
                  a.thumbnailUrl(),
                  a.expiresAt());
            });
  }

  private static Refusal refusal(byte[] body) {
    try {
      return Json.read(body, Refusal.class);
    } catch (IllegalArgumentException e) {
      return new Refusal(null, null);
    }
  }

  /** The body in pieces, reporting progress as the HTTP client takes each. */
  private Iterator<byte[]> pieces() {
    return new Iterator<>() {
      private int sent;

      @Override
      public boolean hasNext() {
        return sent < bytes.length;
      }

      @Override
      public byte[] next() {
        int n = Math.min(PIECE, bytes.length - sent);
        byte[] piece = new byte[n];
        System.arraycopy(bytes, sent, piece, 0, n);
        sent += n;
        onProgress.accept(sent);
        return piece;
      }
    };
  }
}
