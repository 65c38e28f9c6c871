package dev.parley.chat;

import dev.parley.core.Extension;
import dev.parley.core.Principal;
import dev.parley.core.Session;
import dev.parley.core.SessionLoop;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.MessageMeta;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.chat.ChatCommand;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The chat layer as the core's {@link Extension}: a small adapter that hands each event to the part
 * that owns it — admission to {@link ChatAccess}, visitors to {@link VisitorFlow}, agents to {@link
 * AgentRouting}, agents' commands to {@link AgentDesk}.
 *
 * <p>Called on sessions' event loops; never blocks.
 */
final class ChatExtension implements Extension {
  private static final SessionLoop.OnFailure STORE =
      new SessionLoop.OnFailure(ErrorCode.STORE_UNAVAILABLE, "try again");

  private final ChatLayer chat;

  ChatExtension(ChatLayer chat) {
    this.chat = chat;
  }

  @Override
  public CompletableFuture<Principal> admit(
      Session session, Command.Hello hello, Principal principal) {
    return chat.access().admit(session, hello, principal);
  }

  /**
   * A chat conversation's rules ({@link VisitorFlow#beforeSend}); a channel's namespace's proxy
   * ({@link ProxyAuthorization#beforePublish}).
   */
  @Override
  public CompletableFuture<Void> beforeSend(Session session, Command.Send send) {
    if (!ChatConversation.isChat(send.conv())) {
      return chat.proxies().beforePublish(session.principal(), send);
    }
    return chat.flow()
        .beforeSend(session.principal(), send.conv(), session.connection().clientAddress());
  }

  @Override
  public CompletableFuture<MessageMeta> attachments(
      Session session, String conversation, List<String> attachments) {
    return chat.files().attachments(session.principal(), conversation, attachments);
  }

  @Override
  public void helloAccepted(Session session) {
    Principal p = session.principal();
    if (ChatIdentity.isStaff(p)) {
      Agent agent = chat.directory().staff(p);
      if (agent
          != null) { // an admin from the identity provider with no agent account watches no sites
        chat.routing().agentOnline(session, agent);
      }
      return;
    }
    chat.flow().helloAccepted(session);
  }

  @Override
  public boolean command(Session session, Command command) {
    Principal p = session.principal();
    AgentDesk desk = chat.desk();
    switch (command) {
      case ChatCommand.Stop s -> chat.flow().stopCommand(session, s);
      case ChatCommand.Handoff h -> chat.flow().handoffCommand(session, h);
      case ChatCommand.Accept a -> reply(session, a, desk.accept(p, a.conv()));
      case ChatCommand.Transfer t -> reply(session, t, desk.transfer(p, t.conv(), t.to()));
      case ChatCommand.Resolve r -> reply(session, r, desk.resolve(p, r.conv()));
      case ChatCommand.BackToBot b -> reply(session, b, desk.backToBot(p, b.conv()));
      case ChatCommand.Rate r -> chat.ratings().rateCommand(session, r);
      case ChatCommand.Contact c -> chat.mail().contactCommand(session, c, chat.flow());
      case ChatCommand.Transcript t -> chat.mail().transcriptCommand(session, t);
      case ChatCommand.Context c -> chat.visitors().contextCommand(session, c);
      case ChatCommand.Prechat f -> chat.visitors().prechatCommand(session, f, chat.flow());
      case ChatCommand.Label l ->
          reply(session, l, desk.label(p, l.conv(), ChatCommand.Label.checkLabels(l.labels())));
      default -> {
        return false;
      }
    }
    return true;
  }

  /**
   * Answers {@code command} with an error when {@code outcome} refused it; success has its own
   * events.
   */
  private static void reply(
      Session s, Command command, CompletableFuture<AgentDesk.Outcome> outcome) {
    s.loop()
        .then(
            outcome,
            command,
            STORE,
            o -> {
              if (!o.ok()) {
                throw new ProtocolException(o.error(), o.message(), o.field());
              }
            });
  }

  @Override
  public void messageStored(Session session, StoredMessage m) {
    if (!ChatConversation.isChat(m.conversation()) || Notes.isNotes(m.conversation())) {
      return; // a note is no reply to the visitor, and no integration hears of it
    }
    chat.feed().messageStored(m);
    Principal p = session.principal();
    if (ChatIdentity.isStaff(p)) {
      chat.routing().agentSpoke(m.conversation());
    } else {
      chat.visitors().messageStored(m);
      chat.flow().visitorSaid(m);
    }
  }

  @Override
  public void sessionClosed(Session session) {
    chat.mail().sessionClosed(session);
    Principal p = session.principal();
    if (ChatIdentity.isStaff(p) && chat.directory().staff(p) != null) {
      chat.routing().agentSessionClosed(p.user());
    }
  }
}
