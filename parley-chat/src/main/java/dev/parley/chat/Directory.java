package dev.parley.chat;

import dev.parley.core.Principal;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * The live sites and agents of a deployment, by id: what the chat layer, authentication and the
 * bots read on every use. Disabled sites and agents are not here (to the chat layer they do not
 * exist). The configuration ({@link ConfigSync}) replaces the whole set at once when anything
 * changes, so a reader sees one version or the next, never half of each.
 *
 * <p>Thread-safe: the current set is one immutable snapshot behind a volatile reference.
 */
public final class Directory {
  /** One version of the sites and agents. */
  private record Snapshot(Map<String, Site> sites, Map<String, Agent> agents, long version) {}

  private volatile Snapshot current;

  public Directory(Map<String, Site> sites, Map<String, Agent> agents) {
    this.current = new Snapshot(Map.copyOf(sites), Map.copyOf(agents), 0);
  }

  /** Puts {@code sites} and {@code agents} in force, as the configuration's {@code version}. */
  public void replace(Map<String, Site> sites, Map<String, Agent> agents, long version) {
    current = new Snapshot(Map.copyOf(sites), Map.copyOf(agents), version);
  }

  /** The configuration version in force (0 before any was loaded). */
  public long version() {
    return current.version();
  }

  /** The site {@code id}, or null. */
  public Site site(String id) {
    return id == null ? null : current.sites().get(id);
  }

  /** The agent account {@code user}, or null. */
  public Agent agent(String user) {
    return user == null ? null : current.agents().get(user);
  }

  /** The agent account of a staff principal, or null (visitors; admins with no agent account). */
  public Agent staff(Principal p) {
    return ChatIdentity.isStaff(p) ? agent(p.user()) : null;
  }

  /** Whether {@code p} is an agent (or admin) of {@code site}. */
  public boolean isAgentOf(Principal p, String site) {
    Agent a = staff(p);
    return a != null && a.sites().contains(site);
  }

  /** Every site. */
  public Collection<Site> sites() {
    return current.sites().values();
  }

  /** Every site's id. */
  public Set<String> siteIds() {
    return current.sites().keySet();
  }

  /** Every agent account, by user. */
  public Map<String, Agent> agents() {
    return current.agents();
  }
}
