package dev.parley.protocol.http;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Decides from a request's head alone — its method, path, query and headers, before a byte of its
 * body is buffered — whether its large body (an upload) may be received. The transport asks it for
 * every {@code POST} to an upload path with a bearer token and a body that may be larger than an
 * ordinary request's ({@code docs/PROTOCOL.md#limits}); while it decides, the connection reads
 * nothing more. So a bad or foreign token never holds one of the node's few upload slots: it is
 * answered at once and the connection closed.
 *
 * <p>Implementations are thread-safe and never block the caller (an event loop); the future may
 * complete on any thread.
 */
@FunctionalInterface
public interface UploadGate {
  /** Admits nothing: every large body is answered {@code 403 forbidden}. */
  UploadGate NONE =
      head ->
          CompletableFuture.completedFuture(
              Optional.of(
                  HttpApi.Response.json(
                      403,
                      "{\"error\":\"forbidden\",\"message\":\"this server accepts no uploads\"}")));

  /**
   * Empty to admit the body of {@code head} (whose {@link HttpApi.Request#body()} is empty); else
   * the answer to send at once, after which the connection is closed.
   */
  CompletableFuture<Optional<HttpApi.Response>> check(HttpApi.Request head);
}
