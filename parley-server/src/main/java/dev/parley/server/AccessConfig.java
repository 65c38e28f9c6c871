package dev.parley.server;

import dev.parley.chat.Agent;
import dev.parley.edge.JwtVerifier;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The sites, agents and tokens part of a {@link ServerConfig}: who may log in, which handshakes are
 * refused, and the deployment's JWT keys ({@link AccessSettings}). Immutable; built by {@link
 * AccessConfigBuilder}, which refuses demo accounts where others could reach them ({@link
 * DemoGuard}).
 *
 * @param sites the sites and their knowledge bases, or null for the demo site alone
 * @param agents the agent accounts (the demo site's agents by default)
 * @param agentPasswords the passwords in the clear of agents that have one (the demo agents, a
 *     sites file's trial {@code password}s), by user: importing them again keeps their hashes
 * @param agentOfflineGrace how long an agent may be gone (a reload) before its conversations are
 *     queued again
 * @param agentTokenLifetime how long an agent's login token is valid
 * @param openChannels whether conversation ids that are not chat conversations are open channels
 *     any client may join (the realtime engine without the chat product)
 * @param channelPresenceEvents whether open channels announce users coming and going ({@code
 *     presence}, {@code presence_batch}); off by default: their presence is counted and listed on
 *     demand only
 * @param requireToken whether every WebSocket handshake must carry a token (401 otherwise)
 * @param requireOrigin whether a WebSocket handshake without Origin (not a browser) is refused
 *     (403)
 * @param jwt the deployment's JWT keys and claim checks
 */
public record AccessConfig(
    SitesFile sites,
    List<Agent> agents,
    Map<String, String> agentPasswords,
    Duration agentOfflineGrace,
    Duration agentTokenLifetime,
    boolean openChannels,
    boolean channelPresenceEvents,
    boolean requireToken,
    boolean requireOrigin,
    JwtVerifier.Settings jwt) {}
