package dev.parley.core;

import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.MessageMeta;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.Push;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's message commands of one {@link Session}: {@code send} (joined, within the rate and the
 * length, its attachments turned into meta by the extension, then appended in the order sent and
 * acknowledged once durable; a resent cid the extension now refuses is acknowledged as stored),
 * {@code receipt} and {@code history}; and whether the principal may publish where it is joined
 * ({@link #mayPublishOrThrow}, for {@code typing} too). A session makes it at its first such
 * command, so idle connections do not pay for it.
 *
 * <p>Not thread-safe: confined to the session's event loop, like the session; store results come
 * back through {@link Session#loop()} (or, for a send's ack, the connection's executor).
 */
final class SessionMessages {
  private static final Logger log = LoggerFactory.getLogger(SessionMessages.class);

  private final Session session;
  private final Node node;
  private final SendLimiter limiter;

  /**
   * The last {@code send} in submission order: each send is appended only after the previous one
   * was handed to the store, so one client's messages keep their order even when the extension
   * holds a send for a moment ({@link Extension#beforeSend}).
   */
  private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);

  SessionMessages(Session session) {
    this.session = session;
    this.node = session.node();
    this.limiter = new SendLimiter(session, node.clock(), node.config());
  }

  /**
   * The subscription to {@code conv}, if the principal may also send into it ({@link
   * Authorizer#mayPublish}); a refusal is {@code forbidden}, nothing is sent or stored.
   */
  Subscription mayPublishOrThrow(String conv) {
    Subscription sub = session.joinedOrThrow(conv);
    if (!node.authorizer().mayPublish(session.principal(), conv)) {
      throw new ProtocolException(ErrorCode.FORBIDDEN, "you may not send in " + conv, "conv");
    }
    return sub;
  }

  void send(Command.Send s) {
    mayPublishOrThrow(s.conv());
    limiter.take();
    int max = node.config().maxTextChars();
    if (s.text().length() > max && s.text().codePointCount(0, s.text().length()) > max) {
      throw new ProtocolException(
          ErrorCode.TOO_LONG,
          "text is longer than " + max + " characters (Unicode code points)",
          "text");
    }
    if (node.isDraining()) {
      throw new ProtocolException(
          ErrorCode.SHUTTING_DOWN, "the server is shutting down; reconnect and send again", null);
    }
    node.metrics().messageReceived();
    long receivedAt = node.clock().nanoTime();
    long createdAt = node.clock().millis();
    node.sendStarted();
    CompletableFuture<CompletableFuture<Appended>> submitted =
        lastSend
            .handle((x, e) -> null)
            .thenCompose(
                v ->
                    s.attachments().isEmpty()
                        ? CompletableFuture.<MessageMeta>completedFuture(null)
                        : node.extension().attachments(session, s.conv(), s.attachments()))
            .thenCompose(
                meta ->
                    node.extension()
                        .beforeSend(session, s)
                        .handle(
                            (v, refused) ->
                                refused != null
                                    ? storedOrRefused(s, refused)
                                    : node.append(
                                        new AppendRequest(
                                            s.conv(),
                                            session.principal().user(),
                                            s.cid(),
                                            "text",
                                            s.text(),
                                            createdAt,
                                            null,
                                            null,
                                            meta))));
    lastSend = submitted;
    // Hand-written rather than loop().then: the drain count must drop even when the session closed.
    submitted
        .thenCompose(f -> f)
        .whenComplete(
            (appended, err) ->
                session
                    .connection()
                    .executor()
                    .execute(
                        () -> {
                          node.sendFinished();
                          if (session.isClosed()) {
                            return;
                          }
                          if (err != null) {
                            Throwable cause = err.getCause() != null ? err.getCause() : err;
                            if (cause instanceof ProtocolException p) {
                              session.reject(s, p);
                            } else {
                              session.push(
                                  Push.Error.of(
                                      ErrorCode.STORE_UNAVAILABLE,
                                      "the message was not stored; send it again",
                                      s.cid(),
                                      s.ref(),
                                      null));
                            }
                            return;
                          }
                          StoredMessage m = appended.message();
                          session.push(
                              new Push.Ack(
                                  s.ref(),
                                  s.cid(),
                                  m.conversation(),
                                  m.seq(),
                                  m.id(),
                                  m.createdAtMillis()));
                          node.metrics().sendAcked(node.clock().nanoTime() - receivedAt);
                          if (!appended.duplicate()) {
                            session
                                .loop()
                                .guarded(s, () -> node.extension().messageStored(session, m));
                          }
                        }));
  }

  /**
   * The extension refused {@code s}: if the store already holds its cid (a resend whose ack was
   * lost, the first send allowed), it is answered as the duplicate an append would find, published
   * again like one; otherwise, and when the store cannot say (logged), the refusal stands. Only a
   * refused send pays for this read; an ephemeral stream remembers no cid. Any thread.
   */
  private CompletableFuture<Appended> storedOrRefused(Command.Send s, Throwable refused) {
    if (node.windowed().limitsOf(s.conv()) != null) {
      return CompletableFuture.failedFuture(refused);
    }
    MessageStore store = node.store();
    String sender = session.principal().user();
    CompletableFuture<Optional<StoredMessage>> found;
    try {
      found =
          CompletableFuture.supplyAsync(
              () -> store.findByCid(s.conv(), sender, s.cid()), store.readExecutor());
    } catch (RuntimeException e) { // the read threads are gone: the store is closing
      found = CompletableFuture.failedFuture(e);
    }
    return found
        .handle(
            (m, readFailed) -> {
              if (readFailed != null) {
                log.warn(
                    "session {}: could not tell whether the refused cid {} in {} is stored",
                    session.id(),
                    s.cid(),
                    s.conv(),
                    readFailed);
              }
              return m == null || m.isEmpty()
                  ? CompletableFuture.<Appended>failedFuture(refused)
                  : node.published(new Appended(m.get(), true));
            })
        .thenCompose(f -> f);
  }

  void receipt(Command.Receipt r) {
    Subscription sub = session.joinedOrThrow(r.conv());
    if (!node.authorizer().mayPublish(session.principal(), r.conv())) {
      // A receipt is stored and told to every subscriber, with the reader's id: where one may not
      // write (a read-only channel, the server's own), one may not announce one's reading either.
      throw new ProtocolException(
          ErrorCode.FORBIDDEN, "you may not send receipts in " + r.conv(), "conv");
    }
    if (r.seq() > sub.delivered()) {
      throw new ProtocolException(
          ErrorCode.INVALID_FIELD,
          "seq "
              + r.seq()
              + " is beyond what this connection has received ("
              + sub.delivered()
              + ")",
          "seq");
    }
    String user = session.principal().user();
    CompletableFuture<Boolean> saved = node.store().saveReceipt(r.conv(), user, r.kind(), r.seq());
    saved.thenAccept(
        moved -> {
          if (moved) {
            node.publish(
                r.conv(),
                BrokerEvent.ephemeral(
                    user,
                    null,
                    0,
                    node.encode(new Push.Receipt(r.conv(), user, r.kind(), r.seq()))));
          }
        });
    session
        .loop()
        .then(
            saved,
            r,
            new SessionLoop.OnFailure(
                ErrorCode.STORE_UNAVAILABLE, "the receipt was not stored; send it again"),
            moved -> {});
  }

  void history(Command.History h) {
    Subscription sub = session.joinedOrThrow(h.conv());
    long before = h.before() == null ? Long.MAX_VALUE : h.before();
    int limit = h.limitOrDefault();
    if (sub instanceof WindowSubscription w) { // ephemeral: the window is all there is
      session
          .loop()
          .then(
              node.windowed().history(h.ref(), h.conv(), w.limits(), w.epoch(), before, limit),
              h,
              new SessionLoop.OnFailure(
                  ErrorCode.STORE_UNAVAILABLE, "history is unavailable; ask again"),
              session::push);
      return;
    }
    CompletableFuture<List<StoredMessage>> page =
        CompletableFuture.supplyAsync(
            () -> node.store().readBefore(h.conv(), before, limit), node.store().readExecutor());
    session
        .loop()
        .then(
            page,
            h,
            new SessionLoop.OnFailure(
                ErrorCode.STORE_UNAVAILABLE, "history is unavailable; ask again"),
            p -> {
              List<Push.Message> messages = new ArrayList<>(p.size());
              for (StoredMessage m : p) {
                messages.add(Node.toPush(m));
              }
              session.push(
                  new Push.History(
                      h.ref(), h.conv(), messages, !p.isEmpty() && p.get(0).seq() > 1));
            });
  }
}
