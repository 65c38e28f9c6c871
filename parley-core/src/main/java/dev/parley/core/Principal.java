package dev.parley.core;

/**
 * Who is on a session. Immutable.
 *
 * @param user user id, unique per deployment
 * @param role {@code visitor}, {@code agent} or {@code admin}
 * @param token a token that authenticates the same principal on the next connection (null once
 *     the session has sent it in {@code welcome})
 * @param site the site a visitor talks to (from {@code hello.site}, or bound by its token), or null
 * @param expiresAtMillis when the credentials expire (epoch ms): a live connection is closed with
 *     4401 then unless it sent {@code auth} with a fresh token; 0 for credentials that never expire
 */
public record Principal(String user, String role, String token, String site, long expiresAtMillis) {

  /** A principal whose credentials never expire. */
  public Principal(String user, String role, String token, String site) {
    this(user, role, token, site, 0);
  }

  /** The same principal on {@code s}. */
  public Principal onSite(String s) {
    return new Principal(user, role, token, s, expiresAtMillis);
  }

  /** The same principal without its token (what a session keeps once {@code welcome} has handed the token out). */
  public Principal withoutToken() {
    return token == null ? this : new Principal(user, role, null, site, expiresAtMillis);
  }

  /** Whether the credentials expire. */
  public boolean expires() {
    return expiresAtMillis > 0;
  }

  /** Whether this is an agent or an admin (admins may do what agents do on their sites). */
  public boolean isStaff() {
    return role.equals("agent") || role.equals("admin");
  }
}
