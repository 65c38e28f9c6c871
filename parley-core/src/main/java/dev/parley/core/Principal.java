package dev.parley.core;

/**
 * Who is on a session. Immutable.
 *
 * @param user user id, unique per deployment
 * @param role {@code visitor}, {@code agent} or {@code admin}
 * @param token a token that authenticates the same principal on the next connection
 */
public record Principal(String user, String role, String token) {}
