package dev.parley.protocol.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON of REST bodies: records to bytes and back. Thread-safe. Reading is strict about unknown
 * types of values and lenient about unknown fields, like the WebSocket codec ({@link #readStrict}
 * refuses them).
 */
public final class Json {
  private static final JsonMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .build();
  private static final ObjectMapper STRICT = MAPPER.rebuild()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private Json() {}

  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @throws IllegalArgumentException naming what is wrong with the body */
  public static <T> T read(byte[] body, Class<T> type) {
    try {
      return MAPPER.readValue(body, type);
    } catch (IOException e) {
      String m = e.getMessage() == null ? "bad JSON" : e.getMessage().split("\n")[0];
      throw new IllegalArgumentException(m);
    }
  }

  /**
   * Like {@link #read} but refuses fields {@code type} does not have: for signed bodies, where a
   * field the server would ignore could still change what a receiver of the same bytes does.
   *
   * @throws IllegalArgumentException naming what is wrong with the body
   */
  public static <T> T readStrict(byte[] body, Class<T> type) {
    try {
      return STRICT.readValue(body, type);
    } catch (IOException e) {
      String m = e.getMessage() == null ? "bad JSON" : e.getMessage().split("\n")[0];
      throw new IllegalArgumentException(m);
    }
  }

  /** Whether {@code body} parses as JSON at all. */
  public static boolean isJson(byte[] body) {
    try {
      MAPPER.readTree(body);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
