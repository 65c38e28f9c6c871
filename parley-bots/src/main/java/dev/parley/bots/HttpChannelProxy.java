package dev.parley.bots;

import dev.parley.chat.ChannelProxy;
import dev.parley.chat.NamespaceProxy;
import dev.parley.core.NodeClock;
import dev.parley.protocol.http.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat layer's {@link ChannelProxy} over HTTP: each call is a {@code POST} of a small JSON body
 * ({@code action}, {@code user}, {@code namespace}, {@code channel}; for a publish also {@code cid}
 * and {@code text}) to the namespace's URL for the action, signed ({@link ProxySignature}), and
 * answered within the namespace's timeout: 2xx with {@code {"allow": true}} allows, 2xx with {@code
 * {"allow": false}} or 403 denies, and anything else — no answer in time, a connection refused, a
 * redirect, another status, a body over {@value #MAX_ANSWER_BYTES} bytes or not that JSON — is
 * {@link Verdict#UNAVAILABLE}, logged at warn with the namespace and the reason (never the secret,
 * never the text).
 *
 * <p>Thread-safe. One {@link HttpClient} for every namespace, used only through {@code sendAsync}:
 * {@link #ask} never blocks, and its future completes on the client's threads (or the timer's, for
 * a time-out).
 */
public final class HttpChannelProxy implements ChannelProxy, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpChannelProxy.class);

  /** The largest answer read: {@code {"allow": true}} and a little room. */
  static final int MAX_ANSWER_BYTES = 4096;

  private final HttpClient http =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(NamespaceProxy.MAX_TIMEOUT)
          .build();
  private final NodeClock clock;

  /**
   * @param clock signs each request with its time
   */
  public HttpChannelProxy(NodeClock clock) {
    this.clock = clock;
  }

  /** The JSON body of a call; the publish fields are left out of a subscribe's. */
  record Body(
      String action, String user, String namespace, String channel, String cid, String text) {}

  /** The answer's JSON: {@code allow} must be a JSON boolean (no {@code "true"}, no 1). */
  record Answer(Object allow) {}

  @Override
  public CompletableFuture<Verdict> ask(NamespaceProxy proxy, Call call) {
    byte[] body =
        Json.write(
            new Body(
                call.action().name().toLowerCase(Locale.ROOT),
                call.user(),
                call.namespace(),
                call.channel(),
                call.cid(),
                call.text()));
    long now = clock.millis() / 1000;
    HttpRequest request;
    try {
      request =
          HttpRequest.newBuilder(proxy.url(call.action()))
              .timeout(proxy.timeout())
              .header("Content-Type", "application/json")
              .header(ProxySignature.TIMESTAMP, Long.toString(now))
              .header(ProxySignature.SIGNATURE, ProxySignature.sign(proxy.secret(), now, body))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(unavailable(call, e.toString()));
    }
    return http.sendAsync(request, info -> BoundedBody.of(MAX_ANSWER_BYTES))
        .orTimeout(proxy.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (response, err) -> {
              if (err != null) {
                Throwable cause = err.getCause() != null ? err.getCause() : err;
                return unavailable(call, "no answer: " + cause);
              }
              return verdict(call, response);
            });
  }

  private static Verdict verdict(Call call, HttpResponse<byte[]> response) {
    int status = response.statusCode();
    if (status == 403) {
      return Verdict.DENY;
    }
    if (status < 200 || status > 299) {
      return unavailable(call, "status " + status);
    }
    Object allow;
    try {
      Answer answer = Json.read(response.body(), Answer.class);
      if (answer == null) { // the body "null"
        return unavailable(call, "an answer without a boolean allow");
      }
      allow = answer.allow();
    } catch (IllegalArgumentException e) {
      return unavailable(call, "an answer that is not JSON");
    }
    if (!(allow instanceof Boolean b)) {
      return unavailable(call, "an answer without a boolean allow");
    }
    return b ? Verdict.ALLOW : Verdict.DENY;
  }

  private static Verdict unavailable(Call call, String why) {
    log.warn(
        "the proxy of namespace {} gave no usable answer to a {} of {}: {}",
        call.namespace(),
        call.action().name().toLowerCase(Locale.ROOT),
        call.channel(),
        why);
    return Verdict.UNAVAILABLE;
  }

  /** Stops at once: requests in flight are abandoned (their commands are refused), not awaited. */
  @Override
  public void close() {
    http.shutdownNow();
    http.close();
  }
}
