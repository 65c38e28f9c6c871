package dev.parley.server;

/**
 * Builds a {@link ServerConfig}; its defaults are those of {@link Settings}. Its setters come from
 * the settings groups it ends the chain of, each owning its fields, defaults and checks: {@link
 * NetworkConfigBuilder}, {@link StorageConfigBuilder}, {@link AccessConfigBuilder}, {@link
 * IntegrationConfigBuilder}. What it adds is {@link #build()}, which puts their parts together. Not
 * thread-safe.
 */
public final class ServerConfigBuilder extends IntegrationConfigBuilder {
  ServerConfigBuilder() {}

  @Override
  ServerConfigBuilder self() {
    return this;
  }

  /**
   * Checks every setting and builds: the network, storage and integration settings, in that order,
   * each group's in the order of {@code docs/OPERATIONS.md}; then the access settings, whose demo
   * guard needs the others (the bind address, TLS, the store and the broker) and may ask for the
   * demo agents' password ({@link #demoAgentPassword}).
   *
   * @throws IllegalArgumentException naming the setting that is wrong, or saying why demo accounts
   *     cannot run with these settings and what to set instead
   */
  public ServerConfig build() {
    NetworkConfig network = network(demoMode());
    StorageConfig storage = storage();
    IntegrationConfig integration = integration();
    AccessConfig access =
        access(
            DemoGuard.exposures(
                network.host(), network.tlsCert() != null, storeKind(), brokerKind()));
    return new ServerConfig(network, storage, access, integration);
  }
}
