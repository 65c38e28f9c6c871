package dev.parley.edge.admin;

import dev.parley.chat.Agent;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An agent account as operators write it: the admin API's body and the stored document. The
 * password never travels in it: the API sets it apart ({@code POST …/password}) and the document
 * keeps only its salted slow hash, which the API never shows.
 *
 * <p>Immutable.
 *
 * @param role {@code agent} or {@code admin}
 * @param passwordHash the PBKDF2 hash ({@code Passwords}); stored, never shown
 */
public record AgentDoc(
    String user,
    String name,
    List<String> sites,
    Integer capacity,
    String role,
    Boolean disabled,
    String passwordHash) {

  /** A login name. */
  public static final Pattern USER = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");

  /**
   * This document with its defaults filled in, after checking every field against the sites that
   * exist ({@code knownSites}).
   *
   * @throws InvalidSetting naming the first field that is wrong
   */
  public AgentDoc checked(Set<String> knownSites) {
    if (user == null || !USER.matcher(user).matches()) {
      throw new InvalidSetting("user", "must be 1-64 characters of A-Z a-z 0-9 _ . @ -");
    }
    if (name != null && (name.length() > 100 || name.chars().anyMatch(c -> c < 0x20))) {
      throw new InvalidSetting("name", "must be at most 100 characters, no control characters");
    }
    if (sites == null || sites.isEmpty()) {
      throw new InvalidSetting("sites", "must name at least one site");
    }
    for (int i = 0; i < sites.size(); i++) {
      if (!knownSites.contains(sites.get(i))) {
        throw new InvalidSetting(
            "sites[" + i + "]", "\"" + sites.get(i) + "\" is not a site of this deployment");
      }
    }
    int c = capacity == null ? 3 : capacity;
    if (c < 0 || c > 1000) {
      throw new InvalidSetting("capacity", "must be between 0 and 1000");
    }
    String r = role == null ? "agent" : role;
    if (!r.equals("agent") && !r.equals("admin")) {
      throw new InvalidSetting("role", "must be agent or admin");
    }
    return new AgentDoc(
        user,
        name == null ? user : name,
        List.copyOf(new TreeSet<>(sites)),
        c,
        r,
        Boolean.TRUE.equals(disabled),
        passwordHash);
  }

  /** What the chat layer uses; null when the agent is disabled or has no password yet. */
  public Agent toAgent() {
    if (Boolean.TRUE.equals(disabled) || passwordHash == null) {
      return null;
    }
    return new Agent(user, name, Set.copyOf(sites), capacity, passwordHash, "admin".equals(role));
  }

  /** The document of {@code a} (a sites file's agent, a demo agent). */
  public static AgentDoc of(Agent a) {
    return new AgentDoc(
        a.user(),
        a.name(),
        a.sites().stream().sorted().toList(),
        a.capacity(),
        a.role(),
        false,
        a.passwordHash());
  }

  /** This document with {@code hash} as its password. */
  AgentDoc withPasswordHash(String hash) {
    return new AgentDoc(user, name, sites, capacity, role, disabled, hash);
  }

  @Override
  public String toString() {
    return "AgentDoc[" + user + "]";
  }
}
