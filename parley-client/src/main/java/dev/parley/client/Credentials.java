package dev.parley.client;

import dev.parley.protocol.Command;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a {@link ParleyClient} is ({@code docs/CLIENTS.md#identity} and {@code #token-expiry}): the
 * token its {@code hello} presents (or an agent's user and password when it has none), the user and
 * expiry the server announced, and fresh tokens from the application's provider — in-band a minute
 * before expiry, and after a 4401 close.
 *
 * <p>Not thread-safe: confined to the client's thread, like all of the client's state; the token
 * provider is called there.
 */
final class Credentials {
  private static final Logger log = LoggerFactory.getLogger(Credentials.class);

  /** Credentials are refreshed this long before they expire. */
  static final long REFRESH_AHEAD_MILLIS = 60_000;

  private final String site;
  private final String loginUser;
  private final String loginPassword;
  private final Supplier<String> tokenProvider;

  /** The token the next {@code hello} presents, or null (then a login, or a new visitor). */
  private String token;

  /** The user the last {@code welcome} named, or null before it. */
  private String user;

  /** When the credentials expire (epoch ms), or 0 for never. */
  private long expiresAt;

  /** An in-band refresh went out and its {@code authed} (or the next welcome) is awaited. */
  private boolean refreshing;

  /**
   * @param token a token from an earlier session, or a JWT; null for none
   * @param site the site whose visitor the client is, or null
   * @param loginUser an agent's user to log in as when there is no token, or null
   * @param tokenProvider where fresh tokens come from, or null
   */
  Credentials(
      String token,
      String site,
      String loginUser,
      String loginPassword,
      Supplier<String> tokenProvider) {
    this.token = token;
    this.site = site;
    this.loginUser = loginUser;
    this.loginPassword = loginPassword;
    this.tokenProvider = tokenProvider;
  }

  /** The {@code hello} that opens a connection, resuming {@code resume} (conversation → seq). */
  Command.Hello hello(Map<String, Long> resume) {
    boolean login = token == null && loginUser != null;
    return new Command.Hello(
        null,
        1,
        token,
        resume.isEmpty() ? null : resume,
        login ? loginUser : null,
        login ? loginPassword : null,
        site == null ? null : new LinkedHashMap<>(Map.of(ChatProtocol.SITE, site)));
  }

  /** A {@code welcome}: its user, its expiry, and its token unless it left ours in force. */
  void welcomed(Push.Welcome w) {
    if (w.token() != null) { // absent when the server knows we hold it already
      token = w.token();
    }
    user = w.user();
    expiresAt = w.expiresAt() == null ? 0 : w.expiresAt();
    refreshing = false;
  }

  /** An {@code authed}: the fresh token's expiry is in force. */
  void authed(Push.Authed a) {
    expiresAt = a.expiresAt() == null ? 0 : a.expiresAt();
    refreshing = false;
  }

  /**
   * The {@code auth} to send now: when the credentials expire within {@link #REFRESH_AHEAD_MILLIS}
   * of {@code nowMillis}, a provider is set and no refresh is under way. The provider's token
   * becomes the one later hellos present. A provider that fails is logged and not asked again
   * before the next welcome (the server then closes with 4401 at expiry).
   */
  Optional<Command.Auth> refresh(long nowMillis) {
    if (expiresAt == 0
        || tokenProvider == null
        || refreshing
        || nowMillis <= expiresAt - REFRESH_AHEAD_MILLIS) {
      return Optional.empty();
    }
    refreshing = true;
    try {
      token = tokenProvider.get();
      return Optional.of(new Command.Auth(null, token));
    } catch (RuntimeException e) {
      log.warn("the token provider failed; the connection will be closed with 4401 at expiry", e);
      return Optional.empty();
    }
  }

  /**
   * The server closed with 4401 (the credentials expired): the next {@code hello} presents the
   * provider's token, or logs in again (an agent with a password), or keeps the token it has (as it
   * does when the provider fails: the server refuses it, and the client retries with backoff).
   */
  void expired() {
    if (tokenProvider != null) {
      try {
        token = tokenProvider.get();
      } catch (RuntimeException e) {
        log.warn("the token provider failed after a 4401; reconnecting with the old token", e);
      }
    } else if (loginUser != null) {
      token = null;
    }
  }

  /** The token the next {@code hello} presents, or null. */
  String token() {
    return token;
  }

  /** The user the last {@code welcome} named, or null before it. */
  String user() {
    return user;
  }
}
