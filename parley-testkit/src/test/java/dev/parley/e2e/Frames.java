package dev.parley.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.testkit.RawWebSocket;
import java.io.IOException;
import java.util.function.Predicate;

/**
 * Reading the server's events off a {@link RawWebSocket} as JSON, for the end-to-end tests (the
 * testkit itself knows no JSON: only the protocol module does). Waits as long as the socket's read
 * timeout allows.
 */
final class Frames {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Frames() {}

  /** Reads text frames as JSON until one {@code wanted} accepts, skipping the others. */
  static JsonNode next(RawWebSocket ws, Predicate<JsonNode> wanted) throws IOException {
    while (true) {
      JsonNode f = JSON.readTree(ws.readText());
      if (wanted.test(f)) {
        return f;
      }
    }
  }

  /** Reads text frames as JSON until one of {@code type}, skipping the others. */
  static JsonNode ofType(RawWebSocket ws, String type) throws IOException {
    return next(ws, f -> f.path("type").asText().equals(type));
  }
}
