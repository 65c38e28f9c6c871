package dev.parley.server;

import dev.parley.chat.Agent;
import dev.parley.edge.JwtVerifier;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The sites, agents and tokens part of a {@link ServerConfigBuilder}: the fields of {@link
 * AccessConfig} with their defaults (those of {@link AccessSettings}), their setters and their
 * checks, and the fail-closed one: which agents may log in, the demo agents only where no one else
 * can reach them ({@link DemoGuard}). The third link of the builder's chain of groups ({@link
 * NetworkConfigBuilder} says why a chain). Not thread-safe.
 */
abstract sealed class AccessConfigBuilder extends StorageConfigBuilder
    permits IntegrationConfigBuilder {
  private SitesFile sites;
  private List<Agent> agents;
  private Supplier<String> demoAgentPassword;
  private Duration agentOfflineGrace = AccessSettings.AGENT_OFFLINE_GRACE.defaultValue();
  private Duration agentTokenLifetime = AccessSettings.AGENT_TOKEN_LIFETIME.defaultValue();
  private boolean openChannels = AccessSettings.OPEN_CHANNELS.defaultValue();
  private boolean channelPresenceEvents = AccessSettings.CHANNEL_PRESENCE_EVENTS.defaultValue();
  private boolean requireToken = AccessSettings.REQUIRE_TOKEN.defaultValue();
  private boolean requireOrigin = AccessSettings.REQUIRE_ORIGIN.defaultValue();
  private String jwtSecret = AccessSettings.JWT_SECRET.defaultValue();
  private List<Path> jwtPublicKeys = List.of();
  private URI jwtJwksUrl = AccessSettings.JWT_JWKS_URL.defaultValue();
  private String jwtIssuer = AccessSettings.JWT_ISSUER.defaultValue();
  private String jwtAudience = AccessSettings.JWT_AUDIENCE.defaultValue();
  private Duration jwtJwksCacheTtl = AccessSettings.JWT_JWKS_CACHE_TTL.defaultValue();
  private Duration jwtClockSkew = AccessSettings.JWT_CLOCK_SKEW.defaultValue();

  /** Sites and agents from a file; its agents replace the demo agents. */
  public ServerConfigBuilder sites(SitesFile v) {
    sites = v;
    return self();
  }

  /**
   * The agent accounts; null: the sites file's, or without one the demo agents (password {@link
   * ServerConfig#DEMO_AGENT_PASSWORD}).
   */
  public ServerConfigBuilder agents(List<Agent> v) {
    agents = v;
    return self();
  }

  /**
   * In demo mode (neither agents nor sites given), where the demo agents' password comes from;
   * asked only once the settings are known to allow demo mode. Null: {@link
   * ServerConfig#DEMO_AGENT_PASSWORD}.
   */
  public ServerConfigBuilder demoAgentPassword(Supplier<String> v) {
    demoAgentPassword = v;
    return self();
  }

  public ServerConfigBuilder agentOfflineGrace(Duration v) {
    agentOfflineGrace = v;
    return self();
  }

  public ServerConfigBuilder agentTokenLifetime(Duration v) {
    agentTokenLifetime = v;
    return self();
  }

  public ServerConfigBuilder openChannels(boolean v) {
    openChannels = v;
    return self();
  }

  public ServerConfigBuilder channelPresenceEvents(boolean v) {
    channelPresenceEvents = v;
    return self();
  }

  public ServerConfigBuilder requireToken(boolean v) {
    requireToken = v;
    return self();
  }

  public ServerConfigBuilder requireOrigin(boolean v) {
    requireOrigin = v;
    return self();
  }

  /** All of the deployment's JWT settings at once. */
  public ServerConfigBuilder jwt(JwtVerifier.Settings v) {
    jwtSecret = v.secret();
    jwtPublicKeys = List.copyOf(v.publicKeys());
    jwtJwksUrl = v.jwksUrl();
    jwtIssuer = v.issuer();
    jwtAudience = v.audience();
    jwtJwksCacheTtl = v.jwksCacheTtl();
    jwtClockSkew = v.clockSkew();
    return self();
  }

  public ServerConfigBuilder jwtSecret(String v) {
    jwtSecret = v;
    return self();
  }

  public ServerConfigBuilder jwtPublicKeys(List<Path> v) {
    jwtPublicKeys = List.copyOf(v);
    return self();
  }

  public ServerConfigBuilder jwtJwksUrl(URI v) {
    jwtJwksUrl = v;
    return self();
  }

  public ServerConfigBuilder jwtIssuer(String v) {
    jwtIssuer = v;
    return self();
  }

  public ServerConfigBuilder jwtAudience(String v) {
    jwtAudience = v;
    return self();
  }

  public ServerConfigBuilder jwtJwksCacheTtl(Duration v) {
    jwtJwksCacheTtl = v;
    return self();
  }

  public ServerConfigBuilder jwtClockSkew(Duration v) {
    jwtClockSkew = v;
    return self();
  }

  /** Whether no sites file is set: demo mode, whose host defaults to loopback. */
  boolean demoMode() {
    return sites == null;
  }

  /**
   * Checks the access settings, settles the agents (given, the sites file's, or the demo agents)
   * and makes their part of the configuration. The demo agents' password is asked for only here,
   * once demo mode is known to be allowed.
   *
   * @param exposures what in the other settings makes the node a deployment ({@link
   *     DemoGuard#exposures}); empty for a trial on this machine
   * @throws IllegalArgumentException naming the setting that is wrong, or saying why demo accounts
   *     cannot run with these settings and what to set instead
   */
  AccessConfig access(List<String> exposures) {
    if (agentTokenLifetime.isNegative() || agentTokenLifetime.isZero()) {
      throw new IllegalArgumentException("agent-token-lifetime must be positive");
    }
    List<Agent> live = agents;
    Map<String, String> clear = Map.of();
    if (live == null && sites != null) {
      live = sites.agents();
      clear = sites.clearPasswords();
    } else if (live == null) {
      DemoGuard.refuseDemo(ServerConfig.DEMO_AGENTS, exposures);
      String pw =
          demoAgentPassword != null ? demoAgentPassword.get() : ServerConfig.DEMO_AGENT_PASSWORD;
      live = ServerConfig.demoAgents(pw);
      clear = Map.of("maya", pw, "sam", pw);
    }
    DemoGuard.check(sites == null, live, exposures);
    return new AccessConfig(
        sites,
        live,
        clear,
        agentOfflineGrace,
        agentTokenLifetime,
        openChannels,
        channelPresenceEvents,
        requireToken,
        requireOrigin,
        new JwtVerifier.Settings(
            jwtSecret,
            jwtPublicKeys,
            jwtJwksUrl,
            jwtIssuer,
            jwtAudience,
            jwtJwksCacheTtl,
            jwtClockSkew));
  }
}
