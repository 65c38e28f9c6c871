package dev.parley.protocol.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.StreamSupport;

/**
 * The wire format of OpenAI-compatible chat completions with streaming (OpenAI, Ollama, vLLM,
 * llama.cpp server): the request body, and the JSON of each server-sent {@code data:} chunk. Kept
 * here because this is the module that knows JSON.
 *
 * <p>Stateless and thread-safe.
 */
public final class ChatCompletions {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ChatCompletions() {}

  /** One message of the conversation sent to the model. {@code role}: system, user or assistant. */
  public record Message(String role, String content) {}

  /**
   * One streamed chunk: the new {@code content} (may be empty), the {@code finishReason} when the
   * model stopped, or an {@code error} the upstream reported in the stream.
   */
  public record Chunk(String content, String finishReason, String error) {}

  /** The body of a streaming request. */
  public static byte[] request(String model, List<Message> messages, double temperature) {
    return request(model, messages, temperature, null);
  }

  /** A streaming request; {@code maxTokens} limits the answer (null: the model's own limit). */
  public static byte[] request(
      String model, List<Message> messages, double temperature, Integer maxTokens) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("model", model);
    root.put("stream", true);
    root.put("temperature", temperature);
    if (maxTokens != null) {
      root.put("max_tokens", maxTokens);
    }
    ArrayNode arr = root.putArray("messages");
    for (Message m : messages) {
      arr.addObject().put("role", m.role()).put("content", m.content());
    }
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses the JSON after {@code data: } (not {@code [DONE]}).
   *
   * @throws ProtocolException when it is not JSON
   */
  public static Chunk parse(String json) {
    JsonNode n;
    try {
      n = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ProtocolException(ErrorCode.BAD_JSON, "upstream chunk is not JSON", null);
    }
    if (n.has("error")) {
      JsonNode e = n.get("error");
      return new Chunk(
          "", null, e.isTextual() ? e.asText() : e.path("message").asText("upstream error"));
    }
    JsonNode choice = n.path("choices").path(0);
    String content = choice.path("delta").path("content").asText("");
    String finish =
        choice.path("finish_reason").isTextual() ? choice.get("finish_reason").asText() : null;
    return new Chunk(content, finish, null);
  }

  /** The JSON of one chunk carrying {@code content} (for stand-ins and tests). */
  public static String chunk(String content, String finishReason) {
    ObjectNode root = MAPPER.createObjectNode();
    ObjectNode choice = root.putArray("choices").addObject();
    choice.putObject("delta").put("content", content);
    if (finishReason == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finishReason);
    }
    return root.toString();
  }

  /** The messages of a request body (for stand-ins and tests). */
  public static List<Message> messagesOf(byte[] body) {
    try {
      JsonNode n = MAPPER.readTree(body);
      return StreamSupport.stream(n.path("messages").spliterator(), false)
          .map(m -> new Message(m.path("role").asText(), m.path("content").asText()))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
