package dev.parley.chat;

import java.util.Set;

/**
 * A person who answers visitors. Immutable.
 *
 * @param user login and user id
 * @param name display name shown to visitors ("Maya joined the conversation")
 * @param sites the sites whose conversations this agent may see and take
 * @param capacity how many conversations this agent takes at once
 * @param passwordHash a {@link Passwords#hash} result
 */
public record Agent(String user, String name, Set<String> sites, int capacity, String passwordHash) {}
