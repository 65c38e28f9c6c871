package dev.parley.server;

import dev.parley.chat.Agent;
import dev.parley.edge.Passwords;
import java.util.List;
import java.util.Set;

/**
 * Everything a {@link ParleyServer} needs to start, in the groups the settings are declared in.
 * Immutable; build with {@link #newBuilder()}. The builder's defaults are those of {@link Settings}
 * (the "run with no configuration" ones of {@code docs/OPERATIONS.md}); its {@link
 * ServerConfigBuilder#build()} refuses demo accounts where others could reach them ({@link
 * DemoGuard}).
 *
 * @param network where the node listens, TLS, limits per connection and per address, heartbeats and
 *     rates
 * @param storage the data directory, the store, the broker and the keys a cluster shares
 * @param access the sites, the agents, and which tokens and handshakes are accepted
 * @param integration the demo site's bot, knowledge limits, event webhooks and away mail
 */
public record ServerConfig(
    NetworkConfig network,
    StorageConfig storage,
    AccessConfig access,
    IntegrationConfig integration) {

  /** The users of the demo site's agents. */
  public static final List<String> DEMO_AGENTS = List.of("maya", "sam");

  /** The demo site's agents, Maya (an admin too) and Sam, with {@code password}. */
  public static List<Agent> demoAgents(String password) {
    String hash = Passwords.hash(password);
    return List.of(
        new Agent("maya", "Maya", Set.of("demo"), 3, hash, true),
        new Agent("sam", "Sam", Set.of("demo"), 3, hash));
  }

  /**
   * The well-known password of the demo agents when a {@link ServerConfigBuilder} is given neither
   * agents nor sites (tests on loopback). {@link DemoGuard} refuses it anywhere else.
   */
  public static final String DEMO_AGENT_PASSWORD = "parley-demo";

  /** Whether this node shares its store and broker with others. */
  public boolean clustered() {
    return storage.broker().equals(BrokerKind.REDIS.key());
  }

  public static ServerConfigBuilder newBuilder() {
    return new ServerConfigBuilder();
  }
}
