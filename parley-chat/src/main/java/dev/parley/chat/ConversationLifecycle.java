package dev.parley.chat;

import dev.parley.core.AppendRequest;
import dev.parley.core.BrokerEvent;
import dev.parley.core.Node;
import dev.parley.protocol.chat.ChatEvent;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The status machine of chat conversations ({@link ConversationStatus}): each move is a
 * compare-and-set through {@link Conversations}, announced once to the visitor (a {@code
 * conversation} event on the conversation, for the visitor's sessions only) and once to the site's
 * agents (on {@code agents:<site>}) — each event carrying everything the move implies, a queued
 * visitor's place and wait included — and recorded as a system message that every participant sees
 * in seq order; each move is also an integration event ({@link EventFeed}), told before the system
 * message is stored.
 *
 * <p>Also keeps the visitor's latest mood per conversation (this node's view), which the agents'
 * view of a conversation carries.
 *
 * <p>Thread-safe: no state besides the concurrent mood map; moves complete on store threads.
 */
final class ConversationLifecycle {
  /** Conversations' events for a site's agents go to this topic prefix. */
  static final String AGENTS_TOPIC = "agents:";

  /** The user id system messages and events carry. */
  static final String SYSTEM_USER = "system";

  private final Node node;
  private final Conversations conversations;
  private final Directory directory;
  private final QueuePlaces places;
  private final EventFeed feed;
  private final VisitorLanguages languages;

  /** The visitor's latest mood, per conversation (this node's view). */
  private final ConcurrentHashMap<String, Double> mood = new ConcurrentHashMap<>();

  ConversationLifecycle(
      Node node,
      Conversations conversations,
      Directory directory,
      QueuePlaces places,
      EventFeed feed,
      VisitorLanguages languages) {
    this.node = node;
    this.languages = languages;
    this.feed = feed;
    this.conversations = conversations;
    this.directory = directory;
    this.places = places;
  }

  /**
   * Moves {@code c} from {@code from} to {@code to} with {@code agent}, stores {@code systemText}
   * and tells the visitor and the agents. Completes with the moved conversation, or empty if its
   * status was no longer {@code from} (or the move is not allowed).
   */
  CompletableFuture<Optional<ChatConversation>> move(
      ChatConversation c,
      ConversationStatus from,
      ConversationStatus to,
      String agent,
      VisitorLanguages.Localized systemText) {
    if (!from.canMoveTo(to)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return conversations
        .transition(c, from, to, agent)
        .thenCompose(
            moved -> {
              if (moved.isEmpty()) {
                return CompletableFuture.completedFuture(moved);
              }
              feed.moved(moved.get());
              return announce(moved.get(), systemText).thenApply(v -> moved);
            });
  }

  /** Hands {@code c} from {@code from} to {@code to}, announced like a move. */
  CompletableFuture<Optional<ChatConversation>> reassign(
      ChatConversation c, Agent from, Agent to, VisitorLanguages.Localized systemText) {
    return conversations
        .reassign(c, from.user(), to.user())
        .thenCompose(
            moved -> {
              if (moved.isEmpty()) {
                return CompletableFuture.completedFuture(moved);
              }
              feed.moved(moved.get());
              return announce(moved.get(), systemText).thenApply(v -> moved);
            });
  }

  /**
   * Tells the visitor and the agents where {@code c} stands (with its place when it is queued),
   * then stores {@code systemText} in the visitor's language.
   */
  CompletableFuture<Void> announce(ChatConversation c, VisitorLanguages.Localized systemText) {
    CompletableFuture<QueuePlaces.Place> place;
    if (c.status() == ConversationStatus.QUEUED) {
      place = places.placeOf(c).exceptionally(e -> null);
    } else {
      places.forget(c.id());
      place = CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> told =
        place.thenAccept(
            p -> {
              if (p != null) {
                places.announce(c.id(), p);
              }
              publish(c, p);
            });
    return told.thenCompose(v -> languages.say(c.visitor(), systemText))
        .thenCompose(
            text ->
                node.append(
                    new AppendRequest(
                        c.id(), SYSTEM_USER, null, "system", text, node.clock().millis())))
        .thenApply(a -> (Void) null);
  }

  /** Publishes {@code c}'s state once to its visitor and once to its site's agents. */
  void publish(ChatConversation c, QueuePlaces.Place place) {
    node.publish(c.id(), BrokerEvent.forUser(c.visitor(), node.encode(visitorView(c, place))));
    node.publish(
        AGENTS_TOPIC + c.site(),
        BrokerEvent.ephemeral(SYSTEM_USER, null, 0, node.encode(agentView(c, place))));
  }

  /**
   * The {@code conversation} event a visitor sees: status, the agent's name, its place in the
   * queue.
   */
  ChatEvent.Conversation visitorView(ChatConversation c, QueuePlaces.Place place) {
    Agent a = directory.agent(c.agent());
    return new ChatEvent.Conversation(
        c.id(),
        c.site(),
        c.status().wire(),
        a == null ? null : a.name(),
        null,
        null,
        place == null ? null : place.position(),
        place == null ? null : place.waitSeconds(),
        null,
        place == null ? null : place.note());
  }

  /**
   * The {@code conversation} event agents see: also the visitor, the agent's id, the mood, the
   * queue, the labels.
   */
  ChatEvent.Conversation agentView(ChatConversation c, QueuePlaces.Place place) {
    Agent a = directory.agent(c.agent());
    return new ChatEvent.Conversation(
            c.id(),
            c.site(),
            c.status().wire(),
            a == null ? null : a.name(),
            c.agent(),
            c.visitor(),
            place == null ? null : place.position(),
            place == null ? null : place.waitSeconds(),
            mood.get(c.id()),
            place == null ? null : place.note())
        .withLabels(c.labels());
  }

  /**
   * The agents' view of {@code c} with its last announced place (for a change that is not a move).
   */
  ChatEvent.Conversation agentView(ChatConversation c) {
    return agentView(c, c.status() == ConversationStatus.QUEUED ? places.last(c.id()) : null);
  }

  /** Tells the site's agents about {@code c} again (its mood changed). */
  void publishToAgents(ChatConversation c) {
    node.publish(
        AGENTS_TOPIC + c.site(),
        BrokerEvent.ephemeral(SYSTEM_USER, null, 0, node.encode(agentView(c))));
  }

  /** Tells the visitor and the site's agents that {@code c} was rated. */
  void publishRated(ChatConversation c, Rating rating) {
    node.publish(
        c.id(),
        BrokerEvent.forUser(
            c.visitor(),
            node.encode(visitorView(c, null).withRating(rating.wire(), rating.comment()))));
    node.publish(
        AGENTS_TOPIC + c.site(),
        BrokerEvent.ephemeral(
            SYSTEM_USER,
            null,
            0,
            node.encode(agentView(c, null).withRating(rating.wire(), rating.comment()))));
  }

  /** Where integration events go. */
  EventFeed feed() {
    return feed;
  }

  /** Notes the visitor's mood in {@code conv}. */
  void noteMood(String conv, double score) {
    mood.put(conv, score);
  }

  /** The visitor's latest mood in {@code conv}, as this node saw it, or null. */
  Double moodOf(String conv) {
    return mood.get(conv);
  }
}
