package dev.parley.edge;

import dev.parley.chat.Agent;
import dev.parley.chat.ChatIdentity;
import dev.parley.chat.ChatIdentity.Role;
import dev.parley.core.Authenticator;
import dev.parley.core.HmacSigner;
import dev.parley.core.Principal;
import dev.parley.core.AnonymousTokens;
import dev.parley.protocol.Command;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Who is on a connection: anonymous visitors (signed visitor tokens), agents and admins, who log
 * in with user and password in {@code hello} and receive a short-lived agent token {@code
 * a1.<user>.<expiry ms>.<HMAC>} for their next connections, and bearers of JWTs ({@link
 * JwtVerifier}: the deployment's identity provider, or a site's backend for identified visitors,
 * who become user {@code <site>:<sub>}).
 *
 * <p>Thread-safe. Password checks run on virtual threads, never on the caller's event loop.
 */
public final class ChatAuthenticator implements Authenticator, AutoCloseable {
  private static final String AGENT_PREFIX = "a1.";

  private final AnonymousTokens visitors;
  private final HmacSigner signer;
  private final Map<String, Agent> agents;
  private final Duration agentTokenLifetime;
  private final Clock clock;
  private final ExecutorService hashing = Executors.newVirtualThreadPerTaskExecutor();
  private final JwtVerifier jwts;

  public ChatAuthenticator(byte[] secret, Map<String, Agent> agents, Duration agentTokenLifetime, Clock clock) {
    this(secret, agents, agentTokenLifetime, clock, null);
  }

  /** @param jwts verifies JWTs, or null to accept none */
  public ChatAuthenticator(byte[] secret, Map<String, Agent> agents, Duration agentTokenLifetime, Clock clock,
      JwtVerifier jwts) {
    this.jwts = jwts;
    this.visitors = new AnonymousTokens(secret, ChatIdentity.claims(Role.VISITOR, null));
    // A key of its own: an agent token never verifies as another kind of token, nor they as it.
    this.signer = HmacSigner.forPurpose(secret, "agent-token");
    this.agents = Map.copyOf(agents);
    this.agentTokenLifetime = agentTokenLifetime;
    this.clock = clock;
  }

  @Override
  public CompletableFuture<Principal> authenticate(Command.Hello hello) {
    if (hello.user() != null) {
      return CompletableFuture.supplyAsync(() -> login(hello.user(), hello.password()), hashing);
    }
    if (hello.token() != null && hello.token().startsWith(AGENT_PREFIX)) {
      try {
        return CompletableFuture.completedFuture(agentFromToken(hello.token()));
      } catch (AuthenticationException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    if (hello.token() != null && JwtVerifier.looksLikeJwt(hello.token())) {
      if (jwts == null) {
        return CompletableFuture.failedFuture(new AuthenticationException("this server accepts no JWTs"));
      }
      // Off the event loop: a JWKS URL may have to be read.
      return CompletableFuture.supplyAsync(() -> fromJwt(hello.token()), hashing);
    }
    return visitors.authenticate(hello);
  }

  private Principal fromJwt(String token) {
    JwtVerifier.Claims c = jwts.verify(token);
    if (c.identified()) {
      return new Principal(c.site() + ":" + c.subject(), ChatIdentity.claims(Role.VISITOR, c.site()), token,
          c.expiresAtMillis());
    }
    if (c.role().equals("agent")) {
      Agent a = agents.get(c.subject());
      if (a == null) {
        throw new AuthenticationException("no agent " + c.subject() + " on this server");
      }
      return new Principal(a.user(), ChatIdentity.claims(Role.AGENT, null), token, c.expiresAtMillis());
    }
    Role role = Role.ofWire(c.role());
    return new Principal(c.subject(), ChatIdentity.claims(role, role == Role.VISITOR ? c.site() : null), token,
        c.expiresAtMillis());
  }

  /**
   * The agent or admin of a bearer agent token (REST), or empty when it is missing, malformed,
   * forged or expired. Cheap: an HMAC, no password hash.
   */
  public java.util.Optional<Principal> agentOfBearer(String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return java.util.Optional.empty();
    }
    String token = authorization.substring(7).trim();
    if (!token.startsWith(AGENT_PREFIX)) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(agentFromToken(token));
    } catch (AuthenticationException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * The agent or admin of a bearer token (REST): an agent token or a JWT with role agent or admin.
   * Empty when it is missing, malformed, forged, expired, or a visitor's.
   */
  public CompletableFuture<java.util.Optional<Principal>> staffOfBearer(String authorization) {
    java.util.Optional<Principal> agent = agentOfBearer(authorization);
    if (agent.isPresent() || jwts == null || authorization == null || !authorization.startsWith("Bearer ")) {
      return CompletableFuture.completedFuture(agent);
    }
    String token = authorization.substring(7).trim();
    if (!JwtVerifier.looksLikeJwt(token)) {
      return CompletableFuture.completedFuture(java.util.Optional.empty());
    }
    return CompletableFuture.supplyAsync(() -> {
      try {
        return java.util.Optional.of(fromJwt(token)).filter(ChatIdentity::isStaff);
      } catch (AuthenticationException e) {
        return java.util.Optional.<Principal>empty();
      }
    }, hashing);
  }

  private Principal login(String user, String password) {
    Agent a = agents.get(user);
    // Hash even for an unknown user, so timing does not tell which users exist.
    String hash = a != null ? a.passwordHash() : DUMMY_HASH;
    if (!Passwords.verify(password, hash) || a == null) {
      throw new AuthenticationException("wrong user or password");
    }
    String token = agentToken(a.user());
    return new Principal(a.user(), ChatIdentity.claims(Role.ofWire(a.role()), null), token, expiryOf(token));
  }

  private static long expiryOf(String agentToken) {
    int sig = agentToken.lastIndexOf('.');
    return Long.parseLong(agentToken.substring(agentToken.lastIndexOf('.', sig - 1) + 1, sig));
  }

  private static final String DUMMY_HASH = Passwords.hash("not a password anyone has");

  /** A fresh agent token for {@code user}. */
  public String agentToken(String user) {
    String payload = user + "." + clock.instant().plus(agentTokenLifetime).toEpochMilli();
    return AGENT_PREFIX + payload + "." + signer.sign(payload);
  }

  private Principal agentFromToken(String token) {
    String body = token.substring(AGENT_PREFIX.length());
    int sig = body.lastIndexOf('.');
    int exp = sig > 0 ? body.lastIndexOf('.', sig - 1) : -1;
    if (exp <= 0) {
      throw new AuthenticationException("token is malformed");
    }
    String payload = body.substring(0, sig);
    if (!signer.verify(payload, body.substring(sig + 1))) {
      throw new AuthenticationException("token signature is not valid");
    }
    long expiry;
    try {
      expiry = Long.parseLong(body.substring(exp + 1, sig));
    } catch (NumberFormatException e) {
      throw new AuthenticationException("token is malformed");
    }
    if (clock.millis() >= expiry) {
      throw new AuthenticationException("token expired; log in again");
    }
    String user = body.substring(0, exp);
    Agent a = agents.get(user);
    if (a == null) {
      throw new AuthenticationException("no such agent");
    }
    return new Principal(user, ChatIdentity.claims(Role.ofWire(a.role()), null), token, expiry);
  }

  @Override
  public void close() {
    hashing.shutdown();
  }
}
