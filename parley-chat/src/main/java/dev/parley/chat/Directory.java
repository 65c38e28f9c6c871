package dev.parley.chat;

import dev.parley.core.Principal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * The live sites, agents and channel namespaces ({@link Namespace}) of a deployment, by id: what
 * the chat layer, authentication and the bots read on every use. Disabled sites and agents are not
 * here (to the chat layer they do not exist). The configuration ({@link ConfigSync}) replaces the
 * whole set at once when anything changes, so a reader sees one version or the next, never half of
 * each.
 *
 * <p>Thread-safe: the current set is one immutable snapshot behind a volatile reference.
 */
public final class Directory {
  /** One version of the sites, agents and namespaces. */
  private record Snapshot(
      Map<String, Site> sites,
      Map<String, Agent> agents,
      Map<String, Namespace> namespaces,
      long version) {}

  private volatile Snapshot current;

  /** Told of each replacement: the agents before and after. */
  private final List<BiConsumer<Map<String, Agent>, Map<String, Agent>>> agentListeners =
      new CopyOnWriteArrayList<>();

  public Directory(Map<String, Site> sites, Map<String, Agent> agents) {
    this.current = new Snapshot(Map.copyOf(sites), Map.copyOf(agents), Map.of(), 0);
  }

  /** Puts {@code sites} and {@code agents} in force, without namespaces. */
  public void replace(Map<String, Site> sites, Map<String, Agent> agents, long version) {
    replace(sites, agents, Map.of(), version);
  }

  /**
   * Puts {@code sites}, {@code agents} and {@code namespaces} (by name) in force, as the
   * configuration's {@code version}.
   */
  public void replace(
      Map<String, Site> sites,
      Map<String, Agent> agents,
      Map<String, Namespace> namespaces,
      long version) {
    Snapshot before = current;
    current = new Snapshot(Map.copyOf(sites), Map.copyOf(agents), Map.copyOf(namespaces), version);
    for (BiConsumer<Map<String, Agent>, Map<String, Agent>> l : agentListeners) {
      l.accept(before.agents(), current.agents());
    }
  }

  /**
   * Calls {@code listener} after every {@link #replace}, on the replacing thread, with the agents
   * before and after (disabled ones are absent from both). It must not block.
   */
  public void onAgentsReplaced(BiConsumer<Map<String, Agent>, Map<String, Agent>> listener) {
    agentListeners.add(listener);
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

  /** The namespace {@code name}, or null. */
  public Namespace namespace(String name) {
    return name == null ? null : current.namespaces().get(name);
  }

  /** Every namespace, by name. */
  public Map<String, Namespace> namespaces() {
    return current.namespaces();
  }

  /** Every agent account, by user. */
  public Map<String, Agent> agents() {
    return current.agents();
  }
}
