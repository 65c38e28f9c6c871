package dev.parley.core;

/**
 * Who is on a session. Immutable.
 *
 * @param user user id, unique per deployment
 * @param role {@code visitor}, {@code agent} or {@code admin}
 * @param token a token that authenticates the same principal on the next connection
 * @param site the site a visitor talks to (from {@code hello.site}), or null
 */
public record Principal(String user, String role, String token, String site) {

  /** The same principal on {@code site}. */
  public Principal onSite(String s) {
    return new Principal(user, role, token, s);
  }
}
