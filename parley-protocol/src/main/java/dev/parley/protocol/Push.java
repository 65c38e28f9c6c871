package dev.parley.protocol;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An event: a frame the server sends to a client. See {@code docs/PROTOCOL.md#events}.
 *
 * <p>The records here are the core's events. A layer above the core adds its own event types with
 * {@link Codec.Builder#event}. Clients must ignore fields they do not know, and events of a type
 * they do not know (decoded here as {@link Unknown}), so the server can add both without a new
 * protocol version.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", defaultImpl = Push.Unknown.class)
@JsonSubTypes({
  @JsonSubTypes.Type(value = Push.Welcome.class, name = "welcome"),
  @JsonSubTypes.Type(value = Push.Authed.class, name = "authed"),
  @JsonSubTypes.Type(value = Push.Joined.class, name = "joined"),
  @JsonSubTypes.Type(value = Push.Left.class, name = "left"),
  @JsonSubTypes.Type(value = Push.ContinuityLost.class, name = "continuity_lost"),
  @JsonSubTypes.Type(value = Push.Message.class, name = "message"),
  @JsonSubTypes.Type(value = Push.Ack.class, name = "ack"),
  @JsonSubTypes.Type(value = Push.Receipt.class, name = "receipt"),
  @JsonSubTypes.Type(value = Push.Typing.class, name = "typing"),
  @JsonSubTypes.Type(value = Push.Presence.class, name = "presence"),
  @JsonSubTypes.Type(value = Push.PresenceBatch.class, name = "presence_batch"),
  @JsonSubTypes.Type(value = Push.PresenceList.class, name = "presence_list"),
  @JsonSubTypes.Type(value = Push.History.class, name = "history"),
  @JsonSubTypes.Type(value = Push.Pong.class, name = "pong"),
  @JsonSubTypes.Type(value = Push.Error.class, name = "error"),
})
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public interface Push {

  /**
   * Answer to {@code hello}.
   *
   * @param session this connection's session id (for logs and support)
   * @param user the authenticated user id
   * @param token present it in the next {@code hello} to stay the same user; absent when the client
   *     already holds it (it came with the handshake)
   * @param heartbeatMs how often the server pings; a client that hears nothing for twice this long
   *     should reconnect
   * @param expiresAt when the credentials expire (epoch ms), or null when they do not
   * @param claims what the layer above the core says about the user ({@code role}, {@code site}),
   *     as top-level fields of the event
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Welcome(
      String ref,
      String session,
      String user,
      String token,
      long heartbeatMs,
      Long expiresAt,
      @JsonAnySetter @JsonAnyGetter Map<String, String> claims)
      implements Push {

    public Welcome {
      claims = claims == null ? new LinkedHashMap<>() : claims;
    }

    /** The claim {@code name}, or null. */
    public String claim(String name) {
      return claims.get(name);
    }
  }

  /**
   * An {@code auth} command was carried out: the connection now expires at {@code expiresAt} (epoch
   * ms), or never (null); {@code token} is the fresh token the server made when {@code auth} asked
   * for one (keep it for the next connection), else absent.
   */
  record Authed(String ref, Long expiresAt, String token) implements Push {
    /** An answer to an {@code auth} that brought its own token. */
    public Authed(String ref, Long expiresAt) {
      this(ref, expiresAt, null);
    }
  }

  /**
   * A conversation is joined. Replayed {@code message}s (seq after the requested position) follow,
   * then live ones. {@code lastSeq} is the newest stored seq when the join was handled, and {@code
   * receipts} the participants' cumulative receipts at that time, {@code presence} the first
   * {@value #JOINED_PRESENCE_CAP} users (in ascending order) connected to the conversation on any
   * node, this one included, and {@code presenceCount} how many are connected in all (more than
   * {@code presence} lists when it was capped; {@code presence_list} pages through the rest).
   * {@code from} is the position the replay starts after: a client that did not ask for this join
   * (the server joined it to its conversation) takes it as its position. {@code epoch} is set for
   * an ephemeral channel only: the epoch its seqs belong to (docs/PROTOCOL.md#ephemeral-channels).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Joined(
      String ref,
      String conv,
      long lastSeq,
      long from,
      List<Receipt> receipts,
      List<String> presence,
      int presenceCount,
      String epoch)
      implements Push {

    /** A join of a durable conversation. */
    public Joined(
        String ref,
        String conv,
        long lastSeq,
        long from,
        List<Receipt> receipts,
        List<String> presence,
        int presenceCount) {
      this(ref, conv, lastSeq, from, receipts, presence, presenceCount, null);
    }

    /** A join whose presence list is complete. */
    public Joined(
        String ref,
        String conv,
        long lastSeq,
        long from,
        List<Receipt> receipts,
        List<String> presence) {
      this(ref, conv, lastSeq, from, receipts, presence, presence == null ? 0 : presence.size());
    }
  }

  /** Most users a {@code joined} lists in {@code presence}. */
  int JOINED_PRESENCE_CAP = 100;

  /**
   * Many users came to or went from {@code conv} at once (coalesced on the server): {@code joined}
   * and {@code left} name them, at most {@value #PRESENCE_BATCH_CAP} in all; {@code omitted} counts
   * the changes left out beyond that (absent when none), after which a client that shows the list
   * reads it again with {@code presence_list}. {@code count} is how many users were present when
   * the batch was sent, as the sending node saw it. May name the receiver's own user.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record PresenceBatch(
      String conv, List<String> joined, List<String> left, Integer omitted, Integer count)
      implements Push {}

  /** Most users one {@code presence_batch} names. */
  int PRESENCE_BATCH_CAP = 100;

  /**
   * Answer to {@code presence_list}: {@code users} present in {@code conv} in ascending order,
   * {@code count} present in all, and {@code next} the {@code after} of the following page (absent
   * on the last page).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record PresenceList(String ref, String conv, int count, List<String> users, String next)
      implements Push {}

  /**
   * {@code user} came online in (joined) or went offline from (left, disconnected) {@code conv}.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Presence(String conv, String user, boolean online) implements Push {}

  /** A conversation is left. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Left(String ref, String conv) implements Push {}

  /**
   * An ephemeral channel's subscriber missed messages the server no longer holds (its position is
   * of another epoch, or older than the channel's history window, or it fell behind live): the
   * messages after {@code from} of {@code epoch} follow, then live ones; {@code lastSeq} is the
   * newest seq of the epoch when this was sent. The client takes ({@code epoch}, {@code from}) as
   * its position and resynchronises what it shows (docs/PROTOCOL.md#ephemeral-channels).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record ContinuityLost(String conv, String epoch, long from, long lastSeq) implements Push {}

  /**
   * A stored message. {@code seq} is gapless per conversation. {@code cid} is the sender's client
   * id, so a sender that lost an {@code ack} recognises its own message. {@code kind} is {@code
   * text} (people), {@code bot} or {@code system}; {@code status} marks an answer that was {@code
   * stopped} or {@code interrupted}. {@code meta} is what the message carries besides its text (a
   * bot answer's sources), absent when it carries nothing (docs/PROTOCOL.md#message-meta).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Message(
      String conv,
      long seq,
      String id,
      String from,
      String kind,
      String text,
      long ts,
      String cid,
      String status,
      MessageMeta meta)
      implements Push {

    /** A message without meta. */
    public Message(
        String conv,
        long seq,
        String id,
        String from,
        String kind,
        String text,
        long ts,
        String cid,
        String status) {
      this(conv, seq, id, from, kind, text, ts, cid, status, null);
    }

    /** The files it carries ({@code meta.attachments}), empty when none. */
    @JsonIgnore
    public List<MessageMeta.Attachment> attachments() {
      return meta == null ? List.of() : meta.attachments();
    }
  }

  /** The message with this {@code cid} is durable with this {@code seq}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Ack(String ref, String cid, String conv, long seq, String id, long ts) implements Push {}

  /**
   * A participant's cumulative receipt: {@code user} has {@code kind} everything up to {@code seq}.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Receipt(String conv, String user, String kind, long seq) implements Push {}

  /**
   * Ephemeral typing state of {@code user}. An {@code on} indicator expires by itself after {@code
   * ttlMs} unless renewed.
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
   * {@code conv} names the conversation when the error is about one (a {@code resume} entry that
   * was refused carries no ref); {@code retry} tells the client whether sending it again may
   * succeed, and {@code retryAfterMs}, when present, how long to wait first.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @SuppressWarnings("JavaLangClash") // the protocol names this event error
  record Error(
      String code,
      String message,
      String cid,
      String ref,
      Boolean retry,
      String field,
      String conv,
      Long retryAfterMs)
      implements Push {
    /** An error without a retry hint. */
    public Error(
        String code,
        String message,
        String cid,
        String ref,
        Boolean retry,
        String field,
        String conv) {
      this(code, message, cid, ref, retry, field, conv, null);
    }

    /** An error for {@code code} with a human-readable message. */
    public static Error of(ErrorCode code, String message, String cid, String ref, String field) {
      return new Error(code.code(), message, cid, ref, code.retryable(), field, null, null);
    }

    /** The same error, about conversation {@code c}. */
    public Error about(String c) {
      return new Error(code, message, cid, ref, retry, field, c, retryAfterMs);
    }

    /** The same error, saying when sending again may succeed ({@code rate_limited}). */
    public Error retryAfter(long millis) {
      return new Error(code, message, cid, ref, retry, field, conv, millis);
    }
  }

  /** An event of a type this client does not know; ignore it. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Unknown(Map<String, Object> ignored) implements Push {}
}
