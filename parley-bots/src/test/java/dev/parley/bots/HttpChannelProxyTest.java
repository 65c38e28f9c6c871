package dev.parley.bots;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.parley.chat.ChannelProxy.Action;
import dev.parley.chat.ChannelProxy.Call;
import dev.parley.chat.ChannelProxy.Verdict;
import dev.parley.chat.NamespaceProxy;
import dev.parley.core.ManualClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link HttpChannelProxy} against a real HTTP server on port 0: what it sends (the body, the
 * timestamp of its clock, the signature of {@link ProxySignature}) and how it reads answers — only
 * a JSON boolean {@code allow} in a 2xx decides, 403 denies, and a string {@code "true"}, a
 * redirect (not followed) or an answer over the bound is no answer.
 */
@Timeout(30)
class HttpChannelProxyTest {
  static final String SECRET = "sixteen-or-more-characters";

  HttpServer backend;
  final ManualClock clock = new ManualClock(Instant.ofEpochSecond(1_767_225_600L));
  final HttpChannelProxy proxy = new HttpChannelProxy(clock);

  /** What the backend received: the timestamp, the signature and the body. */
  record Received(String timestamp, String signature, byte[] body) {}

  final List<Received> received = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    answer("/allow", 200, "{\"allow\": true, \"note\": \"ignored\"}", null);
    answer("/deny", 200, "{\"allow\": false}", null);
    answer("/forbid", 403, "", null);
    answer("/string", 200, "{\"allow\": \"true\"}", null);
    answer("/array", 200, "[true]", null);
    answer("/null", 200, "null", null);
    answer("/moved", 307, "", "/allow");
    answer("/huge", 200, "{\"allow\": true, \"pad\": \"" + "x".repeat(5000) + "\"}", null);
    backend.start();
  }

  @AfterEach
  void stop() {
    proxy.close();
    backend.stop(0);
  }

  private void answer(String path, int status, String body, String location) {
    backend.createContext(
        path,
        x -> {
          received.add(
              new Received(
                  x.getRequestHeaders().getFirst(ProxySignature.TIMESTAMP),
                  x.getRequestHeaders().getFirst(ProxySignature.SIGNATURE),
                  x.getRequestBody().readAllBytes()));
          if (location != null) {
            x.getResponseHeaders().set("Location", location);
          }
          byte[] b = body.getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
          if (b.length > 0) {
            x.getResponseBody().write(b);
          }
          x.close();
        });
  }

  Verdict ask(String path, Call call) {
    URI url = URI.create("http://127.0.0.1:" + backend.getAddress().getPort() + path);
    NamespaceProxy p = new NamespaceProxy(url, url, Duration.ofSeconds(5), SECRET);
    return proxy.ask(p, call).join();
  }

  static Call publish() {
    return new Call(Action.PUBLISH, "v_ana", "bids", "bids:lot-7", "c-9", "120 \"EUR\"");
  }

  @Test
  void theRequestCarriesTheCallSignedAtTheClocksTime() {
    assertThat(ask("/allow", publish())).isEqualTo(Verdict.ALLOW);

    Received r = received.get(0);
    assertThat(new String(r.body(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"action\":\"publish\",\"user\":\"v_ana\",\"namespace\":\"bids\","
                + "\"channel\":\"bids:lot-7\",\"cid\":\"c-9\",\"text\":\"120 \\\"EUR\\\"\"}");
    assertThat(r.timestamp()).isEqualTo("1767225600");
    assertThat(r.signature()).isEqualTo(ProxySignature.sign(SECRET, 1_767_225_600L, r.body()));
    assertThat(r.signature())
        .isNotEqualTo(ProxySignature.sign("another-secret-of-16", 1_767_225_600L, r.body()));

    ask("/allow", new Call(Action.SUBSCRIBE, "v_ana", "bids", "bids:lot-7", null, null));
    assertThat(new String(received.get(1).body(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"action\":\"subscribe\",\"user\":\"v_ana\",\"namespace\":\"bids\","
                + "\"channel\":\"bids:lot-7\"}");
    // A fixed vector, computed apart (HMAC-SHA256 of "1767225600\n" + the body, in hex): what a
    // backend computes to verify, not this class's own sign() again.
    assertThat(received.get(1).signature())
        .isEqualTo("v1=dc453ca3db2779ba373f3c4bc28f9d1dee79f3c94e07a66d49302348416dc895");
  }

  @Test
  void onlyAJsonBooleanInA2xxOrA403Decides() {
    assertThat(ask("/deny", publish())).isEqualTo(Verdict.DENY);
    assertThat(ask("/forbid", publish())).isEqualTo(Verdict.DENY);
    assertThat(ask("/string", publish())).isEqualTo(Verdict.UNAVAILABLE);
    assertThat(ask("/array", publish())).isEqualTo(Verdict.UNAVAILABLE);
    assertThat(ask("/null", publish())).isEqualTo(Verdict.UNAVAILABLE);
    assertThat(ask("/moved", publish())).isEqualTo(Verdict.UNAVAILABLE);
    assertThat(received).as("the redirect was not followed").hasSize(6);
    assertThat(ask("/huge", publish())).isEqualTo(Verdict.UNAVAILABLE);
    assertThat(ask("/nowhere", publish())).as("404").isEqualTo(Verdict.UNAVAILABLE);
  }
}
