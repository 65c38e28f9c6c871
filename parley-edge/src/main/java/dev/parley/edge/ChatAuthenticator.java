package dev.parley.edge;

import dev.parley.chat.Agent;
import dev.parley.chat.ChatIdentity;
import dev.parley.chat.ChatIdentity.Role;
import dev.parley.chat.ChatStore;
import dev.parley.core.AnonymousTokens;
import dev.parley.core.Authenticator;
import dev.parley.core.Principal;
import dev.parley.core.SharedState;
import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is on a connection: anonymous visitors (signed visitor tokens), agents and admins, who log in
 * with user and password in {@code hello} and receive a short-lived agent token ({@link
 * AgentTokens}) for their next connections and in-band renewals, and bearers of JWTs ({@link
 * JwtVerifier}: the deployment's identity provider, or a site's backend for identified visitors,
 * who become user {@code <site>:<sub>}).
 *
 * <p>Password logins are throttled ({@link LoginThrottle}: budgets by user and by address, then a
 * growing wait answered {@code rate_limited}), every failure is logged with its user and address
 * (never the password), and the slow hashes run on a bounded pool: when it is full a login is
 * refused with {@code rate_limited} instead of queueing without end.
 *
 * <p>Thread-safe. Hashes and JWKS reads run on the pool's threads, never on the caller's event
 * loop.
 */
public final class ChatAuthenticator implements Authenticator, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChatAuthenticator.class);

  /** Logins and JWT checks waiting for the pool beyond which new ones are refused. */
  static final int MAX_QUEUED_CHECKS = 64;

  private final AnonymousTokens visitors;
  private final AgentTokens tokens;

  /** The live agent accounts, by user (the configuration may change them at any time). */
  private final Function<String, Agent> agents;

  private final ThreadPoolExecutor checks;
  private final LoginThrottle throttle;
  private final JwtVerifier jwts;

  /**
   * @param jwts verifies JWTs, or null to accept none
   * @param store keeps agents' token revocations
   * @param shared caches them for every node
   */
  public ChatAuthenticator(
      byte[] secret,
      Function<String, Agent> agents,
      Duration agentTokenLifetime,
      Clock clock,
      JwtVerifier jwts,
      ChatStore store,
      SharedState shared) {
    this.jwts = jwts;
    this.visitors = new AnonymousTokens(secret, ChatIdentity.claims(Role.VISITOR, null));
    this.agents = agents;
    this.tokens = new AgentTokens(secret, this.agents, agentTokenLifetime, clock, store, shared);
    this.throttle = new LoginThrottle(clock, 5, 20, 100_000);
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    AtomicInteger n = new AtomicInteger();
    this.checks =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED_CHECKS),
            r ->
                Thread.ofPlatform()
                    .name("parley-auth-" + n.incrementAndGet())
                    .daemon(true)
                    .unstarted(r));
    checks.allowCoreThreadTimeOut(true);
  }

  @Override
  public CompletableFuture<Principal> authenticate(Command.Hello hello) {
    return authenticate(hello, null);
  }

  @Override
  public CompletableFuture<Principal> authenticate(Command.Hello hello, String clientAddress) {
    if (hello.user() != null) {
      return login(hello.user(), hello.password(), clientAddress);
    }
    if (hello.token() != null && hello.token().startsWith(AgentTokens.PREFIX)) {
      return tokens.verify(hello.token()).thenApply(c -> principal(c.agent(), hello.token(), c));
    }
    if (hello.token() != null && JwtVerifier.looksLikeJwt(hello.token())) {
      if (jwts == null) {
        return CompletableFuture.failedFuture(
            new AuthenticationException("this server accepts no JWTs"));
      }
      // Off the event loop: a JWKS URL may have to be read.
      return onPool(() -> fromJwt(hello.token()));
    }
    return visitors.authenticate(hello);
  }

  private Principal principal(Agent a, String token, AgentTokens.Claims c) {
    return new Principal(
        a.user(),
        ChatIdentity.claims(Role.ofWire(a.role()), null),
        token,
        c.expiresAtMillis(),
        c.issuedAtMillis());
  }

  /**
   * An agent's fresh token on a live connection ({@code auth} without a token): refused when the
   * agent's tokens were revoked since the connection's were issued.
   */
  @Override
  public CompletableFuture<Principal> renew(Principal current) {
    Agent a = ChatIdentity.isStaff(current) ? agents.apply(current.user()) : null;
    if (a == null || current.issuedAtMillis() == 0) {
      return CompletableFuture.failedFuture(
          new AuthenticationException("send a fresh token in auth"));
    }
    return tokens
        .stillCounts(a.user(), current.issuedAtMillis())
        .thenApply(
            ok -> {
              if (!ok) {
                throw new AuthenticationException("token revoked (logged out); log in again");
              }
              AgentTokens.Issued fresh = tokens.issue(a);
              return new Principal(
                  a.user(),
                  current.claims(),
                  fresh.token(),
                  fresh.expiresAtMillis(),
                  fresh.issuedAtMillis());
            });
  }

  private Principal fromJwt(String token) {
    JwtVerifier.Claims c = jwts.verify(token);
    if (c.identified()) {
      Map<String, String> claims = ChatIdentity.claims(Role.VISITOR, c.site());
      c.profile().forEach((k, v) -> claims.put(ChatIdentity.PROFILE_PREFIX + k, v));
      claims.putAll(c.grants().claims());
      return new Principal(c.site() + ":" + c.subject(), claims, token, c.expiresAtMillis());
    }
    if (c.role().equals("agent")) {
      Agent a = agents.apply(c.subject());
      if (a == null) {
        throw new AuthenticationException("no agent " + c.subject() + " on this server");
      }
      Map<String, String> claims = ChatIdentity.claims(Role.AGENT, null);
      claims.putAll(c.grants().claims());
      return new Principal(a.user(), claims, token, c.expiresAtMillis());
    }
    Role role = Role.ofWire(c.role());
    Map<String, String> claims = ChatIdentity.claims(role, role == Role.VISITOR ? c.site() : null);
    claims.putAll(c.grants().claims());
    return new Principal(c.subject(), claims, token, c.expiresAtMillis());
  }

  /**
   * The agent or admin of a bearer token (REST): an agent token that still counts, or a JWT with
   * role agent or admin. Empty when it is missing, malformed, forged, expired, revoked, or a
   * visitor's.
   */
  public CompletableFuture<Optional<Principal>> staffOfBearer(String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    String token = authorization.substring(7).trim();
    if (token.startsWith(AgentTokens.PREFIX)) {
      return tokens
          .verify(token)
          .handle(
              (c, err) ->
                  err != null ? Optional.empty() : Optional.of(principal(c.agent(), token, c)));
    }
    if (jwts == null || !JwtVerifier.looksLikeJwt(token)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return onPool(
            () -> {
              try {
                return Optional.of(fromJwt(token)).filter(ChatIdentity::isStaff);
              } catch (AuthenticationException e) {
                return Optional.<Principal>empty();
              }
            })
        .exceptionally(e -> Optional.empty());
  }

  /**
   * Logs the bearer of an agent token out: every token of that agent stops counting, on every node
   * (connections that hold one end when their token expires, as renewal is refused). Completes with
   * whether the token was an agent token that still counted.
   */
  public CompletableFuture<Boolean> logout(String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return CompletableFuture.completedFuture(false);
    }
    String token = authorization.substring(7).trim();
    if (!token.startsWith(AgentTokens.PREFIX)) {
      return CompletableFuture.completedFuture(false);
    }
    return tokens
        .verify(token)
        .handle((c, err) -> c)
        .thenCompose(
            c -> {
              if (c == null) {
                return CompletableFuture.completedFuture(false);
              }
              log.info("agent {} logged out: every token of theirs is revoked", c.agent().user());
              return tokens.revoke(c.agent().user()).thenApply(v -> true);
            });
  }

  private CompletableFuture<Principal> login(String user, String password, String address) {
    long wait = throttle.waitMillis(user, address);
    if (wait > 0) {
      log.warn(
          "login of {} from {} refused: too many failures, {} ms to wait", user, address, wait);
      return CompletableFuture.failedFuture(
          new ProtocolException(
                  ErrorCode.RATE_LIMITED,
                  "too many failed logins; wait " + Math.max(1, wait / 1000) + " s and try again",
                  "password")
              .retryAfter(wait));
    }
    return onPool(
        () -> {
          Agent a = agents.apply(user);
          // Hash even for an unknown user, so timing does not tell which users exist.
          String hash = a != null ? a.passwordHash() : DUMMY_HASH;
          if (!Passwords.verify(password, hash) || a == null) {
            throttle.failed(user, address);
            log.warn("login of {} from {} failed: wrong user or password", user, address);
            throw new AuthenticationException("wrong user or password");
          }
          throttle.succeeded(user);
          AgentTokens.Issued t = tokens.issue(a);
          return new Principal(
              a.user(),
              ChatIdentity.claims(Role.ofWire(a.role()), null),
              t.token(),
              t.expiresAtMillis(),
              t.issuedAtMillis());
        });
  }

  /** Runs {@code work} on the bounded pool; a full pool refuses it with {@code rate_limited}. */
  private <T> CompletableFuture<T> onPool(Supplier<T> work) {
    try {
      return CompletableFuture.supplyAsync(work, checks);
    } catch (RejectedExecutionException e) {
      log.warn("authentication refused: {} checks already waiting", MAX_QUEUED_CHECKS);
      return CompletableFuture.failedFuture(
          new ProtocolException(
                  ErrorCode.RATE_LIMITED,
                  "the server is busy checking logins; try again in a moment",
                  null)
              .retryAfter(1000));
    }
  }

  private static final String DUMMY_HASH = Passwords.hash("not a password anyone has");

  /** A fresh agent token for {@code user} (tests and tools). */
  public String agentToken(String user) {
    return tokens.mint(agents.apply(user));
  }

  @Override
  public void close() {
    checks.shutdown();
  }
}
