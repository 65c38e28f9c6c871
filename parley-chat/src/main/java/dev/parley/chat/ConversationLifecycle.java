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
 * compare-and-set through {@link Conversations}, announced to the visitor (a {@code conversation}
 * event on the conversation) and to the site's agents (on {@code agents:<site>}), and recorded as a
 * system message that every participant sees in seq order.
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

  /** The visitor's latest mood, per conversation (this node's view). */
  private final ConcurrentHashMap<String, Double> mood = new ConcurrentHashMap<>();

  ConversationLifecycle(Node node, Conversations conversations, Directory directory) {
    this.node = node;
    this.conversations = conversations;
    this.directory = directory;
  }

  /**
   * Moves {@code c} from {@code from} to {@code to} with {@code agent}, stores {@code systemText}
   * and tells the visitor and the agents. Completes with the moved conversation, or empty if its
   * status was no longer {@code from} (or the move is not allowed).
   */
  CompletableFuture<Optional<ChatConversation>> move(ChatConversation c, ConversationStatus from,
      ConversationStatus to, String agent, String systemText) {
    if (!from.canMoveTo(to)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return conversations.transition(c, from, to, agent).thenCompose(moved -> moved.isEmpty()
        ? CompletableFuture.completedFuture(moved)
        : announce(moved.get(), systemText).thenApply(v -> moved));
  }

  /** Hands {@code c} from {@code from} to {@code to}, announced like a move. */
  CompletableFuture<Optional<ChatConversation>> reassign(ChatConversation c, Agent from, Agent to, String systemText) {
    return conversations.reassign(c, from.user(), to.user()).thenCompose(moved -> moved.isEmpty()
        ? CompletableFuture.completedFuture(moved)
        : announce(moved.get(), systemText).thenApply(v -> moved));
  }

  /** Tells the visitor and the agents where {@code c} stands, then stores {@code systemText}. */
  CompletableFuture<Void> announce(ChatConversation c, String systemText) {
    node.publish(c.id(), BrokerEvent.ephemeral(SYSTEM_USER, null, 0, node.encode(visitorView(c))));
    publishToAgents(c, null, null);
    return node.append(new AppendRequest(c.id(), SYSTEM_USER, null, "system", systemText, node.clock().millis()))
        .thenApply(a -> (Void) null);
  }

  /** The {@code conversation} event a visitor sees: status and the agent's name. */
  ChatEvent.Conversation visitorView(ChatConversation c) {
    Agent a = directory.agent(c.agent());
    return new ChatEvent.Conversation(c.id(), c.site(), c.status().wire(), a == null ? null : a.name());
  }

  /** The {@code conversation} event agents see: also the visitor, the agent's id, the mood, the queue. */
  ChatEvent.Conversation agentView(ChatConversation c, Integer position, Integer waitSeconds) {
    Agent a = directory.agent(c.agent());
    return new ChatEvent.Conversation(c.id(), c.site(), c.status().wire(), a == null ? null : a.name(), c.agent(),
        c.visitor(), position, waitSeconds, mood.get(c.id()), null);
  }

  /** Publishes the agents' view of {@code c} to its site's agents. */
  void publishToAgents(ChatConversation c, Integer position, Integer waitSeconds) {
    publishToAgents(c.site(), agentView(c, position, waitSeconds));
  }

  /** Publishes {@code event} to {@code site}'s agents. */
  void publishToAgents(String site, ChatEvent.Conversation event) {
    node.publish(AGENTS_TOPIC + site, BrokerEvent.ephemeral(SYSTEM_USER, null, 0, node.encode(event)));
  }

  /** Publishes {@code event} on conversation {@code conv} (its visitor and joined agents). */
  void publishToConversation(String conv, ChatEvent event) {
    node.publish(conv, BrokerEvent.ephemeral(SYSTEM_USER, null, 0, node.encode(event)));
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
