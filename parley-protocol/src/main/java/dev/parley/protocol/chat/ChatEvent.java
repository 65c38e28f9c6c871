package dev.parley.protocol.chat;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.parley.protocol.Push;
import java.util.List;

/**
 * The chat product's events (see {@code docs/PROTOCOL.md#chat-events}), registered with the codec
 * by {@link ChatProtocol}. Clients ignore fields they do not know.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public interface ChatEvent extends Push {

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
   * @param rating the visitor's rating of a resolved conversation ({@code good} or {@code bad}), or
   *     null when it has none (yet)
   * @param ratingComment the visitor's comment with the rating, or null
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Conversation(
      String conv,
      String site,
      String status,
      String agent,
      String agentId,
      String visitor,
      Integer position,
      Integer waitSeconds,
      Double sentiment,
      String note,
      String rating,
      String ratingComment,
      List<String> labels)
      implements ChatEvent {

    /** Without labels (a visitor's view, or a server before labels). */
    public Conversation(
        String conv,
        String site,
        String status,
        String agent,
        String agentId,
        String visitor,
        Integer position,
        Integer waitSeconds,
        Double sentiment,
        String note,
        String rating,
        String ratingComment) {
      this(
          conv,
          site,
          status,
          agent,
          agentId,
          visitor,
          position,
          waitSeconds,
          sentiment,
          note,
          rating,
          ratingComment,
          null);
    }

    /** Without a rating. */
    public Conversation(
        String conv,
        String site,
        String status,
        String agent,
        String agentId,
        String visitor,
        Integer position,
        Integer waitSeconds,
        Double sentiment,
        String note) {
      this(
          conv,
          site,
          status,
          agent,
          agentId,
          visitor,
          position,
          waitSeconds,
          sentiment,
          note,
          null,
          null);
    }

    /** Just the state, for a visitor. */
    public Conversation(String conv, String site, String status, String agent) {
      this(conv, site, status, agent, null, null, null, null, null, null);
    }

    /** This event with the visitor's rating. */
    public Conversation withRating(String value, String comment) {
      return new Conversation(
          conv,
          site,
          status,
          agent,
          agentId,
          visitor,
          position,
          waitSeconds,
          sentiment,
          note,
          value,
          comment,
          labels);
    }

    /** This event with the conversation's labels (agents' view only). */
    public Conversation withLabels(List<String> value) {
      return new Conversation(
          conv,
          site,
          status,
          agent,
          agentId,
          visitor,
          position,
          waitSeconds,
          sentiment,
          note,
          rating,
          ratingComment,
          value);
    }
  }

  /**
   * A bot answer as it streams: {@code start}, then {@code delta}s, then {@code end}. Keyed by
   * {@code id}, which the stored message of the final text carries too. A {@code delta}'s {@code
   * text} belongs at character {@code offset} of the answer; a client that already holds more than
   * {@code offset} characters skips what it has (after a reconnect the first delta carries the
   * whole text so far at offset 0). {@code end} carries {@code status}: {@code complete}, {@code
   * stopped}, {@code interrupted} or {@code failed}.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Answer(String conv, String id, String phase, String text, Integer offset, String status)
      implements ChatEvent {}

  /**
   * What the visitor's widget may offer by email (see {@code docs/PROTOCOL.md#away-mail}), sent to
   * the visitor after {@code hello} and after {@code contact} when the server sends mail.
   *
   * @param away whether the site is outside its business hours or has no agent online: the widget
   *     offers to leave an email address
   * @param emailOnFile whether the visitor left an address for this conversation: the widget offers
   *     the transcript by email
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Mail(String conv, boolean away, boolean emailOnFile) implements ChatEvent {}

  /**
   * The site's pre-chat form and the visitor's conversation (see {@code docs/PROTOCOL.md#prechat}):
   * sent to the visitor after {@code hello} when its site has the form on, and as the answer to
   * {@code prechat}.
   *
   * @param done whether the form was filled in for this conversation: the widget shows it (before
   *     the first message) only while not
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Prechat(String conv, boolean done) implements ChatEvent {}
}
