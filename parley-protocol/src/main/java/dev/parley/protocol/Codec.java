package dev.parley.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Turns {@link Command}s and {@link Push}es into UTF-8 JSON and back.
 *
 * <p>Thread-safe and immutable once built: one instance serves every event loop. Decoding is
 * strict about types (a number is never taken for a string, nor a string for a number) and
 * lenient about unknown fields, so newer clients can add fields. Every rejected frame becomes a
 * {@link ProtocolException} carrying an {@link ErrorCode} and, where the frame had them, its
 * {@code cid} and {@code ref}.
 */
public final class Codec {
  private final ObjectMapper mapper;
  private final ObjectReader treeReader;
  private final ObjectReader pushReader;
  private final ObjectWriter pushWriter;
  private final ObjectWriter commandWriter;

  /** A codec with the default limits: nesting depth 32, strings up to 1 MiB. */
  public Codec() {
    this(32, 1 << 20);
  }

  /**
   * A codec with explicit limits.
   *
   * @param maxNestingDepth deepest accepted JSON nesting
   * @param maxStringChars longest accepted JSON string
   */
  public Codec(int maxNestingDepth, int maxStringChars) {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(maxNestingDepth)
                    .maxStringLength(maxStringChars)
                    .maxNumberLength(32)
                    .build())
            .build();
    JsonMapper m =
        JsonMapper.builder(factory)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    for (LogicalType t : new LogicalType[] {LogicalType.Textual, LogicalType.Boolean, LogicalType.Integer}) {
      m.coercionConfigFor(t)
          .setCoercion(CoercionInputShape.Integer, t == LogicalType.Integer ? CoercionAction.TryConvert : CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, t == LogicalType.Boolean ? CoercionAction.TryConvert : CoercionAction.Fail)
          .setCoercion(CoercionInputShape.String, t == LogicalType.Textual ? CoercionAction.TryConvert : CoercionAction.Fail)
          .setCoercion(CoercionInputShape.EmptyString, t == LogicalType.Textual ? CoercionAction.TryConvert : CoercionAction.Fail);
    }
    this.mapper = m;
    this.treeReader = m.reader();
    this.pushReader = m.readerFor(Push.class);
    this.pushWriter = m.writerFor(Push.class);
    this.commandWriter = m.writerFor(Command.class);
  }

  /**
   * Decodes and validates one command frame.
   *
   * @throws ProtocolException when the frame is not a valid command
   */
  public Command decodeCommand(byte[] utf8, int offset, int length) {
    JsonNode tree;
    try {
      tree = treeReader.readTree(utf8, offset, length);
    } catch (IOException e) {
      throw new ProtocolException(ErrorCode.BAD_JSON, "frame is not valid JSON: " + brief(e), null);
    }
    if (tree == null || !tree.isObject()) {
      throw new ProtocolException(ErrorCode.BAD_JSON, "a command is a JSON object", null);
    }
    String cid = textOrNull(tree.get("cid"));
    String ref = textOrNull(tree.get("ref"));
    JsonNode type = tree.get("type");
    if (type == null || !type.isTextual()) {
      throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "missing string field \"type\"", "type")
          .naming(cid, ref);
    }
    Command command;
    try {
      command = mapper.treeToValue(tree, Command.class);
    } catch (InvalidTypeIdException e) {
      throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown command type \"" + type.asText() + "\"", "type")
          .naming(cid, ref);
    } catch (MismatchedInputException e) {
      String field = fieldOf(e);
      throw new ProtocolException(
              ErrorCode.INVALID_FIELD,
              field == null ? "a field has the wrong JSON type" : "field \"" + field + "\" has the wrong JSON type",
              field)
          .naming(cid, ref);
    } catch (JsonProcessingException e) {
      String field = e instanceof JsonMappingException jme ? fieldOf(jme) : null;
      throw new ProtocolException(ErrorCode.INVALID_FIELD, "command cannot be read: " + brief(e), field)
          .naming(cid, ref);
    }
    try {
      command.validate();
    } catch (ProtocolException e) {
      throw e.naming(cid, ref);
    }
    return command;
  }

  /** Decodes a whole frame; see {@link #decodeCommand(byte[], int, int)}. */
  public Command decodeCommand(byte[] utf8) {
    return decodeCommand(utf8, 0, utf8.length);
  }

  /** Encodes an event as UTF-8 JSON. */
  public byte[] encode(Push push) {
    try {
      return pushWriter.writeValueAsBytes(push);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Encodes a command as UTF-8 JSON (used by clients). */
  public byte[] encode(Command command) {
    try {
      return commandWriter.writeValueAsBytes(command);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decodes an event (used by clients); unknown event types become {@link Push.Unknown}. */
  public Push decodePush(byte[] utf8, int offset, int length) {
    try {
      return pushReader.readValue(utf8, offset, length);
    } catch (IOException e) {
      throw new ProtocolException(ErrorCode.BAD_JSON, "event is not valid JSON: " + brief(e), null);
    }
  }

  /** Decodes an event from text (used by clients whose WebSocket API hands out strings). */
  public Push decodePush(String json) {
    try {
      return pushReader.readValue(json);
    } catch (IOException e) {
      throw new ProtocolException(ErrorCode.BAD_JSON, "event is not valid JSON: " + brief(e), null);
    }
  }

  private static String textOrNull(JsonNode node) {
    return node != null && node.isTextual() ? node.asText() : null;
  }

  private static String fieldOf(JsonMappingException e) {
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        return r.getFieldName();
      }
    }
    return null;
  }

  private static String brief(Exception e) {
    String m = e.getMessage();
    if (m == null) {
      return e.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return nl > 0 ? m.substring(0, nl) : m;
  }
}
