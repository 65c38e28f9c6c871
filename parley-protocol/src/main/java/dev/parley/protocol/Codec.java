package dev.parley.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
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
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns {@link Command}s and {@link Push}es into UTF-8 JSON and back.
 *
 * <p>{@code new Codec()} knows the core's commands and events; {@link #builder()} adds the types of
 * a layer above the core (its commands, its events, and checks of core commands' extra fields).
 *
 * <p>Thread-safe and immutable once built: one instance serves every event loop. Decoding is strict
 * about types (a number is never taken for a string, nor a string for a number) and lenient about
 * unknown fields, so newer clients can add fields; a key twice in one object of a command is not
 * JSON it accepts. Every rejected frame becomes a {@link ProtocolException} carrying an {@link
 * ErrorCode} and, where the frame had them, its {@code cid} and {@code ref}.
 *
 * <p>A command is read once, straight into its type; only a frame that cannot be read so is read a
 * second time, through a JSON tree, to name its error (measured in {@code CodecBenchmark}, see
 * docs/BENCHMARKS.md).
 */
public final class Codec {
  private final ObjectMapper mapper;
  private final ObjectReader treeReader;
  private final ObjectReader commandReader;
  private final ObjectReader pushReader;
  private final ObjectWriter pushWriter;
  private final ObjectWriter commandWriter;

  private final Map<Class<?>, List<Consumer<Command>>> checks;

  /** A codec of the core's types with the default limits: nesting depth 32, strings up to 1 MiB. */
  public Codec() {
    this(builder());
  }

  /**
   * A codec of the core's types with explicit limits.
   *
   * @param maxNestingDepth deepest accepted JSON nesting
   * @param maxStringChars longest accepted JSON string
   */
  public Codec(int maxNestingDepth, int maxStringChars) {
    this(builder().limits(maxNestingDepth, maxStringChars));
  }

  /** A builder that starts from the core's types and the default limits. */
  public static Builder builder() {
    return new Builder();
  }

  private Codec(Builder b) {
    int maxNestingDepth = b.maxNestingDepth;
    int maxStringChars = b.maxStringChars;
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
    for (LogicalType t :
        new LogicalType[] {LogicalType.Textual, LogicalType.Boolean, LogicalType.Integer}) {
      m.coercionConfigFor(t)
          .setCoercion(
              CoercionInputShape.Integer,
              t == LogicalType.Integer ? CoercionAction.TryConvert : CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(
              CoercionInputShape.Boolean,
              t == LogicalType.Boolean ? CoercionAction.TryConvert : CoercionAction.Fail)
          .setCoercion(
              CoercionInputShape.String,
              t == LogicalType.Textual ? CoercionAction.TryConvert : CoercionAction.Fail)
          .setCoercion(
              CoercionInputShape.EmptyString,
              t == LogicalType.Textual ? CoercionAction.TryConvert : CoercionAction.Fail);
    }
    b.commands.forEach((name, type) -> m.registerSubtypes(new NamedType(type, name)));
    b.events.forEach((name, type) -> m.registerSubtypes(new NamedType(type, name)));
    Map<Class<?>, List<Consumer<Command>>> c = new HashMap<>();
    b.checks.forEach((type, list) -> c.put(type, List.copyOf(list)));
    this.checks = Map.copyOf(c);
    this.mapper = m;
    // Commands only: an event's claims are top-level fields (Push.Welcome) and a client keeps
    // reading whatever a server sends.
    this.treeReader = m.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    this.commandReader =
        m.readerFor(Command.class).with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
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
    Command once = readOnce(utf8, offset, length);
    if (once != null) {
      try {
        check(once);
        return once;
      } catch (ProtocolException e) {
        // named below, by the frame's own cid and ref
      }
    }
    return decodeNamingErrors(utf8, offset, length);
  }

  /**
   * The frame read straight into its command, in one pass; null when it cannot be (not JSON, not an
   * object, an unknown type, a field of the wrong type…). Every frame a client sends in the normal
   * course of things is read here; {@link #decodeNamingErrors} reads a frame a second time only to
   * say what is wrong with it. Both read the same frames into the same commands: duplicate keys,
   * where "first" and "last" could differ between the two, are refused by the parser itself.
   */
  private Command readOnce(byte[] utf8, int offset, int length) {
    try {
      return commandReader.readValue(utf8, offset, length);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Runs a command's own validation and the layers' checks of it, as decoding a frame does: for a
   * command that came another way (a {@code hello} carried by the upgrade request).
   *
   * @throws ProtocolException what decoding the same command from a frame would throw
   */
  public void check(Command command) {
    command.validate();
    for (Consumer<Command> check : checks.getOrDefault(command.getClass(), List.of())) {
      check.accept(command);
    }
  }

  /**
   * Decodes a frame through a JSON tree, so that every error is named by the frame's {@code cid}
   * and {@code ref} and says what is wrong: the path of a frame {@link #readOnce} could not read.
   */
  private Command decodeNamingErrors(byte[] utf8, int offset, int length) {
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
      throw new ProtocolException(
              ErrorCode.UNKNOWN_TYPE, "unknown command type \"" + type.asText() + "\"", "type")
          .naming(cid, ref);
    } catch (MismatchedInputException e) {
      String field = fieldOf(e);
      throw new ProtocolException(
              ErrorCode.INVALID_FIELD,
              field == null
                  ? "a field has the wrong JSON type"
                  : "field \"" + field + "\" has the wrong JSON type",
              field)
          .naming(cid, ref);
    } catch (JsonProcessingException e) {
      String field = e instanceof JsonMappingException jme ? fieldOf(jme) : null;
      throw new ProtocolException(
              ErrorCode.INVALID_FIELD, "command cannot be read: " + brief(e), field)
          .naming(cid, ref);
    }
    try {
      check(command);
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

  /**
   * Builds a {@link Codec}: the core's types plus those a layer above the core registers. Not
   * thread-safe; build once at start-up.
   */
  public static final class Builder {
    private int maxNestingDepth = 32;
    private int maxStringChars = 1 << 20;
    private final Map<String, Class<? extends Command>> commands = new LinkedHashMap<>();
    private final Map<String, Class<? extends Push>> events = new LinkedHashMap<>();
    private final Map<Class<?>, List<Consumer<Command>>> checks = new HashMap<>();

    private Builder() {}

    /** Nesting depth and string length limits of decoded frames. */
    public Builder limits(int maxNestingDepth, int maxStringChars) {
      this.maxNestingDepth = maxNestingDepth;
      this.maxStringChars = maxStringChars;
      return this;
    }

    /** Decodes frames of type {@code name} as {@code type}. */
    public Builder command(String name, Class<? extends Command> type) {
      commands.put(name, type);
      return this;
    }

    /** Encodes {@code type} with type {@code name} (and decodes it, for clients). */
    public Builder event(String name, Class<? extends Push> type) {
      events.put(name, type);
      return this;
    }

    /**
     * Runs {@code check} on every decoded command of {@code type} after its own validation: a layer
     * checks the extra fields it reads (a hello's options). Throws {@link ProtocolException}.
     */
    public <C extends Command> Builder check(Class<C> type, Consumer<? super C> check) {
      checks.computeIfAbsent(type, k -> new ArrayList<>()).add(c -> check.accept(type.cast(c)));
      return this;
    }

    /** Lets {@code extension} register its types. */
    public Builder with(Consumer<Builder> extension) {
      extension.accept(this);
      return this;
    }

    public Codec build() {
      return new Codec(this);
    }
  }
}
