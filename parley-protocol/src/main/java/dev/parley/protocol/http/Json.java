package dev.parley.protocol.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON of REST bodies: records to bytes and back. Thread-safe. Reading is strict about unknown
 * types of values and lenient about unknown fields, like the WebSocket codec ({@link #readStrict}
 * refuses them).
 */
public final class Json {
  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(Include.NON_NULL, Include.USE_DEFAULTS))
          .build();
  private static final ObjectMapper STRICT =
      MAPPER.rebuild().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private Json() {}

  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a JSON request body as {@code type}.
   *
   * @throws IllegalArgumentException naming what is wrong with the body
   */
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
   * field the server would ignore could still change what a receiver of the same bytes does, and
   * for settings, where a misspelt field would silently keep its default.
   *
   * @throws FieldError naming the field that is unknown or of the wrong type
   * @throws IllegalArgumentException when the body is not JSON at all
   */
  public static <T> T readStrict(byte[] body, Class<T> type) {
    try {
      return STRICT.readValue(body, type);
    } catch (UnrecognizedPropertyException e) {
      throw new FieldError(path(e), "is not a field of this body");
    } catch (ValueInstantiationException e) {
      // A record that checks itself when made: its own words say what is wrong.
      if (e.getCause() instanceof IllegalArgumentException bad && !e.getPath().isEmpty()) {
        throw new FieldError(path(e), bad.getMessage());
      }
      throw new IllegalArgumentException(e.getOriginalMessage().split("\n")[0]);
    } catch (JsonMappingException e) {
      if (!e.getPath().isEmpty()) {
        throw new FieldError(
            path(e), "has the wrong type: " + e.getOriginalMessage().split("\n")[0]);
      }
      throw new IllegalArgumentException(e.getOriginalMessage().split("\n")[0]);
    } catch (IOException e) {
      String m = e.getMessage() == null ? "bad JSON" : e.getMessage().split("\n")[0];
      throw new IllegalArgumentException(m);
    }
  }

  /** A field's JSON path: {@code bot.llm.model}, {@code allowedOrigins[2]}. */
  private static String path(JsonMappingException e) {
    StringBuilder p = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        p.append(p.isEmpty() ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        p.append('[').append(r.getIndex()).append(']');
      }
    }
    return p.toString();
  }

  /** A body whose field {@link #field} is unknown or of the wrong type. */
  public static final class FieldError extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public FieldError(String field, String problem) {
      super(field + " " + problem);
      this.field = field;
    }

    /** The field's JSON path. */
    public String field() {
      return field;
    }
  }

  /**
   * {@code value} as JSON's own shapes: objects as insertion-ordered maps, arrays as lists, and
   * strings, numbers, booleans (no nulls: fields without a value are left out, as in {@link
   * #write}). For answers built by editing a record's fields.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> toMap(Object value) {
    return MAPPER.convertValue(value, LinkedHashMap.class);
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
