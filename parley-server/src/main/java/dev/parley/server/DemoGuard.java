package dev.parley.server;

import dev.parley.chat.Agent;
import dev.parley.edge.Passwords;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps demo accounts off anything others can reach. Demo mode (no sites file) serves the demo
 * agents {@code maya} (an admin) and {@code sam}; that is only allowed on a loopback address
 * without TLS, PostgreSQL or Redis, since each of those says "this is a deployment". In such a
 * deployment no agent may have a well-known password either. See {@code
 * docs/SECURITY.md#demo-mode}.
 *
 * <p>Stateless; called by {@link AccessConfigBuilder#access} (in {@link
 * ServerConfigBuilder#build()}) on the thread that builds.
 */
final class DemoGuard {
  /**
   * Passwords anyone can read: the demo agents' old default, and the one in {@code
   * ops/examples/sites.json}.
   */
  static final List<String> WELL_KNOWN_PASSWORDS =
      List.of(ServerConfig.DEMO_AGENT_PASSWORD, "change-me-before-production");

  /** Where demo mode listens unless told otherwise. */
  static final String LOOPBACK = "127.0.0.1";

  private DemoGuard() {}

  /**
   * What in these settings makes the node a deployment rather than a trial on this machine, as the
   * settings that say so; empty for a trial.
   */
  static List<String> exposures(String host, boolean tls, StoreKind store, BrokerKind broker) {
    List<String> found = new ArrayList<>();
    if (!isLoopback(host)) {
      found.add("--host " + host);
    }
    if (tls) {
      found.add("--tls-cert");
    }
    if (store == StoreKind.POSTGRES) {
      found.add("--store postgres");
    }
    if (broker == BrokerKind.REDIS) {
      found.add("--broker redis");
    }
    return found;
  }

  /**
   * Refuses demo accounts, or any agent with a {@linkplain #WELL_KNOWN_PASSWORDS well-known
   * password}, when {@code exposures} is not empty. Checking a password costs a PBKDF2 derivation
   * per agent (about 0.1 s of CPU), so it runs only then, in parallel.
   *
   * @throws IllegalArgumentException saying what is live, why it is refused and what to set
   */
  static void check(boolean demoMode, List<Agent> agents, List<String> exposures) {
    if (exposures.isEmpty() || agents.isEmpty()) {
      return;
    }
    if (demoMode) {
      refuseDemo(agents.stream().map(Agent::user).toList(), exposures);
    }
    String why = String.join(", ", exposures);
    for (String known : WELL_KNOWN_PASSWORDS) {
      List<String> weak =
          agents.parallelStream()
              .filter(a -> Passwords.verify(known, a.passwordHash()))
              .map(Agent::user)
              .sorted()
              .toList();
      if (!weak.isEmpty()) {
        throw new IllegalArgumentException(
            "agent"
                + (weak.size() > 1 ? "s " : " ")
                + String.join(", ", weak)
                + " in the sites file "
                + (weak.size() > 1 ? "have" : "has")
                + " the well-known password '"
                + known
                + "', refused with "
                + why
                + ". Give "
                + (weak.size() > 1 ? "each" : "it")
                + " a password of its own: passwordHash from 'parley hash-password'.");
      }
    }
  }

  /**
   * Refuses demo mode, whose agents are {@code users}, when {@code exposures} is not empty.
   *
   * @throws IllegalArgumentException saying why and what to set instead
   */
  static void refuseDemo(List<String> users, List<String> exposures) {
    if (exposures.isEmpty() || users.isEmpty()) {
      return;
    }
    String why = String.join(", ", exposures);
    throw new IllegalArgumentException(
        "demo mode (no --sites file) has the demo agents "
            + String.join(" and ", users)
            + " and runs only on a loopback host without TLS, PostgreSQL or Redis, but "
            + why
            + " is set. "
            + "Give your own sites and agents with --sites FILE (docs/OPERATIONS.md#sites-and-agents), "
            + "or try the demo on this machine without "
            + why
            + ".");
  }

  /**
   * Whether {@code host} is a loopback address ({@code 127.0.0.0/8}, {@code ::1}, or a name such as
   * {@code localhost} that resolves to one). A name that does not resolve is not.
   */
  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
