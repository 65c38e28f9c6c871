package dev.parley.core;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.Push;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Who a session is: {@code hello} (authentication, then the extension's admission), {@code auth}
 * (fresh credentials of the same user) and the 4401 close when credentials expire. Each of these
 * checks holds every later command of the session until it is over ({@link PendingChecks}).
 *
 * <p>Not thread-safe: confined to the session's executor; checks that finish elsewhere hop back.
 */
final class Admission {
  private final Session session;
  private final Node node;

  /** The session's checks, where the commands that arrive during ours wait. */
  private final PendingChecks checks;

  /** True while a hello's credentials are being checked. */
  private boolean helloPending;

  /** The 4401 close at the credentials' expiry; null when they never expire. */
  private NodeClock.Timer expiry;

  /** {@code hello}s refused for their credentials on this connection. */
  private int failedHellos;

  Admission(Session session, Node node, PendingChecks checks) {
    this.session = session;
    this.node = node;
    this.checks = checks;
  }

  /**
   * The {@code hello} the opening request carried ({@link Command.Hello#fromQuery}), arrived as the
   * connection's first command; nothing when it carried none. A bad one is answered as a frame's.
   */
  void fromRequest() {
    Command.Hello h;
    try {
      h = Command.Hello.fromQuery(session.connection().handshakeParams());
      if (h == null) {
        return;
      }
      node.codec().check(h); // as a frame's: the core's rules and the layers' (site, lang)
    } catch (ProtocolException e) {
      session.reject(null, e);
      return;
    }
    checks.arrived(h);
  }

  /** {@code hello}: authenticate, let the extension admit, then {@code welcome}. */
  void hello(Command.Hello h) {
    if (session.principal() != null || helloPending) {
      throw new ProtocolException(
          ErrorCode.ALREADY_HELLO, "hello was already accepted on this connection", null);
    }
    Principal atHandshake = session.connection().handshakePrincipal();
    boolean fromHandshake = atHandshake != null && h.user() == null;
    String address = session.connection().clientAddress();
    // Budgeted per address: the hellos that make something (a new anonymous user) or cost a slow
    // hash (a password login). A hello with a token only resumes, so a reconnect storm of many
    // clients behind one address (an office, a proxy) goes through.
    boolean budgeted = !fromHandshake && (h.token() == null || h.user() != null);
    if (budgeted && !node.hellos().take(address)) {
      throw new ProtocolException(
              ErrorCode.RATE_LIMITED,
              "too many new sessions from your address; try again later",
              null)
          .retryAfter(Math.max(1000, node.hellos().millisUntilNext(address)));
    }
    CompletableFuture<Principal> auth =
        fromHandshake
            ? CompletableFuture.completedFuture(atHandshake)
            : node.authenticator().authenticate(h, address);
    helloPending = true;
    checks.awaiting(
        auth,
        h,
        (p, err) -> {
          if (err != null) {
            helloPending = false;
            if (err instanceof ProtocolException refused) {
              throw refused; // the authenticator's own answer (rate_limited while failures cool
              // down)
            }
            if (++failedHellos >= node.config().maxFailedHellos()) {
              // Guessing on one connection: answer this one, then close it.
              session.reject(
                  h,
                  new ProtocolException(
                      ErrorCode.UNAUTHORIZED,
                      Authenticator.reason(err),
                      h.user() != null ? "password" : "token"));
              session.close(CloseCode.TOO_MANY_REQUESTS);
              return;
            }
            throw new ProtocolException(
                ErrorCode.UNAUTHORIZED,
                Authenticator.reason(err),
                h.user() != null ? "password" : "token");
          }
          checks.awaiting(
              node.extension().admit(session, h, p),
              h,
              (admitted, refused) -> {
                helloPending = false;
                if (refused instanceof ProtocolException e) {
                  throw e;
                }
                if (refused != null) {
                  throw new ProtocolException(
                      ErrorCode.INTERNAL, "the session could not be admitted; try again", null);
                }
                welcome(h, admitted, fromHandshake);
              });
        });
  }

  private void welcome(Command.Hello h, Principal full, boolean fromHandshake) {
    // A token the server made (a new visitor's, an agent's after a password login) goes to the
    // client in welcome and is not kept: nothing on this connection needs it again. A token the
    // client brought is not echoed, least of all one that came with the handshake (a cookie): a
    // page that could open the connection with it may not read it.
    Principal p = full.withoutToken();
    session.admitted(p);
    armExpiry(p);
    String made =
        fromHandshake || full.token() == null || full.token().equals(h.token())
            ? null
            : full.token();
    session.push(
        new Push.Welcome(
            h.ref(),
            session.id(),
            p.user(),
            made,
            node.config().heartbeat().toMillis(),
            p.expires() ? p.expiresAtMillis() : null,
            p.claims()));
    if (h.token() != null && h.resume() != null && !h.resume().isEmpty()) {
      node.metrics().reconnected();
    }
    if (h.resume() != null) {
      h.resume().forEach((conv, seq) -> session.join(conv, seq, null, null, true));
    }
    node.extension().helloAccepted(session);
    session.connection().forgetHandshake();
  }

  /** Schedules the 4401 close at {@code p}'s expiry (replacing an earlier one). */
  @SuppressWarnings(
      "ReferenceEquality") // the same principal object: a renewed token is another one
  private void armExpiry(Principal p) {
    if (expiry != null) {
      expiry.cancel();
      expiry = null;
    }
    if (p.expires()) {
      expiry =
          node.clock()
              .schedule(
                  Duration.ofMillis(p.expiresAtMillis() - node.clock().millis()),
                  () ->
                      session
                          .loop()
                          .run(
                              () -> {
                                if (session.principal() == p) {
                                  session.close(CloseCode.TOKEN_EXPIRED);
                                }
                              }));
    }
  }

  /**
   * {@code auth}: a fresh token for the same user replaces the expiring one. Later commands wait
   * for the check, in order, like after {@code hello}.
   */
  void reauthenticate(Command.Auth a) {
    Principal was = session.principal();
    CompletableFuture<Principal> check =
        a.token() != null
            ? node.authenticator().authenticateToken(a.token())
            : node.authenticator().renew(was);
    checks.awaiting(
        check,
        a,
        (p, err) -> {
          Principal current = session.principal();
          if (err instanceof ProtocolException refused) {
            throw refused;
          }
          if (err != null) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, Authenticator.reason(err), "token");
          }
          if (!p.user().equals(current.user())
              || !current.claims().entrySet().containsAll(p.claims().entrySet())) {
            throw new ProtocolException(
                ErrorCode.FORBIDDEN,
                "auth must keep the same user, role and site; reconnect to change them",
                "token");
          }
          Principal renewed = current.renewedBy(p);
          session.admitted(renewed);
          armExpiry(renewed);
          // A token the server made (auth without one) goes to the client; one the client sent
          // stays its own.
          session.push(
              new Push.Authed(
                  a.ref(),
                  renewed.expires() ? renewed.expiresAtMillis() : null,
                  a.token() == null ? p.token() : null));
        });
  }

  /** The session closed: no more expiry. */
  void close() {
    if (expiry != null) {
      expiry.cancel();
    }
  }
}
