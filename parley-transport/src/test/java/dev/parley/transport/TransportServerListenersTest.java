package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.core.HandshakePolicy;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.HttpApi.Listener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real {@link TransportServer} on ports 0 with a small {@link HttpApi} that, like the server's
 * operators' API, answers {@code /metrics} on the admin listener only: the public listener answers
 * it 404, the admin listener serves the operators' endpoints and nothing else, can be turned off,
 * fails start-up clearly when its port is taken, and keeps answering while the node drains.
 */
@Timeout(60)
class TransportServerListenersTest {
  final TestNodes core = new TestNodes(new RecordingMetrics(), HandshakePolicy.ALLOW_ALL);
  final HttpClient http = HttpClient.newHttpClient();

  /** Answers with the listener it was asked on; {@code /metrics} on the admin listener only. */
  final HttpApi api =
      r ->
          CompletableFuture.completedFuture(
              r.path().equals("/metrics") && r.listener() != Listener.ADMIN
                  ? HttpApi.Response.json(404, "{\"error\":\"not_found\"}")
                  : HttpApi.Response.json(
                      200,
                      "{\"path\":\"" + r.path() + "\",\"listener\":\"" + r.listener() + "\"}"));

  TransportServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    http.close();
    core.close();
  }

  TransportServer start(int adminPort) throws InterruptedException {
    return TransportServer.start(
        TransportConfig.newBuilder().host("127.0.0.1").port(0).adminPort(adminPort).build(),
        core.node,
        api);
  }

  HttpResponse<String> send(int port, String method, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsAnswerOnTheAdminListenerAndAre404OnThePublicOne() throws Exception {
    server = start(0);
    assertThat(server.adminPort()).isPositive().isNotEqualTo(server.port());
    HttpResponse<String> admin = send(server.adminPort(), "GET", "/metrics");
    assertThat(admin.statusCode()).isEqualTo(200);
    assertThat(admin.body()).contains("\"listener\":\"ADMIN\"");
    assertThat(send(server.port(), "GET", "/metrics").statusCode()).isEqualTo(404);
    assertThat(send(server.adminPort(), "GET", "/readyz").body())
        .contains("\"listener\":\"ADMIN\"");
    assertThat(send(server.port(), "GET", "/readyz").body())
        .as("load balancers ask the public port")
        .contains("\"listener\":\"PUBLIC\"");
    assertThat(send(server.adminPort(), "GET", "/healthz").body()).contains("\"status\":\"up\"");
  }

  @Test
  void theAdminListenerServesNothingButTheOperatorsEndpoints() throws Exception {
    server = start(0);
    int admin = server.adminPort();
    assertThat(send(admin, "GET", "/api/queue").statusCode()).isEqualTo(404);
    assertThat(send(admin, "GET", "/api/admin/stats").statusCode()).isEqualTo(404);
    assertThat(send(admin, "POST", "/rt/open?transport=longpoll").statusCode()).isEqualTo(404);
    assertThat(send(admin, "GET", "/ws").statusCode()).isEqualTo(404);
    assertThat(send(admin, "GET", "/").statusCode()).isEqualTo(404);
    assertThat(send(server.port(), "POST", "/rt/open?transport=longpoll").statusCode())
        .as("the public one does")
        .isEqualTo(200);
  }

  @Test
  void aNegativeAdminPortTurnsTheListenerOff() throws Exception {
    server = start(-1);
    assertThat(server.adminPort()).isEqualTo(-1);
    assertThat(send(server.port(), "GET", "/metrics").statusCode()).isEqualTo(404);
  }

  @Test
  void aTakenAdminPortStopsStartUpSayingSoAndLeavesThePublicPortFree() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int publicPort;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        publicPort = probe.getLocalPort();
      }
      assertThatThrownBy(
              () ->
                  TransportServer.start(
                      TransportConfig.newBuilder()
                          .host("127.0.0.1")
                          .port(publicPort)
                          .adminPort(taken.getLocalPort())
                          .build(),
                      core.node,
                      api))
          .hasMessageContaining("cannot bind the admin listener")
          .hasMessageContaining(":" + taken.getLocalPort());
      try (ServerSocket again = new ServerSocket(publicPort, 1, InetAddress.getLoopbackAddress())) {
        assertThat(again.getLocalPort()).as("the public port was released").isEqualTo(publicPort);
      }
    }
  }

  @Test
  void whileTheNodeDrainsTheAdminListenerStillAnswers() throws Exception {
    server = start(0);
    server.stopAccepting();
    assertThat(send(server.adminPort(), "GET", "/metrics").statusCode()).isEqualTo(200);
    assertThatThrownBy(() -> send(server.port(), "GET", "/healthz"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void adminPortsOutOfRangeAreRefused() {
    assertThatThrownBy(() -> TransportConfig.newBuilder().adminPort(65536).build())
        .hasMessageContaining("admin port must be 0-65535");
    assertThat(TransportConfig.newBuilder().build().adminPort()).as("the default").isEqualTo(8081);
    assertThat(TransportConfig.newBuilder().build().adminHost()).isEqualTo("127.0.0.1");
  }
}
