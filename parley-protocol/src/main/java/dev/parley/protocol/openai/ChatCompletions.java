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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

  /**
   * One message of the conversation sent to the model. {@code role}: system, user or assistant.
   * With {@code images}, its {@code content} goes as an array of content parts: the text first,
   * then an {@code image_url} part per image (what models that accept image input read); without,
   * as a string.
   */
  public record Message(String role, String content, List<Image> images) {
    public Message {
      images = images == null ? List.of() : List.copyOf(images);
    }

    /** A message of text alone. */
    public Message(String role, String content) {
      this(role, content, List.of());
    }

    /** This message without its images (for a model that refuses image input). */
    public Message textOnly() {
      return images.isEmpty() ? this : new Message(role, content);
    }
  }

  /**
   * An image content part: {@code url} a {@code data:} URL ({@code data:image/png;base64,…}) or an
   * https URL, {@code detail} {@code auto}, {@code low} or {@code high}.
   */
  public record Image(String url, String detail) {
    @Override
    public String toString() {
      return "Image[" + url.length() + " characters, " + detail + "]"; // not the whole data URL
    }
  }

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
      ObjectNode o = arr.addObject().put("role", m.role());
      if (m.images().isEmpty()) {
        o.put("content", m.content());
        continue;
      }
      ArrayNode parts = o.putArray("content");
      parts.addObject().put("type", "text").put("text", m.content());
      for (Image i : m.images()) {
        parts
            .addObject()
            .put("type", "image_url")
            .putObject("image_url")
            .put("url", i.url())
            .put("detail", i.detail());
      }
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

  /**
   * The messages of a request body (for stand-ins and tests): a message whose content is an array
   * of parts has the text of its text parts (joined by newlines) and its image parts.
   */
  public static List<Message> messagesOf(byte[] body) {
    try {
      JsonNode n = MAPPER.readTree(body);
      return StreamSupport.stream(n.path("messages").spliterator(), false)
          .map(ChatCompletions::message)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Message message(JsonNode m) {
    JsonNode content = m.path("content");
    if (!content.isArray()) {
      return new Message(m.path("role").asText(), content.asText());
    }
    StringBuilder text = new StringBuilder();
    List<Image> images = new ArrayList<>();
    for (JsonNode part : content) {
      switch (part.path("type").asText()) {
        case "text" -> text.append(text.isEmpty() ? "" : "\n").append(part.path("text").asText());
        case "image_url" ->
            images.add(
                new Image(
                    part.path("image_url").path("url").asText(),
                    part.path("image_url").path("detail").asText(null)));
        default -> {} // parts of kinds this side never sends
      }
    }
    return new Message(m.path("role").asText(), text.toString(), images);
  }

  /**
   * Whether an HTTP error body ({@code {"error": {"message": …, "type": …}}} or plain text) may say
   * that the model does not take the image parts it was sent: it names images, vision, multimodal
   * input or the message content it could not read (a server that wants {@code content} to be a
   * string). Servers word it differently ("image_url is only supported by certain models", "does
   * not support image input", "is not a multimodal model"); a false positive costs one more
   * request, so the test is broad.
   */
  public static boolean refusesImages(String errorBody) {
    String b = errorBody == null ? "" : errorBody.toLowerCase(Locale.ROOT);
    return b.contains("image")
        || b.contains("vision")
        || b.contains("multimodal")
        || b.contains("content");
  }
}
