package dev.parley.chat;

import java.util.Set;

/**
 * A person who answers visitors. Immutable.
 *
 * @param user login and user id
 * @param name display name shown to visitors ("Maya joined the conversation")
 * @param sites the sites whose conversations this agent may see and take
 * @param capacity how many conversations this agent takes at once
 * @param passwordHash a salted slow hash of the password ({@code parley-edge}'s {@code Passwords})
 * @param admin whether this agent may also use the admin API (role {@code admin})
 */
public record Agent(
    String user, String name, Set<String> sites, int capacity, String passwordHash, boolean admin) {

  /** An agent who is not an admin. */
  public Agent(String user, String name, Set<String> sites, int capacity, String passwordHash) {
    this(user, name, sites, capacity, passwordHash, false);
  }

  /** {@code admin} or {@code agent}. */
  public String role() {
    return admin ? "admin" : "agent";
  }
}
