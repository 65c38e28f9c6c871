package dev.parley.edge;

import dev.parley.chat.Agent;
import dev.parley.chat.ChatStore;
import dev.parley.core.Authenticator.AuthenticationException;
import dev.parley.core.HmacSigner;
import dev.parley.core.SharedState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The short-lived tokens an agent gets for logging in with its password, and their revocation
 * ({@code docs/SECURITY.md#agent-tokens}):
 *
 * <pre>
 *   a2.&lt;user, base64url&gt;.&lt;issued ms&gt;.&lt;expires ms&gt;.&lt;password fingerprint&gt;.&lt;HMAC-SHA256&gt;
 * </pre>
 *
 * signed with a key of their own ({@link HmacSigner#forPurpose} "agent-token"). A token counts only
 * while it has not expired, its agent exists with the password it was issued under (a password
 * change ends every earlier token), and it was issued at or after the agent's revocation time (a
 * logout ends every token of the agent, on every node): that time is kept in the {@link ChatStore}
 * and cached in the {@link SharedState}, versioned by itself, so each check is one shared-state
 * read.
 *
 * <p>Thread-safe; checks complete on shared-state or store threads.
 */
final class AgentTokens {
  static final String PREFIX = "a2.";
  private static final String REVOKED = "agent-tokens-not-before:";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final HmacSigner signer;
  private final Function<String, Agent> agents;
  private final Duration lifetime;
  private final Clock clock;
  private final ChatStore store;
  private final SharedState shared;

  AgentTokens(
      byte[] secret,
      Function<String, Agent> agents,
      Duration lifetime,
      Clock clock,
      ChatStore store,
      SharedState shared) {
    this.signer = HmacSigner.forPurpose(secret, "agent-token");
    this.agents = agents;
    this.lifetime = lifetime;
    this.clock = clock;
    this.store = store;
    this.shared = shared;
  }

  /** What a valid token says. */
  record Claims(Agent agent, long issuedAtMillis, long expiresAtMillis) {}

  /** A token just made: its text, when it was issued and when it expires. */
  record Issued(String token, long issuedAtMillis, long expiresAtMillis) {}

  /** A fresh token for {@code agent}, issued now. */
  Issued issue(Agent agent) {
    long now = clock.millis();
    long expires = now + lifetime.toMillis();
    String payload =
        B64.encodeToString(agent.user().getBytes(StandardCharsets.UTF_8))
            + "."
            + now
            + "."
            + expires
            + "."
            + fingerprint(agent);
    return new Issued(PREFIX + payload + "." + signer.sign(payload), now, expires);
  }

  /** The text of a fresh token for {@code agent}. */
  String mint(Agent agent) {
    return issue(agent).token();
  }

  /**
   * The claims of {@code token}; fails with {@link AuthenticationException} when it does not count.
   */
  CompletableFuture<Claims> verify(String token) {
    Claims c;
    try {
      c = parse(token);
    } catch (AuthenticationException e) {
      return CompletableFuture.failedFuture(e);
    }
    return stillCounts(c.agent().user(), c.issuedAtMillis())
        .thenApply(
            ok -> {
              if (!ok) {
                throw new AuthenticationException("token revoked (logged out); log in again");
              }
              return c;
            });
  }

  /** Whether a token of {@code user} issued at {@code issuedAtMillis} was not revoked since. */
  CompletableFuture<Boolean> stillCounts(String user, long issuedAtMillis) {
    return notBefore(user).thenApply(nb -> issuedAtMillis >= nb);
  }

  /** Revokes every token of {@code user} issued until now, on every node. */
  CompletableFuture<Void> revoke(String user) {
    long now = clock.millis() + 1; // a token minted in this very millisecond is revoked too
    return store
        .revokeAgentTokens(user, now)
        .thenCompose(
            v -> shared.setValue(REVOKED + user, Long.toString(now), now, lifetime.multipliedBy(2)))
        .thenApply(ok -> null);
  }

  private CompletableFuture<Long> notBefore(String user) {
    return shared
        .value(REVOKED + user)
        .exceptionally(e -> null)
        .thenCompose(
            cached -> {
              if (cached != null) {
                return CompletableFuture.completedFuture(Long.parseLong(cached));
              }
              return store
                  .agentTokensNotBefore(user)
                  .thenCompose(
                      nb ->
                          shared
                              .setValue(
                                  REVOKED + user, Long.toString(nb), nb, lifetime.multipliedBy(2))
                              .handle((ok, err) -> nb));
            });
  }

  private Claims parse(String token) {
    if (!token.startsWith(PREFIX)) {
      throw new AuthenticationException("token is not an agent token");
    }
    String body = token.substring(PREFIX.length());
    int sig = body.lastIndexOf('.');
    if (sig <= 0) {
      throw new AuthenticationException("token is malformed");
    }
    String payload = body.substring(0, sig);
    if (!signer.verify(payload, body.substring(sig + 1))) {
      throw new AuthenticationException("token signature is not valid");
    }
    String[] f = payload.split("\\.", -1);
    if (f.length != 4) {
      throw new AuthenticationException("token is malformed");
    }
    String user;
    long issued;
    long expires;
    try {
      user = new String(Base64.getUrlDecoder().decode(f[0]), StandardCharsets.UTF_8);
      issued = Long.parseLong(f[1]);
      expires = Long.parseLong(f[2]);
    } catch (IllegalArgumentException e) {
      throw new AuthenticationException("token is malformed");
    }
    if (clock.millis() >= expires) {
      throw new AuthenticationException("token expired; log in again");
    }
    Agent a = agents.apply(user);
    if (a == null) {
      throw new AuthenticationException("no such agent");
    }
    if (!MessageDigest.isEqual(
        fingerprint(a).getBytes(StandardCharsets.US_ASCII),
        f[3].getBytes(StandardCharsets.US_ASCII))) {
      throw new AuthenticationException(
          "the password changed since this token was issued; log in again");
    }
    return new Claims(a, issued, expires);
  }

  /** 8 bytes of SHA-256 of the agent's password hash: a new password, a new fingerprint. */
  private static String fingerprint(Agent a) {
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest(a.passwordHash().getBytes(StandardCharsets.UTF_8));
      return B64.encodeToString(Arrays.copyOf(h, 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
