package dev.parley.chat;

import dev.parley.core.Authorizer;
import dev.parley.core.HandshakePolicy;
import dev.parley.core.Principal;
import dev.parley.core.Session;
import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Fields;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.chat.ChatProtocol;
import java.util.concurrent.CompletableFuture;

/**
 * Who may do what in the chat product ({@code docs/SECURITY.md}):
 *
 * <ul>
 *   <li>connections: a browser page may connect from the server's own origin or from an origin its
 *       site allows; a token is required where the server or the site says so;
 *   <li>sessions: a visitor is placed on a site at {@code hello} — the one its token is bound to,
 *       or the one it names (in {@code hello}, or in the URL it connected to);
 *   <li>conversations: a {@code chat_…} conversation is joinable by its visitor and the agents of
 *       its site, and one not created yet by the visitor about to open it; its notes ({@code
 *       chat_…:notes}, {@link Notes}) by the agents of its site only, never by its visitor; {@code
 *       agents:<site>} by those agents;
 *   <li>channels: {@code name:…} of a configured {@link Namespace} by whom its {@code subscribe}
 *       admits, and sent into by whom its {@code publish} admits — and, when the namespace has a
 *       proxy, only once the application's backend said yes too ({@link ProxyAuthorization}; a
 *       send's is asked in the extension's {@code beforeSend}); of a name no namespace has, {@code
 *       unknown_namespace} (unless open channels are on, which keeps such ids open as they were);
 *       other ids are open channels only when the configuration says so.
 * </ul>
 *
 * <p>Thread-safe and non-blocking: the only store read (a conversation's owner) is asynchronous.
 */
final class ChatAccess implements Authorizer, HandshakePolicy {
  private final Directory directory;
  private final Conversations conversations;
  private final ChatConfig config;
  private final ProxyAuthorization proxies;
  private volatile ConversationOpener opener;

  ChatAccess(
      Directory directory,
      Conversations conversations,
      ChatConfig config,
      ProxyAuthorization proxies) {
    this.directory = directory;
    this.conversations = conversations;
    this.config = config;
    this.proxies = proxies;
  }

  /**
   * Lets visitors join the conversations they are about to open (set once the node is attached).
   */
  void opener(ConversationOpener o) {
    this.opener = o;
  }

  @Override
  public CompletableFuture<Boolean> mayJoin(Principal principal, String conversation) {
    if (conversation.startsWith(ConversationLifecycle.AGENTS_TOPIC)) {
      return CompletableFuture.completedFuture(
          directory.isAgentOf(
              principal, conversation.substring(ConversationLifecycle.AGENTS_TOPIC.length())));
    }
    if (Notes.isNotes(conversation)) {
      // Staff only, whatever the configuration: a visitor never joins its conversation's notes.
      return conversations
          .find(Notes.conversationOf(conversation))
          .thenApply(c -> c.isPresent() && mayWriteNotes(directory, principal, c.get()));
    }
    if (!ChatConversation.isChat(conversation)) {
      return channel(principal, conversation);
    }
    return conversations
        .find(conversation)
        .thenCompose(
            c -> {
              if (c.isPresent()) {
                return CompletableFuture.completedFuture(
                    isVisitorOf(principal, c.get())
                        || directory.isAgentOf(principal, c.get().site()));
              }
              ConversationOpener o = opener;
              return o == null
                  ? CompletableFuture.completedFuture(false)
                  : o.isNextOf(principal, conversation);
            });
  }

  /**
   * Who may join a channel: its namespace's {@code subscribe}, then its proxy (if it has one for
   * subscribing: {@link ProxyAuthorization#maySubscribe}); an id of a name no namespace has is
   * {@code unknown_namespace}, unless open channels are on (then it is one, as before namespaces).
   */
  private CompletableFuture<Boolean> channel(Principal principal, String channel) {
    String name = Namespace.nameOf(channel);
    Namespace ns = directory.namespace(name);
    if (ns != null) {
      return ns.subscribe().admits(principal, channel, false)
          ? proxies.maySubscribe(principal, ns, channel)
          : CompletableFuture.completedFuture(false);
    }
    if (name == null || config.openChannels()) {
      return CompletableFuture.completedFuture(config.openChannels());
    }
    return CompletableFuture.failedFuture(
        new ProtocolException(
            ErrorCode.UNKNOWN_NAMESPACE,
            "there is no namespace " + name + " on this server",
            "conv"));
  }

  /**
   * Who may send into a channel they joined: its namespace's {@code publish} (asked at every send,
   * so a namespace changed meanwhile applies at once); an open channel's subscribers, while open
   * channels are on. Chat conversations, notes and the agents' topics keep their own rules (the
   * extension's {@code beforeSend}).
   */
  @Override
  public boolean mayPublish(Principal principal, String conversation) {
    if (ChatConversation.isChat(conversation)
        || Notes.isNotes(conversation)
        || conversation.startsWith(ConversationLifecycle.AGENTS_TOPIC)) {
      return true;
    }
    Namespace ns = directory.namespace(Namespace.nameOf(conversation));
    return ns != null ? ns.publish().admits(principal, conversation, true) : config.openChannels();
  }

  /**
   * Whether {@code p} is the visitor of {@code c}: the same user, and not placed on another site (a
   * visitor's token alone, with no site named, is enough for its own conversations).
   */
  static boolean isVisitorOf(Principal p, ChatConversation c) {
    String site = ChatIdentity.site(p);
    return ChatIdentity.isVisitor(p)
        && p.user().equals(c.visitor())
        && (site == null || site.equals(c.site()));
  }

  /**
   * Places a visitor on its site at {@code hello}: a token bound to a site keeps it, and a hello
   * naming another site is refused; otherwise the site the hello names.
   */
  CompletableFuture<Principal> admit(Session session, Command.Hello hello, Principal p) {
    if (!ChatIdentity.isVisitor(p)) {
      return CompletableFuture.completedFuture(p); // agents and admins are on no one site
    }
    String named = hello.option(ChatProtocol.SITE);
    if (named == null) {
      named = session.connection().handshakeParams().get(ChatProtocol.SITE); // /ws?site=…
      if (named != null && !Fields.CONVERSATION_ID.matcher(named).matches()) {
        return CompletableFuture.failedFuture(
            new ProtocolException(
                ErrorCode.INVALID_FIELD,
                "the site in the URL must be 1-64 characters of A-Z a-z 0-9 _ . : -",
                "site"));
      }
    }
    String bound = ChatIdentity.site(p);
    if (bound != null && named != null && !bound.equals(named)) {
      return CompletableFuture.failedFuture(
          new ProtocolException(
              ErrorCode.UNAUTHORIZED, "the token is for site " + bound + ", not " + named, "site"));
    }
    String site = bound != null ? bound : named;
    Site s = directory.site(site);
    String origin = session.connection().origin();
    if (s != null
        && origin != null
        && !allows(s, origin)
        && !sameOrigin(origin, session.connection().host())) {
      // The handshake checked the site the URL named (or none): check the one the hello names.
      return CompletableFuture.failedFuture(
          new ProtocolException(
              ErrorCode.FORBIDDEN,
              "origin " + origin + " may not open " + s.id() + "'s widget",
              "site"));
    }
    if (s != null && !s.anonymousVisitors() && !site.equals(bound)) {
      // Placed on a site that lets in only the visitors its backend signed in: wherever the site
      // came from (hello, the URL, a fallback session), the token must be that site's.
      return CompletableFuture.failedFuture(
          new ProtocolException(
              ErrorCode.UNAUTHORIZED,
              "site " + site + " lets in only visitors its backend signed in: send its token",
              "token"));
    }
    // The language the hello names (checked by the codec) picks the site's greeting.
    Principal placed = bound != null ? p : p.withClaim(ChatIdentity.SITE, named);
    return CompletableFuture.completedFuture(
        placed.withClaim(ChatIdentity.LANG, hello.option(ChatProtocol.LANG)));
  }

  /**
   * A browser page may connect when it comes from the server's own origin, or from an origin that
   * the site named in the URL lists. A page that names no site comes from the server's own origin
   * or not at all, and {@code Origin: null} (a sandboxed or file page) never. Non-browsers (no
   * Origin) may connect unless {@code requireOrigin}; what they may do is up to their credentials.
   */
  @Override
  public boolean originAllowed(Request r) {
    if (r.origin() == null) {
      return !config.requireOrigin();
    }
    if (r.origin().equals("null")) {
      return false;
    }
    if (sameOrigin(r.origin(), r.host())) {
      return true;
    }
    Site s = directory.site(r.param("site"));
    return s != null && allows(s, r.origin());
  }

  /**
   * Whether {@code p} may write in {@code c}: its visitor; of the staff, only the agent it is
   * assigned to (an admin or another agent may join and read, not write).
   */
  static boolean mayWrite(Principal p, ChatConversation c) {
    if (ChatIdentity.isStaff(p)) {
      return c.status() == ConversationStatus.ASSIGNED && p.user().equals(c.agent());
    }
    return isVisitorOf(p, c);
  }

  /**
   * Whether {@code p} may read and write the notes of {@code c}: an agent of its site (an admin
   * through its agent account), assigned or not; never a visitor, not even of {@code c}.
   */
  static boolean mayWriteNotes(Directory directory, Principal p, ChatConversation c) {
    return ChatIdentity.isStaff(p) && directory.isAgentOf(p, c.site());
  }

  /**
   * A handshake needs a token where the server requires one, or for a site without anonymous
   * visitors.
   */
  @Override
  public boolean tokenRequired(Request r) {
    if (config.requireToken()) {
      return true;
    }
    Site s = directory.site(r.param("site"));
    return s != null && !s.anonymousVisitors();
  }

  /** {@link WidgetOrigins#allows}. */
  static boolean allows(Site s, String origin) {
    return WidgetOrigins.allows(s, origin);
  }

  /** {@link WidgetOrigins#sameOrigin}. */
  static boolean sameOrigin(String origin, String host) {
    return WidgetOrigins.sameOrigin(origin, host);
  }
}
