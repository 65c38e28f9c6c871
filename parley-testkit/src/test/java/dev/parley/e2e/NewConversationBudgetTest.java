package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat conversations one client address may open are budgeted ({@code
 * --new-conversation-burst}, {@code --new-conversation-every}): within the burst a visitor's first
 * {@code send} opens its conversation; beyond it the opening command is refused {@code
 * rate_limited} with the wait its refill takes, and nothing is stored.
 */
@Timeout(60)
class NewConversationBudgetTest {
  @TempDir Path dir;

  @Test
  void anAddressOpensItsBurstOfConversationsThenWaitsForTheRefill() throws Exception {
    try (TestServer server =
        TestServer.start(
            dir, b -> b.newConversationBurst(2).newConversationEvery(Duration.ofMinutes(10)))) {
      for (int i = 1; i <= 2; i++) {
        try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
          assertThat(firstSend(ws, "c" + i).get("type").asText())
              .as("visitor " + i)
              .isEqualTo("ack");
        }
      }
      try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
        JsonNode refused = firstSend(ws, "c3");
        assertThat(refused.get("type").asText()).isEqualTo("error");
        assertThat(refused.get("code").asText()).isEqualTo("rate_limited");
        assertThat(refused.get("cid").asText()).isEqualTo("c3");
        assertThat(refused.get("retryAfterMs").asLong())
            .as("the refill of --new-conversation-every, not the default 10 s")
            .isGreaterThan(Duration.ofMinutes(9).toMillis());
      }
    }
  }

  /** A new visitor's hello and first send: the send's ack, or the error that refused it. */
  private static JsonNode firstSend(RawWebSocket ws, String cid) throws Exception {
    ws.sendText("{\"type\":\"hello\",\"site\":\"demo\"}");
    String conv = Frames.ofType(ws, "conversation").get("conv").asText();
    ws.sendText(
        "{\"type\":\"send\",\"cid\":\"" + cid + "\",\"conv\":\"" + conv + "\",\"text\":\"hi\"}");
    return Frames.next(
        ws, f -> f.get("type").asText().equals("ack") || f.get("type").asText().equals("error"));
  }
}
