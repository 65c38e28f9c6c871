package dev.parley.chat;

import dev.parley.chat.VisitorLanguages.Localized;
import dev.parley.core.Node;
import dev.parley.core.SharedState;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees what nobody uses any more, every {@code sweepInterval}, on one node of the cluster at a
 * time (a {@code SharedState} claim), from state every node sees — so it works after any node
 * crashed:
 *
 * <ul>
 *   <li>a queued or assigned conversation whose visitor is gone (no session there on any node) and
 *       silent for the site's {@code visitorIdle} is closed as abandoned, freeing the agent's
 *       place;
 *   <li>an assigned conversation whose agent has been gone (no session on any node) for longer than
 *       the offline grace goes back to the queue — the path a crashed node's agents take, whose
 *       sessions never closed.
 * </ul>
 *
 * A visitor's last message time and an agent's first sweep seen away are values in the shared
 * state.
 *
 * <p>Thread-safe. Sweeps run on {@link AgentRouting}'s thread (they block on the store and the
 * shared state there, each wait bounded by {@link AgentRouting#await}), scheduled by the node's
 * clock.
 */
final class InactivitySweep {
  private static final Logger log = LoggerFactory.getLogger(InactivitySweep.class);
  private static final String ACTIVITY = "chat-visitor-spoke:";
  private static final String AWAY = "chat-agent-away:";
  private static final Duration MEMORY = Duration.ofDays(1);

  private final Node node;
  private final Directory directory;
  private final Conversations conversations;
  private final ConversationLifecycle lifecycle;
  private final AgentRouting routing;
  private final QueuePlaces places;
  private final ChatConfig config;
  private final String owner;

  InactivitySweep(
      Node node,
      Directory directory,
      Conversations conversations,
      ConversationLifecycle lifecycle,
      AgentRouting routing,
      QueuePlaces places,
      ChatConfig config) {
    this.node = node;
    this.directory = directory;
    this.conversations = conversations;
    this.lifecycle = lifecycle;
    this.routing = routing;
    this.places = places;
    this.config = config;
    byte[] b = new byte[6];
    new SecureRandom().nextBytes(b);
    this.owner = "sweeper_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Starts sweeping every {@code sweepInterval}. */
  void start() {
    routing.later(config.sweepInterval(), this::sweep);
  }

  /** The visitor of {@code conv} wrote: it is not idle. Any thread; never blocks. */
  void visitorSpoke(String conv) {
    long now = node.clock().millis();
    node.sharedState().setValue(ACTIVITY + conv, Long.toString(now), now, MEMORY);
  }

  /** One sweep of every site, then the next. Routing's thread. */
  void sweep() {
    SharedState shared = node.sharedState();
    try {
      if (routing.await(shared.claim("chat-sweep", owner, config.sweepInterval()))) {
        for (Site site : directory.sites()) {
          sweep(site);
        }
      }
    } catch (RuntimeException e) {
      log.warn("inactivity sweep failed; the next one tries again", e);
    } finally {
      routing.later(config.sweepInterval(), this::sweep);
    }
  }

  private void sweep(Site site) {
    long now = node.clock().millis();
    List<String> online = routing.await(places.onlineAgents(site.id()));
    for (String agent : directory.agents().keySet()) {
      if (online.contains(agent)) {
        node.sharedState().removeValue(AWAY + agent);
      }
    }
    for (ChatConversation c :
        routing.await(conversations.list(site.id(), ConversationStatus.ASSIGNED))) {
      if (abandoned(site, c, now)) {
        close(c);
      } else if (!online.contains(c.agent()) && awayLongEnough(c.agent(), now)) {
        Agent a = directory.agent(c.agent());
        routing.awaitMove(
            lifecycle.move(
                c,
                ConversationStatus.ASSIGNED,
                ConversationStatus.QUEUED,
                null,
                lang ->
                    ChatTexts.get()
                        .text(
                            lang,
                            "agentGone",
                            "agent",
                            a == null ? ChatTexts.get().text(lang, "theAgent") : a.name())));
        routing.assignSoon(site.id());
      }
    }
    for (ChatConversation c :
        routing.await(conversations.list(site.id(), ConversationStatus.QUEUED))) {
      if (abandoned(site, c, now)) {
        close(c);
      }
    }
  }

  /**
   * Whether {@code c}'s visitor has no session in it on any node and wrote nothing for the site's
   * idle time.
   */
  private boolean abandoned(Site site, ChatConversation c, long now) {
    if (routing.await(node.sharedState().isPresent("conv:" + c.id(), c.visitor()))) {
      return false;
    }
    String spoke = routing.await(node.sharedState().value(ACTIVITY + c.id()));
    long last = Math.max(c.updatedAtMillis(), spoke == null ? 0 : Long.parseLong(spoke));
    return now - last >= site.visitorIdle().toMillis();
  }

  /**
   * Whether agent {@code user}, away now, was already away one grace ago (noting when it was first
   * seen away).
   */
  private boolean awayLongEnough(String user, long now) {
    String since = routing.await(node.sharedState().value(AWAY + user));
    if (since == null) {
      routing.await(node.sharedState().setValue(AWAY + user, Long.toString(now), now, MEMORY));
      return false;
    }
    return now - Long.parseLong(since) >= config.agentOfflineGrace().toMillis();
  }

  private void close(ChatConversation c) {
    boolean moved =
        routing
            .awaitMove(
                lifecycle.move(
                    c, c.status(), ConversationStatus.RESOLVED, null, Localized.of("visitorLeft")))
            .isPresent();
    if (moved) {
      log.info("closed abandoned conversation {} of {}", c.id(), c.site());
      routing.freed(c);
    }
  }
}
