package dev.parley.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The JSON of an OpenAI-compatible {@code /v1/audio/transcriptions} answer with {@code
 * response_format=json}: {@code {"text": "…"}} (other fields ignored). Kept here because this is
 * the module that knows JSON. Stateless and thread-safe.
 */
public final class Transcriptions {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Transcriptions() {}

  /**
   * The transcript in {@code answer}, stripped.
   *
   * @throws IllegalArgumentException when it is not JSON or has no {@code text} string
   */
  public static String text(byte[] answer) {
    JsonNode n;
    try {
      n = JSON.readTree(answer);
    } catch (IOException e) {
      throw new IllegalArgumentException("the answer is not JSON");
    }
    if (n == null || !n.path("text").isTextual()) {
      throw new IllegalArgumentException("the answer has no \"text\"");
    }
    return n.get("text").asText().strip();
  }
}
