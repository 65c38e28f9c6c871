package dev.parley.chat;

import dev.parley.core.Node;
import dev.parley.core.Session;
import dev.parley.protocol.CloseCode;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When an admin narrows what a staff member may do — takes a site away, takes the admin role away,
 * disables or deletes the account — that member's connections on this node are closed with {@link
 * CloseCode#ACCESS_CHANGED} (4403). Joins are checked against the {@link Directory} when they
 * happen, so without this a console joined to a conversation, to its internal notes or to a site's
 * queue before the change would go on receiving them until it disconnected. The client reconnects
 * at once; its {@code hello} and every join are then checked against the new configuration, so it
 * gets back exactly what it may still see. Every node applies the same configuration version and
 * closes its own connections.
 *
 * <p>Widening access (a new site, the admin role) closes nothing: the next join simply succeeds.
 *
 * <p>Thread-safe: no state; runs on the thread that replaced the directory and only asks the
 * connections to close (which they do on their own event loops).
 */
final class AccessRevocation {
  private static final Logger log = LoggerFactory.getLogger(AccessRevocation.class);

  private final Node node;

  AccessRevocation(Node node) {
    this.node = node;
  }

  /** The users of {@code before} who may do less in {@code after}, sorted. */
  static Set<String> narrowed(Map<String, Agent> before, Map<String, Agent> after) {
    Set<String> out = new TreeSet<>();
    for (Agent was : before.values()) {
      Agent now = after.get(was.user());
      if (now == null || !now.sites().containsAll(was.sites()) || (was.admin() && !now.admin())) {
        out.add(was.user());
      }
    }
    return out;
  }

  /** A {@link Directory#onAgentsReplaced} listener: closes the narrowed users' connections. */
  void agentsReplaced(Map<String, Agent> before, Map<String, Agent> after) {
    for (String user : narrowed(before, after)) {
      for (Session s : node.sessionsOf(user)) {
        log.info("closing a connection of {}: an admin narrowed their access", user);
        s.close(CloseCode.ACCESS_CHANGED);
      }
    }
  }
}
