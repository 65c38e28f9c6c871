package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.Authenticator;
import dev.parley.core.HandshakePolicy;
import dev.parley.core.Principal;
import dev.parley.protocol.Command;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link HandshakeGuard} in an {@link EmbeddedChannel} with the core's real {@code
 * SignedVisitorTokens}: what it refuses before the upgrade (400, 403, 401 with {@code
 * WWW-Authenticate}), where it finds a token, when the cookie counts, and that a slow token check
 * pauses reading until it is done. An admitted request goes on down the pipeline (the embedded
 * channel's inbound queue) with its principal on the channel.
 */
@Timeout(30)
class HandshakeGuardTest {
  static final String HOST = "chat.test:8080";
  static final String OWN = "http://chat.test:8080";
  static final String SHOP = "https://shop.example";

  final RecordingMetrics metrics = new RecordingMetrics();
  final TestNodes core = new TestNodes(metrics, HandshakePolicy.ALLOW_ALL);

  /**
   * Lets every origin in but evil.example's (as a site allowing "*" might); a token is required
   * where the test says so.
   */
  boolean tokenRequired;

  final HandshakePolicy policy =
      new HandshakePolicy() {
        @Override
        public boolean originAllowed(Request r) {
          return r.origin() == null || !r.origin().equals("https://evil.example");
        }

        @Override
        public boolean tokenRequired(Request r) {
          return tokenRequired;
        }
      };

  @AfterEach
  void stop() {
    core.close();
  }

  EmbeddedChannel channel(Authenticator authenticator) {
    return new EmbeddedChannel(new HandshakeGuard(metrics, policy, authenticator));
  }

  static FullHttpRequest upgrade(String uri, Map<String, String> headers) {
    FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    req.headers()
        .set(HttpHeaderNames.HOST, HOST)
        .set(HttpHeaderNames.UPGRADE, "websocket")
        .set(HttpHeaderNames.CONNECTION, "Upgrade")
        .set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13")
        .set(HttpHeaderNames.SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ==");
    headers.forEach((k, v) -> req.headers().set(k, v));
    return req;
  }

  /** Sends {@code req}; returns the refusal, or null when the request went on (then released). */
  static FullHttpResponse send(EmbeddedChannel ch, FullHttpRequest req) {
    ch.writeInbound(req);
    ch.runPendingTasks();
    Object passed = ch.readInbound();
    if (passed != null) {
      ((FullHttpRequest) passed).release();
      return null;
    }
    return ch.readOutbound();
  }

  static String body(FullHttpResponse res) {
    try {
      return res.content().toString(StandardCharsets.UTF_8);
    } finally {
      res.release();
    }
  }

  @Test
  void aPlainRequestToWsIs400AndCountedAsNotUpgrade() {
    EmbeddedChannel ch = channel(core.tokens);
    FullHttpResponse res =
        send(ch, new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/ws"));
    assertThat(res.status().code()).isEqualTo(400);
    assertThat(body(res)).contains("expects a WebSocket upgrade");
    assertThat(ch.isActive()).isFalse();
    assertThat(metrics.events).containsExactly("rejected:not_upgrade");
  }

  @Test
  void otherPathsPassUntouched() {
    EmbeddedChannel ch = channel(core.tokens);
    assertThat(
            send(ch, new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/healthz")))
        .isNull();
    assertThat(metrics.events).isEmpty();
  }

  @Test
  void anOriginThePolicyRefusesIs403() {
    EmbeddedChannel ch = channel(core.tokens);
    FullHttpResponse res =
        send(ch, upgrade("/ws?site=shop", Map.of("Origin", "https://evil.example")));
    assertThat(res.status().code()).isEqualTo(403);
    assertThat(body(res))
        .contains("origin https://evil.example may not open a connection for site shop");
    assertThat(metrics.events).containsExactly("rejected:origin");
    assertThat(send(channel(core.tokens), upgrade("/ws", Map.of("Origin", SHOP)))).isNull();
  }

  @Test
  void aPathUnderWsWhichNettyAlsoUpgradesPassesTheSameChecks() {
    FullHttpResponse res =
        send(channel(core.tokens), upgrade("/ws/x", Map.of("Origin", "https://evil.example")));
    assertThat(res.status().code()).isEqualTo(403);
    res.release();
    tokenRequired = true;
    res = send(channel(core.tokens), upgrade("/ws/x", Map.of("Origin", SHOP)));
    assertThat(res.status().code()).isEqualTo(401);
    res.release();
    assertThat(metrics.events).containsExactly("rejected:origin", "rejected:unauthorized");
  }

  @Test
  void aMissingTokenWhereOneIsRequiredIs401WithWwwAuthenticate() {
    tokenRequired = true;
    FullHttpResponse res = send(channel(core.tokens), upgrade("/ws", Map.of()));
    assertThat(res.status().code()).isEqualTo(401);
    assertThat(res.headers().get(HttpHeaderNames.WWW_AUTHENTICATE))
        .startsWith("Bearer error=\"invalid_token\"")
        .contains("needs a token");
    res.release();
    assertThat(metrics.events).containsExactly("rejected:unauthorized");
  }

  @Test
  void anInvalidTokenIs401SayingWhyWithoutEchoingIt() {
    FullHttpResponse res =
        send(
            channel(core.tokens),
            upgrade("/ws", Map.of("Authorization", "Bearer v1.someone.forged")));
    assertThat(res.status().code()).isEqualTo(401);
    assertThat(res.headers().get(HttpHeaderNames.WWW_AUTHENTICATE))
        .contains("token signature is not valid")
        .doesNotContain("forged");
    assertThat(body(res)).doesNotContain("forged");
  }

  @Test
  void
      theTokenComesFromTheHeaderTheQueryTheSubprotocolOrTheCookieAndItsPrincipalRidesOnTheChannel() {
    String token = core.visitorToken();
    String user = core.tokens.principal(token).user();
    for (Object[] c :
        new Object[][] {
          {"/ws", Map.of("Authorization", "Bearer " + token)},
          {"/ws?token=" + token, Map.of()},
          {"/ws", Map.of("Sec-WebSocket-Protocol", "parley.v1, bearer." + token)},
          {"/ws", Map.of("Cookie", "theme=dark; parley_token=" + token, "Origin", OWN)}
        }) {
      EmbeddedChannel ch = channel(core.tokens);
      @SuppressWarnings("unchecked")
      Map<String, String> headers = (Map<String, String>) c[1];
      assertThat(send(ch, upgrade((String) c[0], headers))).as("%s %s", c[0], headers).isNull();
      Principal p = ch.attr(HandshakeGuard.PRINCIPAL).get();
      assertThat(p).as("%s %s", c[0], headers).isNotNull();
      assertThat(p.user()).isEqualTo(user);
    }
  }

  /**
   * The cookie rides along with any request a browser makes to this server, whichever site's page
   * starts it: it counts only when the Origin names this server.
   */
  @Test
  void theCookieCountsOnlyOnARequestFromTheServersOwnOrigin() {
    String token = core.visitorToken();
    for (String origin :
        new String[] {
          SHOP, "null", "http://chat.test:9999", "http://chat.test.evil.example:8080"
        }) {
      EmbeddedChannel ch = channel(core.tokens);
      assertThat(
              send(ch, upgrade("/ws", Map.of("Cookie", "parley_token=" + token, "Origin", origin))))
          .isNull();
      assertThat(ch.attr(HandshakeGuard.PRINCIPAL).get())
          .as("cookie from a page of %s", origin)
          .isNull();
    }
    EmbeddedChannel noOrigin = channel(core.tokens);
    assertThat(send(noOrigin, upgrade("/ws", Map.of("Cookie", "parley_token=" + token)))).isNull();
    assertThat(noOrigin.attr(HandshakeGuard.PRINCIPAL).get())
        .as("no Origin: not a page of this server")
        .isNull();

    tokenRequired = true;
    FullHttpResponse res =
        send(
            channel(core.tokens),
            upgrade("/ws", Map.of("Cookie", "parley_token=" + token, "Origin", SHOP)));
    assertThat(res.status().code()).as("another site's page riding on the cookie").isEqualTo(401);
    res.release();
  }

  @Test
  void aSlowTokenCheckPausesReadingAndTheRequestGoesOnWhenItIsDone() {
    CompletableFuture<Principal> pending = new CompletableFuture<>();
    Authenticator slow =
        new Authenticator() {
          @Override
          public CompletableFuture<Principal> authenticate(Command.Hello hello) {
            return pending;
          }
        };
    EmbeddedChannel ch = channel(slow);
    ch.writeInbound(upgrade("/ws", Map.of("Authorization", "Bearer a-jwt")));
    assertThat(ch.config().isAutoRead()).as("reading paused while the check runs").isFalse();
    assertThat(ch.<Object>readInbound()).isNull();
    pending.complete(new Principal("ann", Map.of("role", "visitor"), null));
    ch.runPendingTasks();
    assertThat(ch.config().isAutoRead()).isTrue();
    FullHttpRequest passed = ch.readInbound();
    assertThat(passed.uri()).isEqualTo("/ws");
    passed.release();
    assertThat(ch.attr(HandshakeGuard.PRINCIPAL).get().user()).isEqualTo("ann");
  }

  @Test
  void aSlowTokenCheckThatFailsIs401AndReadingResumes() {
    CompletableFuture<Principal> pending = new CompletableFuture<>();
    EmbeddedChannel ch =
        channel(
            new Authenticator() {
              @Override
              public CompletableFuture<Principal> authenticate(Command.Hello hello) {
                return pending;
              }
            });
    ch.writeInbound(upgrade("/ws", Map.of("Authorization", "Bearer a-jwt")));
    pending.completeExceptionally(new Authenticator.AuthenticationException("token expired"));
    ch.runPendingTasks();
    FullHttpResponse res = ch.readOutbound();
    assertThat(res.status().code()).isEqualTo(401);
    assertThat(body(res)).contains("token expired");
  }
}
