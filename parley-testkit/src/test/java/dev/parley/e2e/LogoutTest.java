package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent's session from login to logout (issue 14.10): a short-lived token renewed in band on the
 * live connection, then {@code POST /api/logout} ends every token of the agent: REST at once, the
 * renewal on the connection, a new connection with an old token.
 */
@Timeout(60)
class LogoutTest {
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
        {"sites": [{"id": "shop", "greeting": "Hi"}],
         "agents": [{"user": "alice", "sites": ["shop"], "password": "alices-password"}]}
        """);
  }

  @AfterEach
  void stop() {
    server.close();
    http.close();
  }

  /** The next push of {@code type} on {@code ws}, past the agent's queue and joins. */
  <T extends Push> T next(RawWebSocket ws, Class<T> type) throws Exception {
    while (true) {
      Push p = codec.decodePush(ws.readText());
      if (type.isInstance(p)) {
        return type.cast(p);
      }
    }
  }

  int rest(String method, String path, String token) throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void aLogoutEndsTheAgentsTokensForRestRenewalAndNewConnections() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\",\"user\":\"alice\",\"password\":\"alices-password\"}");
      Push.Welcome w = (Push.Welcome) codec.decodePush(ws.readText());
      assertThat(w.token()).startsWith("a2.");
      String[] f = w.token().split("\\.");
      assertThat(Long.parseLong(f[3]) - Long.parseLong(f[2]))
          .as("issued to expiry: 15 minutes")
          .isEqualTo(900_000L);
      assertThat(w.expiresAt()).isEqualTo(Long.parseLong(f[3]));
      String first = w.token();

      ws.sendText("{\"type\":\"auth\",\"ref\":\"r1\"}");
      Push.Authed renewed = next(ws, Push.Authed.class);
      assertThat(renewed.ref()).isEqualTo("r1");
      assertThat(renewed.token()).startsWith("a2.").isNotEqualTo(first);
      assertThat(rest("GET", "/api/queue", renewed.token())).isEqualTo(200);
      assertThat(rest("GET", "/api/queue", first))
          .as("an earlier token still counts until it expires")
          .isEqualTo(200);

      assertThat(rest("POST", "/api/logout", renewed.token())).isEqualTo(204);
      assertThat(rest("GET", "/api/queue", renewed.token())).isEqualTo(401);
      assertThat(rest("GET", "/api/queue", first)).isEqualTo(401);
      assertThat(rest("POST", "/api/logout", renewed.token())).isEqualTo(401);

      ws.sendText("{\"type\":\"auth\",\"ref\":\"r2\"}");
      Push.Error e = next(ws, Push.Error.class);
      assertThat(e.code()).isEqualTo("unauthorized");
      assertThat(e.ref()).isEqualTo("r2");
      assertThat(e.message()).contains("revoked");
    }
  }

  @Test
  void aNewConnectionWithATokenFromBeforeTheLogoutIsRefusedAndALoginWorksAgain() throws Exception {
    String token;
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\",\"user\":\"alice\",\"password\":\"alices-password\"}");
      token = ((Push.Welcome) codec.decodePush(ws.readText())).token();
    }
    assertThat(rest("POST", "/api/logout", token)).isEqualTo(204);
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\",\"token\":\"" + token + "\"}");
      Push.Error e = (Push.Error) codec.decodePush(ws.readText());
      assertThat(e.code()).isEqualTo("unauthorized");
      assertThat(e.field()).isEqualTo("token");
    }
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\",\"user\":\"alice\",\"password\":\"alices-password\"}");
      String again = ((Push.Welcome) codec.decodePush(ws.readText())).token();
      assertThat(rest("GET", "/api/queue", again)).isEqualTo(200);
    }
  }
}
