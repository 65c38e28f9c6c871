package dev.parley.core;

import java.util.HashMap;
import java.util.Map;

/**
 * Who is on a session. Immutable.
 *
 * <p>The core knows a principal by its user id and its credentials' expiry. What else a layer above
 * the core knows about it (a role, the site a visitor talks to) travels as {@code claims}: opaque
 * strings to the core, sent to the client as fields of {@code welcome}.
 *
 * @param user user id, unique per deployment
 * @param claims what the authenticator and the extension say about the user; never null
 * @param token a token that authenticates the same principal on the next connection (null once the
 *     session has sent it in {@code welcome}, or when the client presented it at the handshake)
 * @param expiresAtMillis when the credentials expire (epoch ms): a live connection is closed with
 *     4401 then unless it sent {@code auth} with a fresh token; 0 for credentials that never expire
 * @param issuedAtMillis when the credentials were issued (epoch ms; 0 when unknown): an
 *     authenticator that revokes credentials compares it with the revocation time
 */
public record Principal(
    String user,
    Map<String, String> claims,
    String token,
    long expiresAtMillis,
    long issuedAtMillis) {

  public Principal {
    claims = Map.copyOf(claims);
  }

  /** A principal whose credentials' issue time is unknown. */
  public Principal(String user, Map<String, String> claims, String token, long expiresAtMillis) {
    this(user, claims, token, expiresAtMillis, 0);
  }

  /** A principal whose credentials never expire. */
  public Principal(String user, Map<String, String> claims, String token) {
    this(user, claims, token, 0);
  }

  /** The claim {@code name}, or null. */
  public String claim(String name) {
    return claims.get(name);
  }

  /** The same principal with claim {@code name} set to {@code value} (removed when null). */
  public Principal withClaim(String name, String value) {
    Map<String, String> c = new HashMap<>(claims);
    if (value == null) {
      c.remove(name);
    } else {
      c.put(name, value);
    }
    return new Principal(user, c, token, expiresAtMillis, issuedAtMillis);
  }

  /**
   * The same principal without its token (what a session keeps once {@code welcome} has handed it
   * out).
   */
  public Principal withoutToken() {
    return token == null
        ? this
        : new Principal(user, claims, null, expiresAtMillis, issuedAtMillis);
  }

  /**
   * The same principal with the credentials of {@code fresh}: its expiry and issue time, no token.
   */
  public Principal renewedBy(Principal fresh) {
    return new Principal(user, claims, null, fresh.expiresAtMillis(), fresh.issuedAtMillis());
  }

  /** Whether the credentials expire. */
  public boolean expires() {
    return expiresAtMillis > 0;
  }

  @Override
  public String toString() {
    return "Principal["
        + user
        + " "
        + claims
        + (expires() ? " until " + expiresAtMillis : "")
        + "]"; // never the token
  }
}
