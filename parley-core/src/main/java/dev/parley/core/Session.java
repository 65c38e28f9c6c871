package dev.parley.core;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.Push;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection's state in the core: who it is, which conversations it has joined, and how
 * far each has been delivered. Decodes the commands of {@code docs/PROTOCOL.md} and carries out the
 * core's own (join, leave, send, receipt, history, typing, ping); {@code hello} and {@code auth} go
 * to its {@link Admission}, send, receipt and history to its {@link SessionMessages} (rate limits
 * in its {@link SendLimiter}), presence to its {@link PresenceTracker}, and every other command to
 * the node's {@link Extension}; the rate of {@code join}s is its {@link JoinLimiter}'s. Which
 * commands wait for an asynchronous check (a password hash, a join's authorization) is its {@link
 * PendingChecks}'.
 *
 * <p>Not thread-safe: every method runs on {@link Connection#executor()}, the connection's event
 * loop, except where a method says otherwise. Work that finishes on other threads comes back
 * through {@link #loop()}; nothing here blocks.
 */
public final class Session {
  private static final Logger log = LoggerFactory.getLogger(Session.class);

  private final Node node;
  private final Connection connection;
  private final String id;
  private final SessionLoop loop;
  private final PendingChecks checks;
  private final Admission admission;
  // Presence and typing where joined: made with the map, before any join, on the executor.
  private PresenceTracker presence;
  private TypingIndicator typing;

  /** The rate of {@code join}s; null until the first (most idle connections never join). */
  private JoinLimiter joins;

  /** Null until {@code hello} succeeded. Written on the executor, read from any thread. */
  private volatile Principal principal;

  /** Joined conversations; null until {@link #subscriptions()} makes it (most never join). */
  private Map<String, Subscription> subscriptions;

  /** Whether any conversation is joined, for any thread: presence renewal skips the idle. */
  private volatile boolean joinedAny;

  /** The message commands (send, receipt, history); null until the first of them. */
  private SessionMessages messages;

  /** Written on the executor, read by {@link SessionLoop} from any thread. */
  private volatile boolean closed;

  Session(Node node, Connection connection, String id) {
    this.node = node;
    this.connection = connection;
    this.id = id;
    this.loop = new SessionLoop(this, connection.executor());
    this.checks = new PendingChecks(this);
    this.admission = new Admission(this, node, checks);
  }

  /** This session's id, as told to the client in {@code welcome}. Any thread. */
  public String id() {
    return id;
  }

  /** The authenticated principal, or null before {@code hello}. Any thread. */
  public Principal principal() {
    return principal;
  }

  /** Where work that finished elsewhere continues on this session's loop. Any thread. */
  public SessionLoop loop() {
    return loop;
  }

  /** Whether the connection has ended. Any thread. */
  public boolean isClosed() {
    return closed;
  }

  /** The connection's handshake parameters and origin, for the extension. Any thread. */
  public Connection connection() {
    return connection;
  }

  Node node() {
    return node;
  }

  Executor executor() {
    return connection.executor();
  }

  void admitted(Principal p) {
    principal = p;
  }

  /** A text frame arrived. Decodes it and carries out the command (or holds it, in order). */
  public void onFrame(byte[] utf8, int offset, int length) {
    if (closed) {
      return;
    }
    Command command;
    try {
      command = node.codec().decodeCommand(utf8, offset, length);
    } catch (ProtocolException e) {
      reject(null, e);
      return;
    }
    checks.arrived(command);
  }

  /**
   * Carries out the {@code hello} the opening request carried ({@code /ws?hello=1&site=…}), as if
   * it were the first frame; nothing when it carried none. Once, right after opening; executor.
   */
  public void helloFromRequest() {
    admission.fromRequest();
  }

  void carryOut(Command command) {
    loop.guarded(command, () -> dispatch(command));
  }

  /** Answers {@code about} (or the server's own work, when null) with the error {@code e}. */
  void reject(Command about, ProtocolException e) {
    node.metrics().commandRejected(e.code());
    ProtocolException named =
        about == null ? e : e.naming(e.cid() != null ? e.cid() : about.cid(), about.ref());
    push(named.toPush());
  }

  private void dispatch(Command command) {
    if (command instanceof Command.Ping p) {
      push(new Push.Pong(p.ref()));
      return;
    }
    if (command instanceof Command.Hello h) {
      admission.hello(h);
      return;
    }
    if (principal == null) {
      throw new ProtocolException(ErrorCode.HELLO_REQUIRED, "send hello first", null);
    }
    switch (command) {
      case Command.Join j -> {
        // A resync of a conversation held (an SDK's gap repair) has a bucket of its own: first
        // joins cannot starve it, and a loop of them is bounded too.
        boolean resync = j.after() != null && subscriptions().containsKey(j.conv());
        if (joins == null) {
          joins = new JoinLimiter(this);
        }
        if (joins.allows(j.conv(), j.ref(), resync)) {
          join(j.conv(), j.after(), j.epoch(), j.ref(), false);
        }
      }
      case Command.Leave l -> leave(l);
      case Command.Send s -> messages().send(s);
      case Command.Receipt r -> messages().receipt(r);
      case Command.History h -> messages().history(h);
      case Command.Typing t -> {
        messages().mayPublishOrThrow(t.conv());
        typing.typing(t);
      }
      case Command.Auth a -> admission.reauthenticate(a);
      case Command.PresenceList p -> {
        joinedOrThrow(p.conv());
        presence.list(p);
      }
      default -> {
        if (!node.extension().command(this, command)) {
          throw new ProtocolException(
              ErrorCode.UNKNOWN_TYPE, "this server does not carry out that command", "type");
        }
      }
    }
  }

  /**
   * Joins after asking the authorizer; commands about {@code conv} that arrive meanwhile wait their
   * turn ({@link PendingChecks}). A refusal names the conversation ({@code resume} entries have no
   * ref).
   */
  void join(String conv, Long after, String epoch, String ref, boolean resuming) {
    if (!checks.mayAsk(conv, () -> join(conv, after, epoch, ref, resuming))) {
      return; // asked once fewer joins are (PendingChecks.MAX_JOINS_ASKED)
    }
    CompletableFuture<Boolean> may = node.authorizer().mayJoin(principal, conv);
    if (may.isDone() && !may.isCompletedExceptionally()) {
      joinIf(may.join(), conv, after, epoch, ref, resuming);
      return;
    }
    checks.awaitingJoin(
        conv,
        may,
        (ok, err) -> {
          if (err instanceof ProtocolException refused) { // a reason (unknown_namespace)
            node.metrics().commandRejected(refused.code());
            push(refused.naming(null, ref).toPush().about(conv));
            return;
          }
          if (err != null) {
            log.warn("authorizing {} failed", conv, err);
            push(
                Push.Error.of(
                        ErrorCode.STORE_UNAVAILABLE,
                        "could not check access to " + conv + "; join again",
                        null,
                        ref,
                        "conv")
                    .about(conv));
            return;
          }
          joinIf(ok, conv, after, epoch, ref, resuming);
        });
  }

  private void joinIf(
      boolean allowed, String conv, Long after, String epoch, String ref, boolean resuming) {
    if (!allowed) {
      node.metrics().commandRejected(ErrorCode.FORBIDDEN);
      push(
          Push.Error.of(
                  ErrorCode.FORBIDDEN,
                  (resuming ? "you may not resume " : "you may not join ") + conv,
                  null,
                  ref,
                  resuming ? "resume" : "conv")
              .about(conv));
      return;
    }
    try {
      joinAuthorized(conv, after, epoch, ref);
    } catch (ProtocolException e) {
      node.metrics().commandRejected(e.code());
      push(e.naming(null, ref).toPush().about(conv));
    }
  }

  /**
   * Joins a conversation on the server's own decision (the extension joins a user to a conversation
   * it made), without asking the authorizer. Call on the session's executor.
   */
  public void joinTrusted(String conv, Long after) {
    if (!closed && !hasJoined(conv)) {
      joinAuthorized(conv, after, null, null);
    }
  }

  /**
   * Whether this session has joined {@code conv} or is joining it. Call on the session's executor.
   */
  public boolean hasJoined(String conv) {
    return subscriptions().containsKey(conv) || checks.authorizing(conv);
  }

  private void joinAuthorized(String conv, Long after, String epoch, String ref) {
    Subscription old = subscriptions().remove(conv);
    if (old != null) {
      unsubscribe(old);
    } else if (subscriptions().size() >= node.config().maxConversationsPerSession()) {
      throw new ProtocolException(
          ErrorCode.INVALID_FIELD,
          "a connection may join at most "
              + node.config().maxConversationsPerSession()
              + " conversations",
          "conv");
    }
    joinedAny = true;
    StreamWindow.Limits window = node.windowed().limitsOf(conv);
    if (window != null) { // an ephemeral stream: its own subscription, beside the durable one
      WindowSubscription w = new WindowSubscription(this, conv, window);
      subscriptions().put(conv, w);
      w.join(
          node.hub().add(w).thenCompose(ok -> presence.enter(conv)), presence, ref, after, epoch);
      return;
    }
    ConversationSubscription sub = new ConversationSubscription(this, conv);
    subscriptions().put(conv, sub);
    CompletableFuture<JoinState> state =
        node.hub()
            .add(sub)
            .thenCompose(ok -> presence.enter(conv))
            .thenCompose(
                snap ->
                    CompletableFuture.supplyAsync(
                        () ->
                            new JoinState(
                                snap, node.store().lastSeq(conv), node.store().receipts(conv)),
                        node.store().readExecutor()));
    state.whenComplete(
        (s, err) ->
            loop.run(
                () -> {
                  if (!sub.isActive()) {
                    return;
                  }
                  if (err != null) {
                    joinFailed(sub, ref, err);
                    return;
                  }
                  joined(sub, ref, after, s);
                }));
  }

  /** A join could not read where its history is kept: undone, and the client told. */
  void joinFailed(Subscription sub, String ref, Throwable err) {
    log.warn("join of {} could not read its history", sub.conversation(), err);
    subscriptions().remove(sub.conversation(), sub);
    unsubscribe(sub);
    push(
        Push.Error.of(
                ErrorCode.STORE_UNAVAILABLE,
                "the store is unavailable; join again",
                null,
                ref,
                null)
            .about(sub.conversation()));
  }

  /** What a join learns before it answers: presence and states, the last seq, the receipts. */
  private record JoinState(
      PresenceTracker.Snapshot snapshot, long lastSeq, List<ReceiptState> receipts) {}

  private void joined(ConversationSubscription sub, String ref, Long after, JoinState s) {
    List<Push.Receipt> rs = new ArrayList<>(s.receipts().size());
    for (ReceiptState r : s.receipts()) {
      rs.add(new Push.Receipt(r.conversation(), r.user(), r.kind(), r.seq()));
    }
    long from = after == null ? s.lastSeq() : Math.min(after, s.lastSeq());
    PresenceTracker.Snapshot snap = s.snapshot();
    push(
        new Push.Joined(
            ref, sub.conversation(), s.lastSeq(), from, rs, snap.users(), snap.count()));
    presence.announce(sub.conversation(), snap);
    for (byte[] frame : snap.states()) {
      connection.send(frame);
    }
    sub.start(from);
  }

  private void unsubscribe(Subscription sub) {
    joinedAny = !subscriptions().isEmpty();
    sub.deactivate();
    node.hub().remove(sub);
  }

  private void leave(Command.Leave l) {
    Subscription sub = subscriptions().remove(l.conv());
    if (sub != null) {
      unsubscribe(sub);
      presence.leave(l.conv());
    }
    typing.left(l.conv());
    push(new Push.Left(l.ref(), l.conv()));
  }

  private SessionMessages messages() {
    if (messages == null) {
      messages = new SessionMessages(this);
    }
    return messages;
  }

  private Map<String, Subscription> subscriptions() { // every use of presence or typing follows one
    if (subscriptions == null) {
      subscriptions = new HashMap<>();
      presence = new PresenceTracker(this, node);
      typing = new TypingIndicator(this, node);
    }
    return subscriptions;
  }

  /** The joined conversation {@code conv}; a {@code not_joined} error when it is not joined. */
  Subscription joinedOrThrow(String conv) {
    Subscription sub = subscriptions().get(conv);
    if (sub == null) {
      throw new ProtocolException(ErrorCode.NOT_JOINED, "join " + conv + " first", "conv");
    }
    return sub;
  }

  /** Renews this session's presence in every joined conversation. Any thread: hops. */
  void renewPresence() {
    if (!joinedAny) {
      return; // nothing to renew; no hop to the event loop (idle connections cost less CPU)
    }
    loop.run(() -> presence.renew(subscriptions().keySet()));
  }

  /** The connection is gone. Releases everything; idempotent. */
  public void onClose() {
    if (closed) {
      return;
    }
    closed = true;
    if (principal != null && typing != null) {
      typing.close();
    }
    admission.close();
    checks.close();
    if (subscriptions != null) {
      for (Subscription s : subscriptions.values()) {
        s.deactivate();
        node.hub().remove(s);
        presence.leave(s.conversation());
      }
      subscriptions.clear();
    }
    joinedAny = false;
    node.sessionClosed(this);
    if (principal != null) {
      node.extension().sessionClosed(this);
    }
  }

  /** Sends an event to this client. Any thread (the connection's writes are thread-safe). */
  public void push(Push p) {
    if (!closed) {
      connection.send(node.codec().encode(p));
    }
  }

  /** Sends an already-encoded event to this client. Any thread. */
  public void push(byte[] frame) {
    if (!closed) {
      connection.send(frame);
    }
  }

  /** Closes the connection with {@code code}. Any thread. */
  public void close(CloseCode code) {
    connection.close(code, code.reason());
  }
}
