package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatEvent;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site with {@code anonymousVisitors: false} is closed to anonymous visitors on every transport
 * and every path (issue 14.1): no site in the URL and the site in {@code hello}; an anonymous token
 * another site's visitor got; a fallback session opened without a site. Its own signed-in visitors
 * get in.
 */
@Timeout(60)
class SiteIdentityTest {
  static final String VIP_SECRET = "the-vip-site-backend-signs-with-this-32-byte-secret";
  @TempDir Path dir;
  TestServer server;
  final Codec codec = ChatProtocol.codec();
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    server =
        SitesServer.start(
            dir,
            """
        {"sites": [
          {"id": "shop", "greeting": "Hi from the shop"},
          {"id": "vip", "greeting": "Hi, valued customer", "anonymousVisitors": false, "identitySecret": "%s"}]}
        """
                .formatted(VIP_SECRET));
  }

  @AfterEach
  void stop() {
    server.close();
    http.close();
  }

  /** The first push answering {@code hello} on a WebSocket to {@code path}. */
  Push helloOverWebSocket(String path, String hello) throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect("127.0.0.1", server.port(), path, Map.of())) {
      assertThat(ws.status()).isEqualTo(101);
      ws.sendText(hello);
      return codec.decodePush(ws.readText());
    }
  }

  @Test
  void withoutASiteInTheUrlAnAnonymousHelloNamingTheSiteIsRefused() throws Exception {
    Push p = helloOverWebSocket("/ws", "{\"type\":\"hello\",\"site\":\"vip\"}");
    assertThat(p)
        .isInstanceOfSatisfying(
            Push.Error.class,
            e -> {
              assertThat(e.code()).isEqualTo("unauthorized");
              assertThat(e.field()).isEqualTo("token");
            });
  }

  @Test
  void anAnonymousTokenFromAnotherSiteIsRefused() throws Exception {
    Push shop = helloOverWebSocket("/ws?site=shop", "{\"type\":\"hello\",\"site\":\"shop\"}");
    String anonymous = ((Push.Welcome) shop).token();
    assertThat(anonymous).startsWith("v2.");
    Push p =
        helloOverWebSocket(
            "/ws", "{\"type\":\"hello\",\"site\":\"vip\",\"token\":\"" + anonymous + "\"}");
    assertThat(p)
        .isInstanceOfSatisfying(
            Push.Error.class, e -> assertThat(e.code()).isEqualTo("unauthorized"));
  }

  @Test
  void aFallbackSessionOpenedWithoutASiteIsRefusedTheSite() throws Exception {
    String base = "http://127.0.0.1:" + server.port();
    HttpResponse<String> open =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/rt/open?transport=longpoll"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(open.statusCode()).as(open.body()).isEqualTo(200);
    Matcher m = Pattern.compile("\"sid\":\"([^\"]+)\"").matcher(open.body());
    assertThat(m.find()).isTrue();
    String sid = m.group(1);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(URI.create(base + "/rt/" + sid + "/send?ack=0"))
                        .POST(
                            HttpRequest.BodyPublishers.ofString(
                                "{\"type\":\"hello\",\"site\":\"vip\"}"))
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode())
        .isEqualTo(204);
    HttpResponse<String> poll =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/rt/" + sid + "/poll?after=0")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(poll.body())
        .contains("\"code\":\"unauthorized\"")
        .doesNotContain("\"type\":\"welcome\"")
        .doesNotContain("\"type\":\"conversation\"");
  }

  @Test
  void theSitesOwnSignedInVisitorGetsInWithoutTheSiteInTheUrl() throws Exception {
    String identity =
        AuthenticationTest.hs256(
            VIP_SECRET, Map.of("sub", "customer-42", "site", "vip"), Duration.ofHours(1));
    try (RawWebSocket ws = RawWebSocket.connect("127.0.0.1", server.port(), "/ws", Map.of())) {
      ws.sendText("{\"type\":\"hello\",\"token\":\"" + identity + "\"}");
      Push.Welcome w = (Push.Welcome) codec.decodePush(ws.readText());
      assertThat(w.user()).isEqualTo("vip:customer-42");
      assertThat(w.token()).as("the handshake's or hello's token is not echoed").isNull();
      assertThat(((ChatEvent.Conversation) codec.decodePush(ws.readText())).site())
          .isEqualTo("vip");
    }
  }
}
