package dev.parley.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;

/**
 * An event: a frame the server sends to a client. See {@code docs/PROTOCOL.md#events}.
 *
 * <p>Clients must ignore fields they do not know, and events of a type they do not know (decoded
 * here as {@link Unknown}), so the server can add both without a new protocol version.
 */
@JsonTypeInfo(
    use = JsonTypeInfo.Id.NAME,
    property = "type",
    defaultImpl = Push.Unknown.class)
@JsonSubTypes({
  @JsonSubTypes.Type(value = Push.Welcome.class, name = "welcome"),
  @JsonSubTypes.Type(value = Push.Authed.class, name = "authed"),
  @JsonSubTypes.Type(value = Push.Joined.class, name = "joined"),
  @JsonSubTypes.Type(value = Push.Left.class, name = "left"),
  @JsonSubTypes.Type(value = Push.Message.class, name = "message"),
  @JsonSubTypes.Type(value = Push.Ack.class, name = "ack"),
  @JsonSubTypes.Type(value = Push.Receipt.class, name = "receipt"),
  @JsonSubTypes.Type(value = Push.Typing.class, name = "typing"),
  @JsonSubTypes.Type(value = Push.Presence.class, name = "presence"),
  @JsonSubTypes.Type(value = Push.Conversation.class, name = "conversation"),
  @JsonSubTypes.Type(value = Push.Answer.class, name = "answer"),
  @JsonSubTypes.Type(value = Push.History.class, name = "history"),
  @JsonSubTypes.Type(value = Push.Pong.class, name = "pong"),
  @JsonSubTypes.Type(value = Push.Error.class, name = "error"),
})
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public sealed interface Push {

  /**
   * Answer to {@code hello}.
   *
   * @param session this connection's session id (for logs and support)
   * @param user the authenticated user id
   * @param role {@code visitor}, {@code agent} or {@code admin}
   * @param token present it in the next {@code hello} to stay the same user
   * @param heartbeatMs how often the server pings; a client that hears nothing for twice this long
   *     should reconnect
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Welcome(String ref, String session, String user, String role, String token, long heartbeatMs,
      Long expiresAt) implements Push {

    /** A welcome for credentials that never expire. */
    public Welcome(String ref, String session, String user, String role, String token, long heartbeatMs) {
      this(ref, session, user, role, token, heartbeatMs, null);
    }
  }

  /** An {@code auth} command's fresh token was accepted; the connection now expires at {@code expiresAt} (epoch ms), or never (null). */
  record Authed(String ref, Long expiresAt) implements Push {}

  /**
   * A conversation is joined. Replayed {@code message}s (seq after the requested position) follow,
   * then live ones. {@code lastSeq} is the newest stored seq when the join was handled, and
   * {@code receipts} the participants' cumulative receipts at that time, {@code presence} the users
   * connected to the conversation (on any node), this one included. {@code from} is the position the
   * replay starts after: a client that did not ask for this join (the server joined it to its
   * conversation) takes it as its position.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Joined(String ref, String conv, long lastSeq, long from, List<Receipt> receipts, List<String> presence)
      implements Push {}

  /** {@code user} came online in (joined) or went offline from (left, disconnected) {@code conv}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Presence(String conv, String user, boolean online) implements Push {}

  /** A conversation is left. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Left(String ref, String conv) implements Push {}

  /**
   * A stored message. {@code seq} is gapless per conversation. {@code cid} is the sender's client
   * id, so a sender that lost an {@code ack} recognises its own message. {@code kind} is {@code
   * text} (people), {@code bot} or {@code system}; {@code status} marks an answer that was {@code
   * stopped} or {@code interrupted}.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Message(String conv, long seq, String id, String from, String kind, String text, long ts, String cid,
      String status) implements Push {}

  /** The message with this {@code cid} is durable with this {@code seq}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Ack(String ref, String cid, String conv, long seq, String id, long ts) implements Push {}

  /** A participant's cumulative receipt: {@code user} has {@code kind} everything up to {@code seq}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Receipt(String conv, String user, String kind, long seq) implements Push {}

  /**
   * Ephemeral typing state of {@code user}. An {@code on} indicator expires by itself after
   * {@code ttlMs} unless renewed.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Typing(String conv, String user, boolean on, long ttlMs) implements Push {}

  /** A page of stored messages in ascending seq order; {@code more} says older ones exist. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record History(String ref, String conv, List<Message> messages, boolean more) implements Push {}

  /** Answer to {@code ping}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Pong(String ref) implements Push {}

  /**
   * A command was not carried out. {@code cid} and {@code ref} name the command when it had them;
   * {@code retry} tells the client whether sending it again may succeed.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Error(String code, String message, String cid, String ref, Boolean retry, String field)
      implements Push {
    /** An error for {@code code} with a human-readable message. */
    public static Error of(ErrorCode code, String message, String cid, String ref, String field) {
      return new Error(code.code(), message, cid, ref, code.retryable(), field);
    }
  }

  /**
   * A chat conversation's state, sent to its participants whenever it changes (and to a visitor
   * after {@code hello}).
   *
   * @param status {@code bot}, {@code queued}, {@code assigned} or {@code resolved}
   * @param agent the assigned agent's display name, or null
   * @param agentId the assigned agent's user id, or null (agents' events)
   * @param visitor the visitor's user id (agents' events)
   * @param position place in the queue, from 1, while queued
   * @param waitSeconds estimated wait while queued
   * @param sentiment the visitor's mood from -1 (upset) to 1 (happy), from its last message
   * @param note why the status is what it is, for people (e.g. outside business hours)
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Conversation(String conv, String site, String status, String agent, String agentId, String visitor,
      Integer position, Integer waitSeconds, Double sentiment, String note) implements Push {

    /** Just the state, for a visitor. */
    public Conversation(String conv, String site, String status, String agent) {
      this(conv, site, status, agent, null, null, null, null, null, null);
    }
  }

  /**
   * A bot answer as it streams: {@code start}, then {@code delta}s, then {@code end}. Keyed by
   * {@code id}, which the stored message of the final text carries too. A {@code delta}'s {@code
   * text} belongs at character {@code offset} of the answer; a client that already holds more
   * than {@code offset} characters skips what it has (after a reconnect the first delta carries
   * the whole text so far at offset 0). {@code end} carries {@code status}: {@code complete},
   * {@code stopped}, {@code interrupted} or {@code failed}.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Answer(String conv, String id, String phase, String text, Integer offset, String status) implements Push {}

  /** An event of a type this client does not know; ignore it. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Unknown(Map<String, Object> ignored) implements Push {}
}
