package dev.parley.chat;

import dev.parley.chat.VisitorLanguages.Localized;
import dev.parley.core.Node;
import dev.parley.core.Principal;
import dev.parley.core.Session;
import dev.parley.core.SessionLoop;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatCommand;
import dev.parley.protocol.chat.ChatEvent;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A visitor's way through the chat: {@code hello} with a site finds its open conversation and joins
 * it — or, when it has none, shows the greeting and joins the id its next conversation will have,
 * created by its first message or request ({@link ConversationOpener}); a message in a {@code bot}
 * conversation gets a streamed bot answer; one in a {@code resolved} conversation reopens it;
 * asking for a person ({@code handoff}, its words, or two unsure answers in a row) queues it for
 * the agents.
 *
 * <p>Thread-safe: no state of its own. Its entry points run on the session's event loop and only
 * start asynchronous work; what comes back for the session goes through {@link Session#loop()}.
 */
final class VisitorFlow {
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEEE HH:mm z");
  private static final SessionLoop.OnFailure STORE =
      new SessionLoop.OnFailure(ErrorCode.STORE_UNAVAILABLE, "try again");

  private final Node node;
  private final Directory directory;
  private final Conversations conversations;
  private final ConversationLifecycle lifecycle;
  private final AgentRouting routing;
  private final BotTurns turns;
  private final HandoffRule handoffRule;
  private final Function<Site, Bot> bots;
  private final ConversationOpener opener;
  private final InactivitySweep sweep;
  private final AwayMail mail;
  private final VisitorContexts visitors;
  private final VisitorLanguages languages;

  VisitorFlow(
      Node node,
      Directory directory,
      Conversations conversations,
      ConversationLifecycle lifecycle,
      AgentRouting routing,
      BotTurns turns,
      HandoffRule handoffRule,
      Function<Site, Bot> bots,
      ConversationOpener opener,
      InactivitySweep sweep,
      AwayMail mail,
      VisitorContexts visitors,
      VisitorLanguages languages) {
    this.mail = mail;
    this.visitors = visitors;
    this.languages = languages;
    this.opener = opener;
    this.sweep = sweep;
    this.node = node;
    this.directory = directory;
    this.conversations = conversations;
    this.lifecycle = lifecycle;
    this.routing = routing;
    this.turns = turns;
    this.handoffRule = handoffRule;
    this.bots = bots;
  }

  /** A visitor's hello was accepted: open (or find) its conversation on its site, greet, join. */
  void helloAccepted(Session session) {
    Principal p = session.principal();
    String siteId = ChatIdentity.site(p);
    if (siteId == null) {
      return;
    }
    Site site = directory.site(siteId);
    if (site == null) {
      session.push(
          Push.Error.of(
              ErrorCode.INVALID_FIELD, "unknown site \"" + siteId + "\"", null, null, "site"));
      return;
    }
    if (ChatIdentity.isVisitor(p)) {
      languages.remember(p.user(), site.visitorLanguage(ChatIdentity.lang(p)));
    }
    session
        .loop()
        .then(
            opener.opening(site.id(), p.user()),
            null,
            new SessionLoop.OnFailure(
                ErrorCode.STORE_UNAVAILABLE, "could not find your conversation; reconnect"),
            o -> {
              if (o.open() != null) {
                session.push(lifecycle.visitorView(o.open(), null));
                session.joinTrusted(o.open().id(), 0L);
                mail.helloAccepted(session, site.id(), o.open().id());
                visitors.helloAccepted(session, site, o.open().id());
                return;
              }
              // No conversation yet: it is made by the visitor's first message or request.
              // Meanwhile the
              // visitor joins the id it will have and sees the greeting in its snapshot.
              session.push(
                  new ChatEvent.Conversation(
                      o.nextId(), site.id(), ConversationStatus.BOT.wire(), null));
              opener.showGreeting(site, ChatIdentity.lang(p), o.nextId());
              session.joinTrusted(o.nextId(), 0L);
              mail.helloAccepted(session, site.id(), o.nextId());
              visitors.helloAccepted(session, site, o.nextId());
            });
  }

  /**
   * Before a message is stored in a chat conversation: its visitor, or the agent it is assigned to,
   * may write (an admin or another agent who joined to read may not); a visitor's next conversation
   * is created now, its greeting stored first. Other conversations go on as they are.
   */
  CompletableFuture<Void> beforeSend(Principal p, String conv, String clientAddress) {
    if (!ChatConversation.isChat(conv)) {
      return CompletableFuture.completedFuture(null);
    }
    if (Notes.isNotes(conv)) {
      // Checked again at each note: an agent taken off the site since it joined writes no more.
      return conversations
          .find(Notes.conversationOf(conv))
          .thenCompose(
              found ->
                  found.isPresent() && ChatAccess.mayWriteNotes(directory, p, found.get())
                      ? CompletableFuture.<Void>completedFuture(null)
                      : CompletableFuture.failedFuture(
                          new ProtocolException(
                              ErrorCode.FORBIDDEN,
                              "only the agents of the conversation's site write notes",
                              "conv")));
    }
    return conversations
        .find(conv)
        .thenCompose(
            found -> {
              if (found.isPresent()) {
                if (!ChatAccess.mayWrite(p, found.get())) {
                  return CompletableFuture.failedFuture(
                      new ProtocolException(
                          ErrorCode.FORBIDDEN,
                          "only the conversation's visitor and the agent it is assigned to write here",
                          "conv"));
                }
                return CompletableFuture.completedFuture(null);
              }
              if (!ChatIdentity.isVisitor(p)) {
                return CompletableFuture.failedFuture(
                    new ProtocolException(ErrorCode.FORBIDDEN, "no conversation " + conv, "conv"));
              }
              return opener.create(p, conv, clientAddress).thenApply(c -> (Void) null);
            });
  }

  /**
   * A visitor's message was stored: the bot answers, the conversation reopens, or a person is asked
   * for.
   */
  void visitorSaid(StoredMessage m) {
    conversations
        .find(m.conversation())
        .thenAccept(found -> found.ifPresent(c -> visitorSaid(c, m)));
  }

  private void visitorSaid(ChatConversation c, StoredMessage m) {
    Site site = directory.site(c.site());
    if (site == null) {
      return;
    }
    sweep.visitorSpoke(c.id());
    languages
        .of(c.visitor())
        .thenAccept(
            lang -> {
              if (!Sentiment.reads(lang)) {
                return; // English only: no mood for visitors of other languages
              }
              lifecycle.noteMood(c.id(), Sentiment.score(m.text()));
              if (c.status() == ConversationStatus.QUEUED
                  || c.status() == ConversationStatus.ASSIGNED) {
                lifecycle.publishToAgents(c); // the mood changed
              }
            });
    boolean wantsHuman = handoffRule.asksForHuman(m.text());
    switch (c.status()) {
      case BOT -> {
        if (wantsHuman) {
          handoff(c, "why.asked");
        } else {
          ask(site, c, m);
        }
      }
      case RESOLVED ->
          lifecycle
              .move(
                  c,
                  ConversationStatus.RESOLVED,
                  ConversationStatus.BOT,
                  null,
                  Localized.of("reopened"))
              .thenAccept(
                  moved ->
                      moved.ifPresent(
                          reopened -> {
                            if (wantsHuman) {
                              handoff(reopened, "why.asked");
                            } else {
                              ask(site, reopened, m);
                            }
                          }));
      default -> {} // queued or assigned: people answer, the bot stays quiet
    }
  }

  private void ask(Site site, ChatConversation c, StoredMessage m) {
    Bot bot = bots.apply(site);
    if (bot == null) {
      handoff(c, "why.noBot"); // the site has no bot
      return;
    }
    CompletableFuture<String> lang = languages.of(c.visitor());
    CompletableFuture.supplyAsync(
            () -> node.store().readBefore(c.id(), m.seq(), 20), node.store().readExecutor())
        .exceptionally(e -> List.of())
        .thenCombine(
            lang,
            (history, l) ->
                new Bot.Question(
                    site,
                    c.id(),
                    m.text(),
                    history,
                    l,
                    m.meta() == null ? List.of() : m.meta().attachments()))
        .thenAccept(question -> turns.start(bot, question, result -> afterAnswer(c, result)));
  }

  private void afterAnswer(ChatConversation c, Bot.Result result) {
    if (!result.offerHuman()) {
      handoffRule.reset(c.id());
      return;
    }
    if (handoffRule.unsure(c.id())) {
      conversations
          .find(c.id())
          .thenAccept(
              now ->
                  now.filter(x -> x.status() == ConversationStatus.BOT)
                      .ifPresent(x -> handoff(x, "why.unsure")));
    }
  }

  /**
   * BOT → QUEUED, then assignment; the system message says why (the {@link ChatTexts} key {@code
   * why}) and that the visitor waits, or that the team is away until when. Throws {@code
   * invalid_field} for a conversation whose site is no longer served.
   */
  CompletableFuture<Optional<ChatConversation>> handoff(ChatConversation c, String why) {
    Site site = directory.site(c.site());
    if (site == null) { // disabled, or gone from the configuration: no one to hand off to
      throw new ProtocolException(
          ErrorCode.INVALID_FIELD, "site \"" + c.site() + "\" is not served here", "site");
    }
    Instant now = Instant.ofEpochMilli(node.clock().millis());
    Localized text = Localized.of(why).then(Localized.of("queue.joining"));
    if (!site.hours().isOpen(now)) {
      ZonedDateTime opens = site.hours().nextOpening(now);
      text =
          Localized.of(why)
              .then(
                  lang ->
                      ChatTexts.get()
                          .text(
                              lang,
                              "queue.away",
                              "when",
                              WHEN.withLocale(ChatTexts.get().locale(lang)).format(opens)));
    }
    return lifecycle
        .move(c, ConversationStatus.BOT, ConversationStatus.QUEUED, null, text)
        .thenApply(
            moved -> {
              moved.ifPresent(
                  q -> {
                    turns.stop(c.id(), null, "stopped");
                    routing.queued(q);
                  });
              return moved;
            });
  }

  /**
   * {@code handoff}: the visitor asks for a person (which creates a conversation that did not exist
   * yet).
   */
  void handoffCommand(Session session, ChatCommand.Handoff h) {
    Principal p = session.principal();
    CompletableFuture<ChatConversation> conversation =
        beforeSend(p, h.conv(), session.connection().clientAddress())
            .thenCompose(v -> conversationOf(h.conv()));
    session
        .loop()
        .then(
            conversation,
            h,
            STORE,
            c -> {
              if (!ChatAccess.isVisitorOf(p, c)) {
                throw new ProtocolException(
                    ErrorCode.FORBIDDEN, "only the visitor asks for a human", "conv");
              }
              if (c.status() != ConversationStatus.BOT) {
                throw new ProtocolException(
                    ErrorCode.INVALID_FIELD, "the conversation is " + c.status().wire(), "conv");
              }
              handoff(c, "why.asked");
            });
  }

  /** {@code stop}: the visitor stops the answer streaming in a joined conversation. */
  void stopCommand(Session session, ChatCommand.Stop s) {
    if (!session.hasJoined(s.conv())) {
      throw new ProtocolException(ErrorCode.NOT_JOINED, "join " + s.conv() + " first", "conv");
    }
    if (!turns.stop(s.conv(), s.answer(), "stopped")) {
      throw new ProtocolException(
          ErrorCode.INVALID_FIELD, "no answer " + s.answer() + " is streaming", "answer");
    }
  }

  /** The chat conversation {@code conv}; fails with the protocol error when it is none. */
  private CompletableFuture<ChatConversation> conversationOf(String conv) {
    if (!ChatConversation.isChat(conv)) {
      return CompletableFuture.failedFuture(
          new ProtocolException(
              ErrorCode.INVALID_FIELD, conv + " is not a chat conversation", "conv"));
    }
    return conversations
        .find(conv)
        .thenApply(
            c ->
                c.orElseThrow(
                    () ->
                        new ProtocolException(
                            ErrorCode.FORBIDDEN, "no such conversation", "conv")));
  }
}
