package dev.parley.chat;

import dev.parley.core.AppendRequest;
import dev.parley.core.Authorizer;
import dev.parley.core.Extension;
import dev.parley.core.Node;
import dev.parley.core.Principal;
import dev.parley.core.Session;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Push;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat layer as the core sees it: its {@link Extension} (greeting on {@code hello}, bot answers
 * after a visitor's message, {@code stop}) and its {@link Authorizer} (a chat conversation is its
 * visitor's alone).
 *
 * <p>Conversations whose id does not start with {@link ChatConversation#ID_PREFIX} are the
 * realtime engine's open channels, allowed when {@code openChannels} is on.
 *
 * <p>Thread-safe. Extension methods run on a session's event loop and only start asynchronous
 * work; results come back through {@link Session#execute}.
 */
public final class ChatService implements Extension, Authorizer, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChatService.class);

  private final ChatStore store;
  private final Map<String, Site> sites;
  private final Function<Site, Bot> bots;
  private final boolean openChannels;
  private final SecureRandom random = new SecureRandom();
  private volatile Node node;
  private volatile BotTurns turns;

  /**
   * @param sites by id
   * @param bots the bot that answers for a site
   * @param openChannels whether non-chat conversation ids are open channels anyone may join
   */
  public ChatService(ChatStore store, Map<String, Site> sites, Function<Site, Bot> bots, boolean openChannels) {
    this.store = store;
    this.sites = Map.copyOf(sites);
    this.bots = bots;
    this.openChannels = openChannels;
  }

  /** Connects to the node it extends (the node is built with this service, then attached). */
  public void attach(Node n) {
    this.node = n;
    this.turns = new BotTurns(n, n.config().typingTtl());
  }

  public BotTurns turns() {
    return turns;
  }

  public ChatStore store() {
    return store;
  }

  // ---- Authorizer ----

  @Override
  public CompletableFuture<Boolean> mayJoin(Principal principal, String conversation) {
    if (!ChatConversation.isChat(conversation)) {
      return CompletableFuture.completedFuture(openChannels);
    }
    return store.find(conversation).thenApply(c -> c.isPresent() && isVisitorOf(principal, c.get()));
  }

  private static boolean isVisitorOf(Principal p, ChatConversation c) {
    return p.role().equals("visitor") && p.user().equals(c.visitor()) && c.site().equals(p.site());
  }

  // ---- Extension ----

  @Override
  public void helloAccepted(Session session) {
    Principal p = session.principal();
    if (p.site() == null || !p.role().equals("visitor")) {
      return;
    }
    Site site = sites.get(p.site());
    if (site == null) {
      session.push(Push.Error.of(ErrorCode.INVALID_FIELD, "unknown site \"" + p.site() + "\"", null, null, "site"));
      return;
    }
    store.open(site.id(), p.user(), newConversationId(), System.currentTimeMillis()).whenComplete((opened, err) -> {
      if (err != null) {
        log.warn("could not open a conversation for a visitor of {}", site.id(), err);
        session.push(Push.Error.of(ErrorCode.STORE_UNAVAILABLE, "could not open your conversation; reconnect",
            null, null, null));
        return;
      }
      ChatConversation c = opened.conversation();
      session.push(new Push.Conversation(c.id(), c.site(), c.status().wire(), null));
      if (opened.created()) {
        // Greet before the visitor does anything: the greeting is the conversation's first message.
        node.append(new AppendRequest(c.id(), BotTurns.BOT_USER, null, "bot", site.greeting(),
                System.currentTimeMillis()))
            .whenComplete((a, e) -> session.execute(() -> session.joinTrusted(c.id(), 0L)));
      } else {
        session.execute(() -> session.joinTrusted(c.id(), 0L));
      }
    });
  }

  @Override
  public void messageStored(Session session, StoredMessage m) {
    if (!ChatConversation.isChat(m.conversation()) || !session.principal().role().equals("visitor")) {
      return;
    }
    store.find(m.conversation()).thenAccept(found -> found.ifPresent(c -> visitorSaid(c, m)));
  }

  private void visitorSaid(ChatConversation c, StoredMessage m) {
    Site site = sites.get(c.site());
    if (site == null) {
      return;
    }
    switch (c.status()) {
      case BOT -> ask(site, c, m);
      case RESOLVED -> transition(c, ConversationStatus.RESOLVED, ConversationStatus.BOT, null,
          "The conversation was reopened.").thenAccept(moved -> {
            if (moved) {
              ask(site, c.withStatus(ConversationStatus.BOT, null), m);
            }
          });
      default -> { } // queued or assigned: people answer
    }
  }

  private void ask(Site site, ChatConversation c, StoredMessage m) {
    CompletableFuture.supplyAsync(() -> node.store().readBefore(c.id(), m.seq(), 20), node.store().readExecutor())
        .exceptionally(e -> List.of())
        .thenAccept(history -> turns.start(bots.apply(site), new Bot.Question(site, c.id(), m.text(), history)));
  }

  /**
   * Moves a conversation to another status, stores the system message that says so, and tells its
   * participants. Completes with false if another node moved it first.
   */
  public CompletableFuture<Boolean> transition(ChatConversation c, ConversationStatus from, ConversationStatus to,
      String agent, String systemText) {
    if (!from.canMoveTo(to)) {
      return CompletableFuture.completedFuture(false);
    }
    return store.transition(c.id(), from, to, agent, System.currentTimeMillis()).thenCompose(moved -> {
      if (!moved) {
        return CompletableFuture.completedFuture(false);
      }
      byte[] frame = node.encode(new Push.Conversation(c.id(), c.site(), to.wire(), agent));
      node.publish(c.id(), dev.parley.core.BrokerEvent.ephemeral("system", null, 0, frame));
      return node.append(new AppendRequest(c.id(), "system", null, "system", systemText, System.currentTimeMillis()))
          .thenApply(a -> true);
    });
  }

  @Override
  public boolean command(Session session, Command command) {
    if (command instanceof Command.Stop s) {
      if (!session.hasJoined(s.conv())) {
        session.push(Push.Error.of(ErrorCode.NOT_JOINED, "join " + s.conv() + " first", null, s.ref(), "conv"));
      } else if (!turns.stop(s.conv(), s.answer(), "stopped")) {
        session.push(Push.Error.of(ErrorCode.INVALID_FIELD, "no answer " + s.answer() + " is streaming", null,
            s.ref(), "answer"));
      }
      return true;
    }
    return false;
  }

  /** The conversation, if it exists. */
  public CompletableFuture<Optional<ChatConversation>> find(String id) {
    return store.find(id);
  }

  private String newConversationId() {
    byte[] b = new byte[12];
    random.nextBytes(b);
    return ChatConversation.ID_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  @Override
  public void close() {
    if (turns != null) {
      turns.close();
    }
    store.close();
  }
}
