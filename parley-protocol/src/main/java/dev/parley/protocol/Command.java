package dev.parley.protocol;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.lang.reflect.RecordComponent;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command: a frame a client sends to the server. See {@code docs/PROTOCOL.md#commands}.
 *
 * <p>The records here are the core's commands, which every deployment understands. A layer above
 * the core adds its own command types with {@link Codec.Builder#command}; they implement this
 * interface and are carried out by the core's extension.
 *
 * <p>Records are immutable. {@link #validate()} checks what the JSON shape cannot: required fields,
 * lengths and ranges; the {@link Codec} calls it after decoding.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Command.Hello.class, name = "hello"),
  @JsonSubTypes.Type(value = Command.Join.class, name = "join"),
  @JsonSubTypes.Type(value = Command.Leave.class, name = "leave"),
  @JsonSubTypes.Type(value = Command.Send.class, name = "send"),
  @JsonSubTypes.Type(value = Command.Receipt.class, name = "receipt"),
  @JsonSubTypes.Type(value = Command.History.class, name = "history"),
  @JsonSubTypes.Type(value = Command.Typing.class, name = "typing"),
  @JsonSubTypes.Type(value = Command.Ping.class, name = "ping"),
  @JsonSubTypes.Type(value = Command.Auth.class, name = "auth"),
  @JsonSubTypes.Type(value = Command.PresenceList.class, name = "presence_list"),
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public interface Command {

  /** Longest accepted client id ({@code cid}) or request reference ({@code ref}), in characters. */
  int MAX_ID_CHARS = 64;

  /** Largest page a {@code history} command may ask for. */
  int MAX_HISTORY_LIMIT = 100;

  /** Page size when a {@code history} command names none. */
  int DEFAULT_HISTORY_LIMIT = 50;

  /** Checks required fields and ranges; throws {@link ProtocolException} naming the field. */
  void validate();

  /** The client id this command carries, or null. Echoed in an {@code error} about it. */
  default String cid() {
    return null;
  }

  /** The request reference this command carries, or null. Echoed in the reply. */
  String ref();

  /**
   * First command on every connection: credentials and resume positions.
   *
   * @param token a token from an earlier {@code welcome}, or null for a new anonymous user
   * @param resume per conversation, the highest contiguous {@code seq} the client holds; the server
   *     joins each and replays everything after it
   * @param user an account's login, with {@code password}
   * @param options the other fields of the frame, for the layer above the core (a chat widget names
   *     its site here); never null
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  record Hello(
      String ref,
      Integer v,
      String token,
      Map<String, Long> resume,
      String user,
      String password,
      @JsonAnySetter @JsonAnyGetter Map<String, Object> options)
      implements Command {

    /** Longest accepted option string, in characters. */
    public static final int MAX_OPTION_CHARS = 256;

    /** The query parameter that carries a {@code hello} in the opening request. */
    public static final String QUERY = "hello";

    /**
     * Query parameters that are never a hello's options: the handshake's token, the fallback
     * transports' {@code transport} and {@code key}, a frame's {@code type}, and every field of
     * this record (a password never comes in a URL, nor positions to resume). Derived from the
     * record's components, so a field added later can never slip into a URL as an option.
     */
    static final Set<String> NOT_OPTIONS = notOptions();

    private static Set<String> notOptions() {
      Set<String> names = new HashSet<>(Set.of(QUERY, "token", "transport", "key", "type"));
      for (RecordComponent c : Hello.class.getRecordComponents()) {
        if (!c.getName().equals("options")) {
          names.add(c.getName());
        }
      }
      return Set.copyOf(names);
    }

    public Hello {
      options = options == null ? new LinkedHashMap<>() : options;
    }

    /** A hello with a token (or none) and resume positions. */
    public Hello(String ref, Integer v, String token, Map<String, Long> resume) {
      this(ref, v, token, resume, null, null, null);
    }

    /**
     * The {@code hello} an opening request carries in its query ({@code /ws?hello=1&site=demo}), or
     * null when it carries none ({@code docs/PROTOCOL.md#hello-in-the-url}). {@code hello} is the
     * protocol version; every other parameter is an option, as the fields a frame's hello adds,
     * except the handshake's and the fallback transports' own and a hello's fields ({@link
     * #NOT_OPTIONS}). Not yet checked: run it through {@link Codec#check} as a decoded frame is.
     *
     * @throws ProtocolException {@code invalid_field} naming {@code hello} for another version
     */
    public static Hello fromQuery(Map<String, String> params) {
      String version = params.get(QUERY);
      if (version == null) {
        return null;
      }
      if (!version.equals("1")) {
        throw Fields.invalid(
            QUERY, "protocol version " + version + " is not supported; this server speaks 1");
      }
      Map<String, Object> options = new LinkedHashMap<>();
      params.forEach(
          (name, value) -> {
            if (!NOT_OPTIONS.contains(name)) {
              options.put(name, value);
            }
          });
      return new Hello(null, 1, null, null, null, null, options);
    }

    /** The string option {@code name}, or null when absent. */
    public String option(String name) {
      return options.get(name) instanceof String s ? s : null;
    }

    /** This hello with the string option {@code name} set (a client adds its site this way). */
    public Hello withOption(String name, String value) {
      Map<String, Object> o = new LinkedHashMap<>(options);
      o.put(name, value);
      return new Hello(ref, v, token, resume, user, password, o);
    }

    @Override
    public void validate() {
      Fields.optionalRef(ref);
      if ((user == null) != (password == null)) {
        throw Fields.invalid(
            user == null ? "user" : "password",
            "goes with " + (user == null ? "password" : "user"));
      }
      if (user != null && (user.isEmpty() || user.length() > 64 || password.length() > 256)) {
        throw Fields.invalid("user", "must be 1-64 characters (password at most 256)");
      }
      if (user != null && user.chars().anyMatch(Character::isISOControl)) {
        // A user name is logged as given (a failed login): a line break would forge a log line.
        throw Fields.invalid("user", "must hold no control characters");
      }
      if (v != null && v != 1) {
        throw Fields.invalid(
            "v", "protocol version " + v + " is not supported; this server speaks 1");
      }
      if (token != null && token.length() > 4096) {
        throw Fields.invalid("token", "longer than 4096 characters");
      }
      if (resume != null) {
        if (resume.size() > 100) {
          throw Fields.invalid("resume", "more than 100 conversations");
        }
        resume.forEach(
            (conv, seq) -> {
              Fields.conversation("resume", conv);
              if (seq == null || seq < 0) {
                throw Fields.invalid("resume", "position for " + conv + " must be a number >= 0");
              }
            });
      }
      if (options.size() > 16) {
        throw Fields.invalid("hello", "has more than 16 unknown fields");
      }
      options.forEach(
          (name, value) -> {
            if (value instanceof String str && str.length() > MAX_OPTION_CHARS) {
              throw Fields.invalid(name, "longer than " + MAX_OPTION_CHARS + " characters");
            }
          });
    }
  }

  /**
   * Subscribe to a conversation. With {@code after}, the server first replays every message whose
   * {@code seq} is greater, then continues live. {@code epoch} goes with {@code after} for an
   * ephemeral channel: the epoch the client's position belongs to ({@code joined.epoch}), null for
   * none (docs/PROTOCOL.md#ephemeral-channels).
   */
  record Join(String ref, String conv, Long after, String epoch) implements Command {
    /** A join without an epoch (every durable conversation). */
    public Join(String ref, String conv, Long after) {
      this(ref, conv, after, null);
    }

    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
      if (after != null && after < 0) {
        throw Fields.invalid("after", "must be >= 0");
      }
      if (epoch != null && (epoch.isEmpty() || epoch.length() > MAX_ID_CHARS)) {
        throw Fields.invalid("epoch", "must be 1-" + MAX_ID_CHARS + " characters");
      }
    }
  }

  /** Stop receiving a conversation's events on this connection. */
  record Leave(String ref, String conv) implements Command {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
    }
  }

  /**
   * Post a message. The server answers {@code ack} with the stored {@code seq} once the message is
   * durable; the same {@code cid} sent again gets the same ack and stores nothing new.
   *
   * @param text the message; may be empty (or left out) when it carries attachments
   * @param attachments ids of files the sender uploaded to this conversation (docs/PROTOCOL.md#
   *     attachments), at most {@link MessageMeta#MAX_ATTACHMENTS}, each once; null or empty for
   *     none. The layer above the core turns them into the message's {@code meta}.
   */
  record Send(
      String ref,
      String cid,
      String conv,
      String text,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> attachments)
      implements Command {

    public Send {
      attachments = attachments == null ? List.of() : attachments;
      text = text == null && !attachments.isEmpty() ? "" : text;
    }

    /** A message without attachments. */
    public Send(String ref, String cid, String conv, String text) {
      this(ref, cid, conv, text, List.of());
    }

    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.id("cid", cid);
      Fields.conversation("conv", conv);
      if (attachments.size() > MessageMeta.MAX_ATTACHMENTS) {
        throw new ProtocolException(
            ErrorCode.TOO_MANY_ATTACHMENTS,
            "a message carries at most " + MessageMeta.MAX_ATTACHMENTS + " files",
            "attachments");
      }
      for (String id : attachments) {
        if (id == null || !MessageMeta.Attachment.ID.matcher(id).matches()) {
          throw Fields.invalid("attachments", "holds something that is not a file id");
        }
      }
      if (attachments.stream().distinct().count() < attachments.size()) {
        throw Fields.invalid("attachments", "names a file twice");
      }
      if (text == null) {
        throw Fields.missing("text");
      }
      if (text.isBlank() && attachments.isEmpty()) {
        throw Fields.invalid("text", "must not be blank");
      }
    }
  }

  /** Cumulative receipt: this participant has {@code kind} everything up to {@code seq}. */
  record Receipt(String ref, String conv, String kind, Long seq) implements Command {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
      if (kind == null) {
        throw Fields.missing("kind");
      }
      if (!kind.equals("delivered") && !kind.equals("read")) {
        throw Fields.invalid("kind", "must be \"delivered\" or \"read\"");
      }
      if (seq == null) {
        throw Fields.missing("seq");
      }
      if (seq < 1) {
        throw Fields.invalid("seq", "must be >= 1");
      }
    }
  }

  /**
   * Page backwards through stored messages: the newest {@code limit} with seq below {@code before}.
   */
  record History(String ref, String conv, Long before, Integer limit) implements Command {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
      if (before != null && before < 1) {
        throw Fields.invalid("before", "must be >= 1");
      }
      if (limit != null && (limit < 1 || limit > MAX_HISTORY_LIMIT)) {
        throw Fields.invalid("limit", "must be between 1 and " + MAX_HISTORY_LIMIT);
      }
    }

    /** The page size to use. */
    public int limitOrDefault() {
      return limit == null ? DEFAULT_HISTORY_LIMIT : limit;
    }
  }

  /** Largest page a {@code presence_list} command may ask for. */
  int MAX_PRESENCE_LIMIT = 1000;

  /** The page a {@code presence_list} command gets when it names no {@code limit}. */
  int DEFAULT_PRESENCE_LIMIT = 100;

  /**
   * Page through the users present in a joined conversation, in ascending order: the first {@code
   * limit} after the user {@code after} (from the first when absent).
   */
  record PresenceList(String ref, String conv, String after, Integer limit) implements Command {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
      if (after != null && (after.isEmpty() || after.length() > 256)) {
        throw Fields.invalid("after", "must be a user id");
      }
      if (limit != null && (limit < 1 || limit > MAX_PRESENCE_LIMIT)) {
        throw Fields.invalid("limit", "must be between 1 and " + MAX_PRESENCE_LIMIT);
      }
    }

    /** The page size to use. */
    public int limitOrDefault() {
      return limit == null ? DEFAULT_PRESENCE_LIMIT : limit;
    }
  }

  /** Ephemeral typing indicator; not stored, carries no seq. */
  record Typing(String ref, String conv, Boolean on) implements Command {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
      Fields.conversation("conv", conv);
      if (on == null) {
        throw Fields.missing("on");
      }
    }
  }

  /** Application-level liveness check for clients that cannot send WebSocket pings (browsers). */
  record Ping(String ref) implements Command {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
    }
  }

  /**
   * Refreshes a live connection's credentials before they expire: a fresh token of the same user
   * and role, or none to ask the server for one (an agent who logged in with a password). The
   * server answers {@code authed}; without it, the connection is closed with 4401 when the old
   * credentials expire.
   */
  record Auth(String ref, String token) implements Command {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
      if (token != null && token.isEmpty()) {
        throw Fields.invalid("token", "must not be empty (leave it out to ask for a fresh one)");
      }
      if (token != null && token.length() > 4096) {
        throw Fields.invalid("token", "longer than 4096 characters");
      }
    }
  }
}
