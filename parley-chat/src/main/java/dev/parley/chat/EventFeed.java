package dev.parley.chat;

import dev.parley.core.NodeClock;
import dev.parley.core.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what the chat layer does into {@link IntegrationEvent}s for its {@link IntegrationEvents}
 * port: a conversation created ({@link ConversationOpener}), a status move ({@link
 * ConversationLifecycle}), a message stored by a visitor, an agent or the bot (the session's send,
 * {@link AgentDesk}'s REST writes, {@link BotTurns}' answers, the stored greeting), a visitor's
 * rating ({@link Ratings}). A stored message goes to {@link AwayMail} too (an agent's reply to an
 * away visitor is mailed).
 *
 * <p>Called on event loops and store threads; never blocks (a message's conversation comes from
 * {@link Conversations}' cache, and the port must not block). A port that throws is logged, never
 * felt by the chat.
 */
final class EventFeed {
  private static final Logger log = LoggerFactory.getLogger(EventFeed.class);

  private final IntegrationEvents port;
  private final Conversations conversations;
  private final NodeClock clock;
  private final AwayMail mail;

  EventFeed(IntegrationEvents port, Conversations conversations, NodeClock clock, AwayMail mail) {
    this.port = port;
    this.mail = mail;
    this.conversations = conversations;
    this.clock = clock;
  }

  /** {@code c} was created. */
  void created(ChatConversation c) {
    emit(new IntegrationEvent(IntegrationEvent.Type.CONVERSATION_CREATED, c, null, clock.millis()));
  }

  /** {@code c} moved to its current status (or to another agent). */
  void moved(ChatConversation c) {
    IntegrationEvent.Type t =
        switch (c.status()) {
          case QUEUED -> IntegrationEvent.Type.CONVERSATION_HANDED_OFF;
          case ASSIGNED -> IntegrationEvent.Type.CONVERSATION_ASSIGNED;
          case RESOLVED -> IntegrationEvent.Type.CONVERSATION_RESOLVED;
          case BOT -> null; // back to the bot, reopened: no event of its own
        };
    if (t != null) {
      emit(new IntegrationEvent(t, c, null, clock.millis()));
    }
  }

  /** The visitor rated {@code c}. */
  void rated(ChatConversation c, Rating r) {
    emit(
        new IntegrationEvent(IntegrationEvent.Type.CONVERSATION_RATED, c, null, r, clock.millis()));
  }

  /** {@code m} was stored in {@code c}. */
  void messageStored(ChatConversation c, StoredMessage m) {
    try {
      mail.replyStored(c, m);
    } catch (RuntimeException x) {
      log.error("away mail failed on {}", m.id(), x);
    }
    emit(new IntegrationEvent(IntegrationEvent.Type.MESSAGE_CREATED, c, m, clock.millis()));
  }

  /** {@code m} was stored in a chat conversation, which is looked up (cached) first. */
  void messageStored(StoredMessage m) {
    if ((port == IntegrationEvents.NONE && !mail.enabled())
        || !ChatConversation.isChat(m.conversation())) {
      return;
    }
    conversations
        .find(m.conversation())
        .whenComplete(
            (c, err) -> {
              if (err != null) {
                log.warn("no {} event for {}: {}", "message.created", m.id(), err.toString());
              } else {
                c.ifPresent(conv -> messageStored(conv, m));
              }
            });
  }

  private void emit(IntegrationEvent e) {
    try {
      port.emit(e);
    } catch (RuntimeException x) {
      log.error("the integration events port failed on {}", e.type().wire(), x);
    }
  }
}
