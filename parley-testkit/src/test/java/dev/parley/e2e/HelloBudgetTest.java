package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.ParleyClient;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * New sessions are budgeted per client address (issue 14.14): over the budget a {@code hello}
 * without a token gets {@code rate_limited} with a retry hint, which the Java SDK follows; a {@code
 * hello} with a token (a reconnect) is never counted.
 */
@Timeout(60)
class HelloBudgetTest {
  @TempDir Path dir;

  @Test
  void newClientsBeyondTheBurstWaitTheirTurnAndReconnectsAreNotCounted() throws Exception {
    try (TestServer server = TestServer.start(dir, b -> b.helloBurst(2).helloRate(2))) {
      List<ParleyClient> clients = new ArrayList<>();
      List<CompletableFuture<Void>> connected = new ArrayList<>();
      try {
        for (int i = 0; i < 5; i++) {
          ParleyClient c =
              ParleyClient.builder(server.wsUri()).listener(new RecordingListener()).build();
          clients.add(c);
          connected.add(c.connect());
        }
        CompletableFuture.allOf(connected.toArray(CompletableFuture[]::new))
            .get(30, TimeUnit.SECONDS);
        assertThat(LimitsTest.metric(server, "parley_errors_total{code=\"rate_limited\"}"))
            .as("three of five had to wait")
            .isGreaterThanOrEqualTo(3);

        // A token resumes however many new sessions the address just made.
        String token = clients.get(0).token();
        for (int i = 0; i < 5; i++) {
          try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
            ws.sendText("{\"type\":\"hello\",\"token\":\"" + token + "\"}");
            assertThat(ws.readText()).contains("\"type\":\"welcome\"");
          }
        }
        // New sessions are still budgeted: a few at once exhaust what refilled meanwhile.
        String refused = null;
        for (int i = 0; i < 10 && refused == null; i++) {
          try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
            ws.sendText("{\"type\":\"hello\",\"ref\":\"new\"}");
            String reply = ws.readText();
            refused = reply.contains("\"type\":\"error\"") ? reply : null;
          }
        }
        assertThat(refused)
            .contains("\"code\":\"rate_limited\"")
            .contains("\"retryAfterMs\":")
            .contains("\"ref\":\"new\"");
      } finally {
        clients.forEach(ParleyClient::close);
      }
    }
  }
}
