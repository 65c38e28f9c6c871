package dev.parley.chat;

import dev.parley.core.Principal;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * The sites and agents of a deployment, by id. Immutable: a deployment's sites and agents are read
 * at start.
 *
 * <p>Thread-safe.
 */
public final class Directory {
  private final Map<String, Site> sites;
  private final Map<String, Agent> agents;

  public Directory(Map<String, Site> sites, Map<String, Agent> agents) {
    this.sites = Map.copyOf(sites);
    this.agents = Map.copyOf(agents);
  }

  /** The site {@code id}, or null. */
  public Site site(String id) {
    return id == null ? null : sites.get(id);
  }

  /** The agent account {@code user}, or null. */
  public Agent agent(String user) {
    return user == null ? null : agents.get(user);
  }

  /** The agent account of a staff principal, or null (visitors; admins with no agent account). */
  public Agent staff(Principal p) {
    return ChatIdentity.isStaff(p) ? agents.get(p.user()) : null;
  }

  /** Whether {@code p} is an agent (or admin) of {@code site}. */
  public boolean isAgentOf(Principal p, String site) {
    Agent a = staff(p);
    return a != null && a.sites().contains(site);
  }

  /** Every site. */
  public Collection<Site> sites() {
    return sites.values();
  }

  /** Every site's id. */
  public Set<String> siteIds() {
    return sites.keySet();
  }

  /** Every agent account, by user. */
  public Map<String, Agent> agents() {
    return agents;
  }
}
