package dev.parley.server;

import static dev.parley.server.ModuleDefaults.CHAT;
import static dev.parley.server.ModuleDefaults.JWT;
import static dev.parley.server.Setting.Group.ACCESS;
import static dev.parley.server.ValueType.BOOLEAN;
import static dev.parley.server.ValueType.DURATION;
import static dev.parley.server.ValueType.PATH;
import static dev.parley.server.ValueType.PATHS;
import static dev.parley.server.ValueType.STRING;
import static dev.parley.server.ValueType.URL;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The settings of sites, agents and tokens: the sites file, secrets, demo accounts, JWT keys and
 * claim checks. Part of the table of {@link Settings}: declared here, listed there. Immutable.
 */
final class AccessSettings {
  private AccessSettings() {}

  // Sites, agents and tokens
  static final Setting<Path> SITES =
      Setting.of(
              "sites",
              ACCESS,
              "FILE",
              PATH,
              (Path) null,
              "JSON file of sites and agents; its agents replace the demo agents.")
          .defaultNote("demo mode: the demo site")
          .details("[Below](#sites-and-agents); without it Parley runs in [demo mode](#demo-mode)")
          .applies((b, v) -> b.sites(v == null ? null : SitesFile.load(v)));
  static final Setting<String> DEMO_AGENT_PASSWORD =
      Setting.of(
              "demo-agent-password",
              ACCESS,
              "P",
              STRING,
              (String) null,
              "Password of the demo agents maya and sam (demo mode only).")
          .defaultNote("random, kept in data-dir/demo-agent-password")
          .asSecret()
          .details("Made on first start (mode 0600) and printed at start");
  static final Setting<Duration> AGENT_OFFLINE_GRACE =
      Setting.of(
              "agent-offline-grace",
              ACCESS,
              "D",
              DURATION,
              CHAT.agentOfflineGrace(),
              "How long an agent may be gone (a reload) before its conversations are queued again.")
          .applies(ServerConfigBuilder::agentOfflineGrace);
  static final Setting<Duration> AGENT_TOKEN_LIFETIME =
      Setting.of(
              "agent-token-lifetime",
              ACCESS,
              "D",
              DURATION,
              Duration.ofMinutes(15),
              "How long an agent's login token is valid.")
          .details(
              "The console renews it in band (`auth` without a token) before expiry; a live connection "
                  + "is closed with 4401 at expiry otherwise. Logging out revokes every token of the agent")
          .applies(ServerConfigBuilder::agentTokenLifetime);
  static final Setting<Boolean> OPEN_CHANNELS =
      Setting.of(
              "open-channels",
              ACCESS,
              "B",
              BOOLEAN,
              CHAT.openChannels(),
              "Whether conversation ids that are not chat conversations (chat_…) are open channels any "
                  + "client may join.")
          .details(
              "Ids of a configured [channel namespace](#channel-namespaces) follow its rules "
                  + "whatever this says; with it on, ids of a name no namespace has stay open too "
                  + "(off: `unknown_namespace`). Prefer a namespace")
          .applies(ServerConfigBuilder::openChannels);
  static final Setting<Boolean> CHANNEL_PRESENCE_EVENTS =
      Setting.of(
              "channel-presence-events",
              ACCESS,
              "B",
              BOOLEAN,
              false,
              "Whether open channels announce users coming and going (presence events, coalesced).")
          .details(
              "Off: a channel's presence is still counted and listed (`joined`, `presence_list`), but "
                  + "a crowd joining costs its subscribers nothing. Chat conversations always announce; "
                  + "a namespace's channels as its `joinLeaveEvents` says")
          .applies(ServerConfigBuilder::channelPresenceEvents);
  static final Setting<Boolean> REQUIRE_TOKEN =
      Setting.of(
              "require-token",
              ACCESS,
              "B",
              BOOLEAN,
              CHAT.requireToken(),
              "Refuse (401) every WebSocket handshake without a token.")
          .applies(ServerConfigBuilder::requireToken);
  static final Setting<Boolean> REQUIRE_ORIGIN =
      Setting.of(
              "require-origin",
              ACCESS,
              "B",
              BOOLEAN,
              CHAT.requireOrigin(),
              "Refuse (403) WebSocket handshakes without an Origin header (non-browsers).")
          .applies(ServerConfigBuilder::requireOrigin);
  static final Setting<String> JWT_SECRET =
      Setting.of(
              "jwt-secret",
              ACCESS,
              "S",
              STRING,
              (String) null,
              "HS256 secret (at least 32 bytes) of your identity provider's JWTs.")
          .asSecret()
          .applies(ServerConfigBuilder::jwtSecret);
  static final Setting<List<Path>> JWT_PUBLIC_KEY =
      Setting.of(
              "jwt-public-key",
              ACCESS,
              "FILES",
              PATHS,
              (List<Path>) null,
              "PEM public keys (RSA: RS256, EC P-256: ES256) of your identity provider's JWTs, "
                  + "comma-separated.")
          .applies((b, v) -> b.jwtPublicKeys(v == null ? List.of() : v));
  static final Setting<URI> JWT_JWKS_URL =
      Setting.of(
              "jwt-jwks-url",
              ACCESS,
              "URL",
              URL,
              (URI) null,
              "The identity provider's JWKS URL; cached, and fetched again for an unknown kid.")
          .applies(ServerConfigBuilder::jwtJwksUrl);
  static final Setting<Duration> JWT_JWKS_CACHE_TTL =
      Setting.of(
              "jwt-jwks-cache-ttl",
              ACCESS,
              "D",
              DURATION,
              JWT.jwksCacheTtl(),
              "How long fetched JWKS keys are used.")
          .applies(ServerConfigBuilder::jwtJwksCacheTtl);
  static final Setting<String> JWT_ISSUER =
      Setting.of("jwt-issuer", ACCESS, "S", STRING, (String) null, "Required iss claim of JWTs.")
          .applies(ServerConfigBuilder::jwtIssuer);
  static final Setting<String> JWT_AUDIENCE =
      Setting.of("jwt-audience", ACCESS, "S", STRING, (String) null, "Required aud claim of JWTs.")
          .applies(ServerConfigBuilder::jwtAudience);
  static final Setting<Duration> JWT_CLOCK_SKEW =
      Setting.of(
              "jwt-clock-skew",
              ACCESS,
              "D",
              DURATION,
              JWT.clockSkew(),
              "Tolerance for exp and nbf.")
          .applies(ServerConfigBuilder::jwtClockSkew);
}
