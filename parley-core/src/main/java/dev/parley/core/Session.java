package dev.parley.core;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.Push;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection's state in the core: who it is, which conversations it has joined, and
 * how far each has been delivered. Carries out the commands of {@code docs/PROTOCOL.md}.
 *
 * <p>Not thread-safe: every method runs on {@link Connection#executor()}, the connection's event
 * loop. Store work runs on store threads and its results hop back here; nothing here blocks.
 */
public final class Session {
  private static final Logger log = LoggerFactory.getLogger(Session.class);

  private final Node node;
  private final Connection connection;
  private final String id;

  /** Null until {@code hello} succeeded. Written on the executor, read from any thread. */
  private volatile Principal principal;

  /** Joins waiting for the authorizer; while any is, later commands wait in {@link #held}. */
  private int pendingAuthorizations;

  /** True while a hello's credentials are being checked. */
  private boolean helloPending;

  /**
   * Conversations whose join waits for the authorizer. Null until the first such join, like
   * {@link #held} and {@link #typingIn}: most connections never need them, and at hundreds of
   * thousands of idle connections per node every per-connection object counts.
   */
  private Set<String> authorizing;

  /** Commands that arrived while a join was being authorized, in order; null when none ever did. */
  private java.util.ArrayDeque<Command> held;

  /** More commands than this held behind one authorization is a misbehaving client. */
  private static final int MAX_HELD = 256;

  /** Joined conversations. */
  private final Map<String, ConversationSubscription> subscriptions = new HashMap<>();

  /**
   * Whether {@link #subscriptions} is non-empty, readable from any thread: the presence renewal
   * skips sessions that joined nothing without hopping to their event loop (most idle visitors).
   */
  private volatile boolean joinedAny;

  /**
   * Conversations where this session's typing indicator is on (to clear on close), with when it
   * was last published: a client may send "on" at every keystroke; the server passes it on at most
   * once per third of the indicator's lifetime, which keeps the lease alive.
   */
  private Map<String, Long> typingIn;

  private boolean closed;

  /** Closes the connection with 4401 when the principal's credentials expire; null when they never do. */
  private java.util.concurrent.ScheduledFuture<?> expiry;

  /** Token bucket of {@code send}s: tokens now, refilled at {@code sendRate} per second. */
  private double sendTokens;
  private long sendTokensAt = System.nanoTime();

  /** Rate-limited commands in the current 10 s window, and when the window began. */
  private int throttled;
  private long throttledSince = System.nanoTime();

  Session(Node node, Connection connection, String id) {
    this.node = node;
    this.connection = connection;
    this.id = id;
    this.sendTokens = node.config().sendBurst();
  }

  /** Takes a send token, or refuses: excess gets {@code rate_limited}; sustained excess a close. */
  private void takeSendToken() {
    long now = System.nanoTime();
    NodeConfig c = node.config();
    sendTokens = Math.min(c.sendBurst(), sendTokens + (now - sendTokensAt) / 1e9 * c.sendRate());
    sendTokensAt = now;
    if (sendTokens >= 1) {
      sendTokens -= 1;
      return;
    }
    if (now - throttledSince > 10_000_000_000L) {
      throttled = 0;
      throttledSince = now;
    }
    if (++throttled >= c.abuseLimit()) {
      close(CloseCode.TOO_MANY_REQUESTS);
    }
    throw new ProtocolException(ErrorCode.RATE_LIMITED,
        "more than " + (int) c.sendRate() + " messages a second; send it again a little later", null);
  }

  /** This session's id, as told to the client in {@code welcome}. */
  public String id() {
    return id;
  }

  /** The authenticated principal, or null before {@code hello}. */
  public Principal principal() {
    return principal;
  }

  Node node() {
    return node;
  }

  Connection connection() {
    return connection;
  }

  /** A text frame arrived. Decodes it and carries out the command. */
  public void onFrame(byte[] utf8, int offset, int length) {
    if (closed) {
      return;
    }
    Command command;
    try {
      command = node.codec().decodeCommand(utf8, offset, length);
    } catch (ProtocolException e) {
      node.metrics().commandRejected(e.code());
      push(e.toPush());
      return;
    }
    if (pendingAuthorizations > 0) {
      if (held == null) {
        held = new java.util.ArrayDeque<>();
      } else if (held.size() >= MAX_HELD) {
        close(CloseCode.POLICY_VIOLATION);
        return;
      }
      held.add(command);
      return;
    }
    carryOut(command);
  }

  private void carryOut(Command command) {
    try {
      dispatch(command);
    } catch (ProtocolException e) {
      node.metrics().commandRejected(e.code());
      push(e.naming(command.cid(), command.ref()).toPush());
    } catch (RuntimeException e) {
      log.error("command {} failed on session {}", command.getClass().getSimpleName(), id, e);
      push(Push.Error.of(ErrorCode.INTERNAL, "internal error", command.cid(), command.ref(), null));
    }
  }

  /** Carries out held commands until another authorization is pending. */
  private void releaseHeld() {
    while (pendingAuthorizations == 0 && held != null && !held.isEmpty() && !closed) {
      carryOut(held.poll());
    }
  }

  /** The connection is gone. Releases everything; idempotent. */
  public void onClose() {
    if (closed) {
      return;
    }
    closed = true;
    if (typingIn != null) {
      for (String conv : typingIn.keySet()) {
        publishTyping(conv, false);
      }
      typingIn = null;
    }
    if (expiry != null) {
      expiry.cancel(false);
    }
    for (ConversationSubscription s : subscriptions.values()) {
      s.deactivate();
      node.hub().remove(s);
      absent(s.conversation());
    }
    subscriptions.clear();
    joinedAny = false;
    held = null;
    node.sessionClosed(this);
    if (principal != null) {
      node.extension().sessionClosed(this);
    }
  }

  private void dispatch(Command command) {
    if (command instanceof Command.Ping p) {
      push(new Push.Pong(p.ref()));
      return;
    }
    if (command instanceof Command.Hello h) {
      hello(h);
      return;
    }
    if (principal == null) {
      throw new ProtocolException(ErrorCode.HELLO_REQUIRED, "send hello first", null);
    }
    switch (command) {
      case Command.Join j -> join(j.conv(), j.after(), j.ref());
      case Command.Leave l -> leave(l);
      case Command.Send s -> send(s);
      case Command.Receipt r -> receipt(r);
      case Command.History h -> history(h);
      case Command.Typing t -> typing(t);
      case Command.Auth a -> reauthenticate(a);
      case Command.Hello h -> throw new AssertionError("handled above");
      case Command.Ping p -> throw new AssertionError("handled above");
      default -> {
        if (!node.extension().command(this, command)) {
          throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "this server does not carry out that command", "type");
        }
      }
    }
  }

  private void hello(Command.Hello h) {
    if (principal != null || helloPending) {
      throw new ProtocolException(ErrorCode.ALREADY_HELLO, "hello was already accepted on this connection", null);
    }
    Principal atHandshake = connection.handshakePrincipal();
    java.util.concurrent.CompletableFuture<Principal> auth = atHandshake != null && h.user() == null
        ? java.util.concurrent.CompletableFuture.completedFuture(atHandshake)
        : node.authenticator().authenticate(h);
    if (auth.isDone()) {
      authenticated(h, auth);
      return;
    }
    // A slow check (a password hash): later commands wait for it, in order.
    helloPending = true;
    pendingAuthorizations++;
    auth.whenComplete((p, err) -> connection.executor().execute(() -> {
      helloPending = false;
      pendingAuthorizations--;
      if (!closed) {
        try {
          authenticated(h, auth);
        } catch (ProtocolException e) {
          node.metrics().commandRejected(e.code());
          push(e.naming(null, h.ref()).toPush());
        }
      }
      releaseHeld();
    }));
  }

  private void authenticated(Command.Hello h, java.util.concurrent.CompletableFuture<Principal> auth) {
    Principal p;
    try {
      p = auth.join();
    } catch (java.util.concurrent.CompletionException e) {
      String field = h.user() != null ? "password" : "token";
      throw new ProtocolException(ErrorCode.UNAUTHORIZED, Authenticator.reason(e), field);
    }
    if (p.site() != null && h.site() != null && !p.site().equals(h.site())) {
      throw new ProtocolException(ErrorCode.UNAUTHORIZED, "the token is for site " + p.site() + ", not " + h.site(), "site");
    }
    Principal full = p.site() != null ? p : p.onSite(h.site());
    // The token goes to the client in welcome and is not kept: nothing on this connection needs it
    // again, and a connection holds as little as it can (tokens are the longest strings it has).
    principal = full.withoutToken();
    armExpiry();
    push(new Push.Welcome(h.ref(), id, principal.user(), principal.role(), full.token(),
        node.config().heartbeat().toMillis(), principal.expires() ? principal.expiresAtMillis() : null));
    if (h.token() != null && h.resume() != null && !h.resume().isEmpty()) {
      node.metrics().reconnected();
    }
    if (h.resume() != null) {
      h.resume().forEach((conv, seq) -> join(conv, seq, null));
    }
    node.extension().helloAccepted(this);
  }

  /** Schedules the 4401 close at the principal's expiry (replacing an earlier one). */
  private void armExpiry() {
    if (expiry != null) {
      expiry.cancel(false);
      expiry = null;
    }
    if (principal.expires()) {
      Principal current = principal;
      expiry = node.later(connection.executor(), current.expiresAtMillis() - System.currentTimeMillis(), () -> {
        if (!closed && principal == current) {
          close(CloseCode.TOKEN_EXPIRED);
        }
      });
    }
  }

  /**
   * {@code auth}: a fresh token for the same user and role replaces the expiring one. Later
   * commands wait for the check, in order, like after {@code hello}.
   */
  private void reauthenticate(Command.Auth a) {
    java.util.concurrent.CompletableFuture<Principal> check = node.authenticator().authenticateToken(a.token());
    pendingAuthorizations++;
    check.whenComplete((p, err) -> connection.executor().execute(() -> {
      pendingAuthorizations--;
      if (!closed) {
        if (err != null) {
          node.metrics().commandRejected(ErrorCode.UNAUTHORIZED);
          push(Push.Error.of(ErrorCode.UNAUTHORIZED, Authenticator.reason(err), null, a.ref(), "token"));
        } else if (!p.user().equals(principal.user()) || !p.role().equals(principal.role())
            || (p.site() != null && !p.site().equals(principal.site()))) {
          node.metrics().commandRejected(ErrorCode.FORBIDDEN);
          push(Push.Error.of(ErrorCode.FORBIDDEN, "auth must keep the same user, role and site; reconnect to change them",
              null, a.ref(), "token"));
        } else {
          principal = new Principal(principal.user(), principal.role(), null, principal.site(), p.expiresAtMillis());
          armExpiry();
          push(new Push.Authed(a.ref(), principal.expires() ? principal.expiresAtMillis() : null));
        }
      }
      releaseHeld();
    }));
  }

  /** Joins after asking the authorizer; commands that arrive meanwhile wait their turn. */
  private void join(String conv, Long after, String ref) {
    java.util.concurrent.CompletableFuture<Boolean> may = node.authorizer().mayJoin(principal, conv);
    if (may.isDone() && !may.isCompletedExceptionally()) {
      if (!may.join()) {
        throw new ProtocolException(ErrorCode.FORBIDDEN, "you may not join " + conv, "conv");
      }
      joinAuthorized(conv, after, ref);
      return;
    }
    pendingAuthorizations++;
    if (authorizing == null) {
      authorizing = new HashSet<>();
    }
    authorizing.add(conv);
    may.whenComplete((ok, err) -> connection.executor().execute(() -> {
      pendingAuthorizations--;
      authorizing.remove(conv);
      if (!closed) {
        if (err != null) {
          log.warn("authorizing {} failed", conv, err);
          push(Push.Error.of(ErrorCode.STORE_UNAVAILABLE, "could not check access to " + conv + "; join again",
              null, ref, "conv"));
        } else if (!ok) {
          node.metrics().commandRejected(ErrorCode.FORBIDDEN);
          push(Push.Error.of(ErrorCode.FORBIDDEN, "you may not join " + conv, null, ref, "conv"));
        } else {
          carryOut(() -> joinAuthorized(conv, after, ref), ref);
        }
      }
      releaseHeld();
    }));
  }

  private void carryOut(Runnable r, String ref) {
    try {
      r.run();
    } catch (ProtocolException e) {
      node.metrics().commandRejected(e.code());
      push(e.naming(null, ref).toPush());
    }
  }

  /**
   * Joins a conversation on the server's own decision (the chat layer joins a visitor to its
   * conversation), without asking the authorizer. Call on the session's executor.
   */
  public void joinTrusted(String conv, Long after) {
    if (!closed && !hasJoined(conv)) {
      joinAuthorized(conv, after, null);
    }
  }

  /** Whether this session has joined {@code conv} or is joining it. Call on the session's executor. */
  public boolean hasJoined(String conv) {
    return subscriptions.containsKey(conv) || (authorizing != null && authorizing.contains(conv));
  }

  /** The Origin header of the page that opened this connection, or null (not a browser). */
  public String origin() {
    return connection.origin();
  }

  /** Runs {@code task} on this session's executor. Any thread. */
  public void execute(Runnable task) {
    connection.executor().execute(task);
  }

  private void joinAuthorized(String conv, Long after, String ref) {
    ConversationSubscription old = subscriptions.remove(conv);
    joinedAny = !subscriptions.isEmpty();
    if (old != null) {
      old.deactivate();
      node.hub().remove(old);
    } else if (subscriptions.size() >= node.config().maxConversationsPerSession()) {
      throw new ProtocolException(ErrorCode.INVALID_FIELD,
          "a connection may join at most " + node.config().maxConversationsPerSession() + " conversations", "conv");
    }
    ConversationSubscription sub = new ConversationSubscription(this, conv);
    subscriptions.put(conv, sub);
    joinedAny = true;
    String topic = LocalHub.topicOf(conv);
    String user = principal.user();
    node.hub().add(sub)
        .thenCompose(ok -> node.sharedState().presenceAdd(topic, id, user, Node.PRESENCE_TTL))
        .thenCompose(ok -> node.sharedState().presence(topic))
        .exceptionally(err -> {
          log.warn("presence of {} unavailable", conv, err);
          return Map.of(id, user);
        })
        .thenCombine(node.sharedState().states(topic).exceptionally(err -> List.of()), Snapshot::new)
        .thenAccept(snap -> node.store().readExecutor().execute(() -> {
      Map<String, String> present = snap.present();
      List<String> users = present.values().stream().distinct().sorted().toList();
      long lastSeq;
      List<ReceiptState> receipts;
      try {
        lastSeq = node.store().lastSeq(conv);
        receipts = node.store().receipts(conv);
      } catch (RuntimeException e) {
        log.warn("join of {} could not read the store", conv, e);
        connection.executor().execute(() -> {
          if (sub.isActive()) {
            subscriptions.remove(conv, sub);
            joinedAny = !subscriptions.isEmpty();
            sub.deactivate();
            node.hub().remove(sub);
            push(Push.Error.of(ErrorCode.STORE_UNAVAILABLE, "the store is unavailable; join again", null, ref, null));
          }
        });
        return;
      }
      connection.executor().execute(() -> joined(sub, ref, after, lastSeq, receipts, users, snap.states()));
    }));
  }

  /** What a join reads from the shared state: who is present, and the live ephemeral states. */
  private record Snapshot(Map<String, String> present, List<byte[]> states) {}

  private void joined(ConversationSubscription sub, String ref, Long after, long lastSeq, List<ReceiptState> receipts,
      List<String> presence, List<byte[]> states) {
    if (!sub.isActive()) {
      return;
    }
    List<Push.Receipt> rs = new ArrayList<>(receipts.size());
    for (ReceiptState r : receipts) {
      rs.add(new Push.Receipt(r.conversation(), r.user(), r.kind(), r.seq()));
    }
    long from = after == null ? lastSeq : Math.min(after, lastSeq);
    push(new Push.Joined(ref, sub.conversation(), lastSeq, from, rs, presence));
    publishPresence(sub.conversation(), true);
    for (byte[] frame : states) {
      connection.send(frame);
    }
    sub.start(from);
  }

  private void leave(Command.Leave l) {
    ConversationSubscription sub = subscriptions.remove(l.conv());
    joinedAny = !subscriptions.isEmpty();
    if (sub != null) {
      sub.deactivate();
      node.hub().remove(sub);
      absent(l.conv());
    }
    if (typingIn != null && typingIn.remove(l.conv()) != null) {
      publishTyping(l.conv(), false);
    }
    push(new Push.Left(l.ref(), l.conv()));
  }

  private ConversationSubscription joinedOrThrow(String conv) {
    ConversationSubscription sub = subscriptions.get(conv);
    if (sub == null) {
      throw new ProtocolException(ErrorCode.NOT_JOINED, "join " + conv + " first", "conv");
    }
    return sub;
  }

  private void send(Command.Send s) {
    joinedOrThrow(s.conv());
    takeSendToken();
    if (s.text().length() > node.config().maxTextChars()) {
      throw new ProtocolException(ErrorCode.TOO_LONG,
          "text is longer than " + node.config().maxTextChars() + " characters", "text");
    }
    if (node.isDraining()) {
      throw new ProtocolException(ErrorCode.SHUTTING_DOWN, "the server is shutting down; reconnect and send again", null);
    }
    node.metrics().messageReceived();
    long receivedAt = System.nanoTime();
    AppendRequest request =
        new AppendRequest(s.conv(), principal.user(), s.cid(), "text", s.text(), System.currentTimeMillis());
    node.sendStarted();
    node.append(request).whenComplete((appended, err) -> connection.executor().execute(() -> {
      node.sendFinished();
      if (closed) {
        return;
      }
      if (err != null) {
        push(Push.Error.of(ErrorCode.STORE_UNAVAILABLE, "the message was not stored; send it again", s.cid(), s.ref(), null));
        return;
      }
      StoredMessage m = appended.message();
      push(new Push.Ack(s.ref(), s.cid(), m.conversation(), m.seq(), m.id(), m.createdAtMillis()));
      node.metrics().sendAcked(System.nanoTime() - receivedAt);
      if (!appended.duplicate()) {
        node.extension().messageStored(this, m);
      }
    }));
  }

  private void receipt(Command.Receipt r) {
    ConversationSubscription sub = joinedOrThrow(r.conv());
    if (r.seq() > sub.delivered()) {
      throw new ProtocolException(ErrorCode.INVALID_FIELD,
          "seq " + r.seq() + " is beyond what this connection has received (" + sub.delivered() + ")", "seq");
    }
    String user = principal.user();
    node.store().saveReceipt(r.conv(), user, r.kind(), r.seq()).whenComplete((moved, err) -> {
      if (err != null) {
        connection.executor().execute(() -> push(Push.Error.of(ErrorCode.STORE_UNAVAILABLE,
            "the receipt was not stored; send it again", null, r.ref(), null)));
      } else if (moved) {
        byte[] frame = node.codec().encode(new Push.Receipt(r.conv(), user, r.kind(), r.seq()));
        node.publish(r.conv(), BrokerEvent.ephemeral(user, null, 0, frame));
      }
    });
  }

  private void history(Command.History h) {
    joinedOrThrow(h.conv());
    long before = h.before() == null ? Long.MAX_VALUE : h.before();
    int limit = h.limitOrDefault();
    node.store().readExecutor().execute(() -> {
      Push reply;
      try {
        List<StoredMessage> page = node.store().readBefore(h.conv(), before, limit);
        List<Push.Message> messages = new ArrayList<>(page.size());
        for (StoredMessage m : page) {
          messages.add(Node.toPush(m));
        }
        boolean more = !page.isEmpty() && page.get(0).seq() > 1;
        reply = new Push.History(h.ref(), h.conv(), messages, more);
      } catch (RuntimeException e) {
        log.warn("history read failed for {}", h.conv(), e);
        reply = Push.Error.of(ErrorCode.STORE_UNAVAILABLE, "history is unavailable; ask again", null, h.ref(), null);
      }
      Push r = reply;
      connection.executor().execute(() -> push(r));
    });
  }

  private void typing(Command.Typing t) {
    joinedOrThrow(t.conv());
    boolean on = t.on();
    long now = System.nanoTime();
    if (typingIn == null) {
      typingIn = new HashMap<>();
    }
    if (on) {
      Long last = typingIn.get(t.conv());
      if (last != null && now - last < node.config().typingTtl().toNanos() / 3) {
        return; // throttled: the indicator is on and its lease is fresh
      }
      typingIn.put(t.conv(), now);
    } else if (typingIn.remove(t.conv()) == null) {
      return;
    }
    publishTyping(t.conv(), on);
  }

  private void publishTyping(String conv, boolean on) {
    long ttl = on ? node.config().typingTtl().toMillis() : 0;
    String user = principal.user();
    byte[] frame = node.codec().encode(new Push.Typing(conv, user, on, ttl));
    node.publish(conv, BrokerEvent.ephemeral(user, "typing:" + user, ttl, frame));
  }

  /** Renews this session's presence in every joined conversation. Any thread: hops. */
  void renewPresence() {
    if (!joinedAny) {
      return; // nothing to renew; no hop to the event loop (idle connections cost less CPU)
    }
    connection.executor().execute(() -> {
      if (closed || principal == null) {
        return;
      }
      for (String conv : subscriptions.keySet()) {
        node.sharedState().presenceAdd(LocalHub.topicOf(conv), id, principal.user(), Node.PRESENCE_TTL);
      }
    });
  }

  /** This session left {@code conv}: drop its presence; say "offline" if the user has no other session there. */
  private void absent(String conv) {
    String topic = LocalHub.topicOf(conv);
    String user = principal.user();
    node.sharedState().presenceRemove(topic, id)
        .thenCompose(v -> node.sharedState().presence(topic))
        .thenAccept(present -> {
          if (!present.containsValue(user)) {
            byte[] frame = node.codec().encode(new Push.Presence(conv, user, false));
            node.publish(conv, BrokerEvent.aboutOthers(user, frame));
          }
        });
  }

  private void publishPresence(String conv, boolean online) {
    String user = principal.user();
    byte[] frame = node.codec().encode(new Push.Presence(conv, user, online));
    node.publish(conv, BrokerEvent.aboutOthers(user, frame));
  }

  /** Sends an event to this client. Any thread. */
  public void push(Push p) {
    if (!closed) {
      connection.send(node.codec().encode(p));
    }
  }

  /** Closes the connection with {@code code}. */
  public void close(CloseCode code) {
    connection.close(code, code.reason());
  }
}
