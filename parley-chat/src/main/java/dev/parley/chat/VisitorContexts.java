package dev.parley.chat;

import dev.parley.core.Node;
import dev.parley.core.Principal;
import dev.parley.core.Session;
import dev.parley.core.SessionLoop;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.chat.ChatCommand;
import dev.parley.protocol.chat.ChatEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The visitor context and the pre-chat form ({@code docs/PROTOCOL.md#context}, {@code
 * docs/PROTOCOL.md#prechat}): records what a visitor's widget reports of the page and the browser
 * ({@code context}) with the claims of its identity JWT, checks and keeps its pre-chat answers
 * ({@code prechat}), and shows all of it with the visitor's earlier conversations to the agents of
 * the site ({@link #view}).
 *
 * <p>A conversation is stored only from its first message or request ({@link ConversationOpener}):
 * a context reported before then waits here, in a small per-node map, for the visitor's first
 * message in it, and is written then. A widget reports its context at every load, so one lost with
 * a full map or a restart comes again with the next page.
 *
 * <p>Thread-safe: the waiting contexts are a synchronised map; everything else is asynchronous.
 * Commands run on the session's event loop and only start store work.
 */
public final class VisitorContexts {
  private static final SessionLoop.OnFailure STORE =
      new SessionLoop.OnFailure(ErrorCode.STORE_UNAVAILABLE, "try again");

  /** The most contexts waiting for their conversation on one node; the eldest go beyond. */
  static final int MAX_WAITING = 10_000;

  /** The most earlier conversations the panel lists, the newest. */
  static final int MAX_EARLIER = 20;

  private final Node node;
  private final Directory directory;
  private final Conversations conversations;
  private final ChatStore chats;
  private final VisitorContextStore store;

  /** Whether an id not stored yet is the visitor's next conversation. */
  private final ConversationOpener opener;

  /** Contexts of conversations not stored yet, by conversation id; guarded by itself. */
  private final Map<String, VisitorContext> waiting =
      new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, VisitorContext> eldest) {
          return size() > MAX_WAITING;
        }
      };

  VisitorContexts(
      Node node,
      Directory directory,
      Conversations conversations,
      ChatStore chats,
      VisitorContextStore store,
      ConversationOpener opener) {
    this.opener = opener;
    this.node = node;
    this.directory = directory;
    this.conversations = conversations;
    this.chats = chats;
    this.store = store;
  }

  /**
   * What an agent's visitor panel shows of one conversation.
   *
   * @param context what is known of the visitor there, or null when nothing was reported
   * @param browser the browser named by the context's user agent
   * @param os the operating system named by it
   * @param earlier the visitor's other conversations on the site, newest first (at most {@link
   *     #MAX_EARLIER})
   */
  public record View(
      ChatConversation conversation,
      VisitorContext context,
      UserAgents.Family browser,
      UserAgents.Family os,
      List<ChatConversation> earlier) {}

  /**
   * After a visitor's {@code hello}: tells it whether the site's pre-chat form is still to fill.
   */
  void helloAccepted(Session session, Site site, String conv) {
    if (site.appearance() == null || !site.appearance().prechatOn()) {
      return;
    }
    session
        .loop()
        .then(
            store.of(conv),
            null,
            SessionLoop.OnFailure.LOG_ONLY,
            c ->
                session.push(
                    new ChatEvent.Prechat(conv, c.isPresent() && !c.get().prechat().isEmpty())));
  }

  /** {@code context}: the widget reports the page and the browser. */
  void contextCommand(Session session, ChatCommand.Context c) {
    Principal p = session.principal();
    String site = ChatIdentity.site(p);
    if (!ChatIdentity.isVisitor(p) || site == null || !ChatConversation.isChat(c.conv())) {
      throw new ProtocolException(
          ErrorCode.FORBIDDEN, "only a site's visitor reports its context", "conv");
    }
    VisitorContext ctx =
        new VisitorContext(
            c.conv(),
            site,
            p.user(),
            blankToNull(c.url()),
            blankToNull(c.title()),
            blankToNull(c.referrer()),
            ChatIdentity.lang(p),
            blankToNull(c.userAgent()),
            c.timeZone(),
            c.utcOffsetMinutes(),
            ChatIdentity.profile(p),
            Map.of(),
            node.clock().millis());
    CompletableFuture<Void> done =
        conversations
            .find(c.conv())
            .thenCompose(
                found -> {
                  if (found.isEmpty()) { // kept until it is made, if it is the visitor's next
                    return opener
                        .isNextOf(p, c.conv())
                        .thenAccept(
                            next -> {
                              if (!next) {
                                throw new ProtocolException(
                                    ErrorCode.FORBIDDEN, "not your conversation", "conv");
                              }
                              synchronized (waiting) {
                                waiting.put(c.conv(), ctx);
                              }
                            })
                        // made meanwhile, its first message may have found nothing waiting
                        .thenCompose(v -> conversations.find(c.conv()))
                        .thenCompose(
                            made ->
                                made.isPresent()
                                    ? flush(c.conv(), p.user())
                                    : CompletableFuture.completedFuture(null));
                  }
                  if (!ChatAccess.isVisitorOf(p, found.get())) {
                    throw new ProtocolException(
                        ErrorCode.FORBIDDEN, "not your conversation", "conv");
                  }
                  return store.savePage(ctx);
                });
    session.loop().then(done, c, STORE, v -> {});
  }

  /**
   * {@code prechat}: the visitor's answers, checked against its site's form, kept for the
   * conversation (which this creates, as its first request, if need be).
   */
  void prechatCommand(Session session, ChatCommand.Prechat c, VisitorFlow flow) {
    Principal p = session.principal();
    Site site = directory.site(String.valueOf(ChatIdentity.site(p)));
    if (!ChatIdentity.isVisitor(p) || site == null) {
      throw new ProtocolException(
          ErrorCode.FORBIDDEN, "only a site's visitor fills in its form", "conv");
    }
    if (site.appearance() == null || !site.appearance().prechatOn()) {
      throw new ProtocolException(
          ErrorCode.INVALID_FIELD, "this site has no pre-chat form", "fields");
    }
    Map<String, String> answers = site.appearance().prechat().check(c.fields());
    long now = node.clock().millis();
    CompletableFuture<Void> done =
        flow.beforeSend(p, c.conv(), session.connection().clientAddress())
            .thenCompose(v -> conversations.find(c.conv()))
            .thenCompose(
                found -> {
                  if (found.isEmpty() || !ChatAccess.isVisitorOf(p, found.get())) {
                    throw new ProtocolException(
                        ErrorCode.FORBIDDEN, "not your conversation", "conv");
                  }
                  return flush(c.conv(), p.user())
                      .thenCompose(
                          v -> store.savePrechat(c.conv(), site.id(), p.user(), answers, now));
                });
    session.loop().then(done, c, STORE, v -> session.push(new ChatEvent.Prechat(c.conv(), true)));
  }

  /**
   * A message was stored: a visitor's first one in a new conversation writes its waiting context.
   */
  void messageStored(StoredMessage m) {
    flush(m.conversation(), m.sender());
  }

  private CompletableFuture<Void> flush(String conv, String visitor) {
    VisitorContext ctx;
    synchronized (waiting) {
      ctx = waiting.get(conv);
      if (ctx == null || !ctx.visitor().equals(visitor)) {
        return CompletableFuture.completedFuture(null);
      }
      waiting.remove(conv);
    }
    return store.savePage(ctx);
  }

  /**
   * The visitor panel of {@code conv} for {@code agent}: empty when the conversation does not exist
   * or is not of one of the agent's sites.
   */
  public CompletableFuture<Optional<View>> view(Principal agent, String conv) {
    return conversations
        .find(conv)
        .thenCompose(
            found -> {
              if (found.isEmpty()
                  || found.get().deleted()
                  || !directory.isAgentOf(agent, found.get().site())) {
                return CompletableFuture.completedFuture(Optional.<View>empty());
              }
              ChatConversation c = found.get();
              return store
                  .of(conv)
                  .thenCombine(
                      chats.ofVisitor(c.site(), c.visitor()),
                      (ctx, all) -> {
                        VisitorContext vc = ctx.orElse(null);
                        UserAgents.Parsed ua = UserAgents.parse(vc == null ? null : vc.userAgent());
                        List<ChatConversation> earlier =
                            all.reversed().stream()
                                .filter(o -> !o.id().equals(conv))
                                .limit(MAX_EARLIER)
                                .toList();
                        return Optional.of(new View(c, vc, ua.browser(), ua.os(), earlier));
                      });
            });
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
