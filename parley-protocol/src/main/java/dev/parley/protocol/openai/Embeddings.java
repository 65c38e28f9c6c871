package dev.parley.protocol.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire format of OpenAI-compatible embeddings ({@code POST <base>/embeddings}: OpenAI, Ollama,
 * vLLM, llama.cpp server, text-embeddings-inference): the request {@code {"model": …, "input":
 * [texts]}} and the response {@code {"data": [{"index": i, "embedding": [floats]}, …]}}, whose
 * items may come in any order ({@code index} says which input each is for).
 *
 * <p>Stateless and thread-safe.
 */
public final class Embeddings {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Embeddings() {}

  /** An answer that is not a well-formed embeddings response; the message says what is wrong. */
  public static final class BadResponse extends RuntimeException {
    public BadResponse(String message) {
      super(message);
    }
  }

  /** The body of a request embedding {@code inputs} with {@code model}. */
  public static byte[] request(String model, List<String> inputs) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("model", model);
    ArrayNode in = root.putArray("input");
    inputs.forEach(in::add);
    root.put("encoding_format", "float");
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The vectors of a response to a request of {@code inputs} texts, in the inputs' order.
   *
   * @throws BadResponse when it is not JSON, lacks a vector, or its vectors differ in length
   */
  public static List<float[]> parse(byte[] body, int inputs) {
    JsonNode data;
    try {
      data = MAPPER.readTree(body).path("data");
    } catch (IOException e) {
      throw new BadResponse("the response is not JSON");
    }
    if (!data.isArray() || data.size() != inputs) {
      throw new BadResponse("the response holds no data array of " + inputs + " embeddings");
    }
    float[][] out = new float[inputs][];
    for (int i = 0; i < data.size(); i++) {
      JsonNode item = data.get(i);
      int index = item.path("index").isInt() ? item.get("index").asInt() : i;
      JsonNode e = item.path("embedding");
      if (index < 0 || index >= inputs || out[index] != null || !e.isArray() || e.isEmpty()) {
        throw new BadResponse("data[" + i + "] is not an embedding of one of the inputs");
      }
      float[] v = new float[e.size()];
      for (int j = 0; j < v.length; j++) {
        if (!e.get(j).isNumber()) {
          throw new BadResponse("data[" + i + "].embedding holds something else than numbers");
        }
        v[j] = (float) e.get(j).asDouble();
      }
      out[index] = v;
    }
    for (float[] v : out) {
      if (v.length != out[0].length) {
        throw new BadResponse("the embeddings differ in length");
      }
    }
    return List.of(out);
  }

  /** The response carrying {@code vectors} for {@code model} (for stand-ins and tests). */
  public static byte[] response(String model, List<float[]> vectors) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("object", "list");
    root.put("model", model);
    ArrayNode data = root.putArray("data");
    for (int i = 0; i < vectors.size(); i++) {
      ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
      ArrayNode e = item.putArray("embedding");
      for (float f : vectors.get(i)) {
        e.add(f);
      }
    }
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The model and inputs of a request body (for stand-ins and tests). */
  public record Request(String model, List<String> input) {}

  /** Reads a request body (for stand-ins and tests). */
  public static Request requestOf(byte[] body) {
    try {
      JsonNode n = MAPPER.readTree(body);
      List<String> in = new ArrayList<>();
      n.path("input").forEach(t -> in.add(t.asText()));
      return new Request(n.path("model").asText(), List.copyOf(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
