package dev.parley.chat;

import dev.parley.chat.VisitorLanguages.Localized;
import dev.parley.core.Node;
import dev.parley.core.Session;
import dev.parley.core.SessionLoop;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who answers a queued visitor: agents' availability (their presence in {@code agents:<site>}, on
 * any node), the queue per site, and assignment — the least loaded online agent with free capacity
 * gets the longest-waiting conversation, ties rotate. Also re-queues the conversations of an agent
 * gone longer than the grace period, tells queued visitors their place and wait, and counts the
 * queue and the statuses for the gauges.
 *
 * <p>Thread-safe. Assignment passes run one at a time on this class's own thread ({@code
 * parley-chat-routing}), and across nodes under a claim per site ({@link AssignClaim}: a pass that
 * outlived its claim starts again); every move is a compare-and-set in the store, so two nodes
 * never assign one conversation twice. Delays come from the node's clock and hop to that thread.
 * The thread waits for the store and the shared state one step at a time, each wait bounded ({@link
 * #STEP_WAIT}; a move, which waits its turn too, {@link #MOVE_WAIT}): a step that does not answer
 * fails its pass, which is tried again, and holds no other site's routing longer than that. A site
 * has at most one pass queued at a time.
 */
final class AgentRouting implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentRouting.class);
  private static final Duration COUNT_EVERY = Duration.ofSeconds(5);

  /**
   * How long the routing thread waits for one answer of the store or the shared state before it
   * gives the step up (a pass is tried again a second later): the site's claim's length, since a
   * pass held longer has lost the claim anyway. A healthy store answers in milliseconds; one that
   * never answers would otherwise hold routing for every site on the node.
   */
  static final Duration STEP_WAIT = AssignClaim.LENGTH;

  /**
   * How long the routing thread waits for a move: its turn, then a step's wait. Longer than the
   * site's claim, so a pass ends, queuing a fresh pass, once a move took so long that the claim may
   * have lapsed ({@link AssignClaim#keep}): another node's pass may have assigned meanwhile, and
   * this pass's counts of the agents' load would be stale.
   */
  static final Duration MOVE_WAIT = ConversationTurns.TURN_WAIT.plus(STEP_WAIT);

  private final Node node;
  private final Directory directory;
  private final Conversations conversations;
  private final ConversationLifecycle lifecycle;
  private final BotTurns turns;
  private final HandoffRule handoffRule;
  private final QueuePlaces places;
  private final ChatConfig config;
  private final ChatMetrics metrics;
  private final String nodeId;
  private final ExecutorService worker;

  /**
   * When a conversation was queued (node clock, ns), until an agent first speaks in it (this node's
   * view).
   */
  private final ConversationMemo<Long> queuedAt = new ConversationMemo<>();

  /** Queued conversations per site and conversations per status, refreshed every 5 s. */
  private volatile Map<String, Integer> queueLengths = Map.of();

  private volatile Map<ConversationStatus, Integer> statusCounts = Map.of();

  /** Sites with an assignment pass queued on the worker and not started yet. */
  private final Set<String> passQueued = ConcurrentHashMap.newKeySet();

  /** Who gets the next conversation. Worker thread only. */
  private final AgentPick pick;

  private volatile boolean closed;

  AgentRouting(
      Node node,
      Directory directory,
      Conversations conversations,
      ConversationLifecycle lifecycle,
      BotTurns turns,
      HandoffRule handoffRule,
      QueuePlaces places,
      ChatConfig config,
      ChatMetrics metrics) {
    this.node = node;
    this.directory = directory;
    this.pick = new AgentPick(directory);
    this.conversations = conversations;
    this.lifecycle = lifecycle;
    this.turns = turns;
    this.handoffRule = handoffRule;
    this.places = places;
    this.config = config;
    this.metrics = metrics;
    byte[] b = new byte[6];
    new SecureRandom().nextBytes(b);
    this.nodeId = "node_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    this.worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "parley-chat-routing");
              t.setDaemon(true);
              return t;
            });
    worker.execute(this::refreshCounts);
  }

  /** Runs {@code task} on the worker after {@code delay} of the node's clock. */
  void later(Duration delay, Runnable task) {
    if (!closed) {
      node.clock()
          .schedule(
              delay,
              () -> {
                if (!closed) {
                  worker.execute(task);
                }
              });
    }
  }

  /** An agent logged in on {@code session}: it watches its sites' queues and gets what waits. */
  void agentOnline(Session session, Agent agent) {
    for (String site : agent.sites()) {
      session.joinTrusted(ConversationLifecycle.AGENTS_TOPIC + site, null);
      // What the agent needs at once: the queue and its own conversations.
      CompletableFuture<List<ChatConversation>> mine =
          conversations
              .list(site, ConversationStatus.QUEUED)
              .thenCombine(
                  conversations.list(site, ConversationStatus.ASSIGNED),
                  (queued, assigned) -> {
                    List<ChatConversation> out = new ArrayList<>(queued);
                    assigned.stream().filter(c -> agent.user().equals(c.agent())).forEach(out::add);
                    return out;
                  });
      session
          .loop()
          .then(
              mine,
              null,
              SessionLoop.OnFailure.LOG_ONLY,
              list -> {
                for (ChatConversation c : list) {
                  session.push(lifecycle.agentView(c));
                }
              });
      assignSoon(site);
    }
  }

  /** An agent's session ended: a reload is not leaving, so wait out the grace, then re-queue. */
  void agentSessionClosed(String user) {
    later(config.agentOfflineGrace(), () -> agentMaybeGone(user));
  }

  private void agentMaybeGone(String user) {
    Agent agent = directory.agent(user);
    if (agent == null) {
      return;
    }
    try {
      requeueIfGone(user, agent);
    } catch (RuntimeException e) {
      log.warn("re-queueing the conversations of {} failed; retrying", user, e);
      later(Duration.ofSeconds(1), () -> agentMaybeGone(user));
    }
  }

  /**
   * Worker thread: for each of {@code agent}'s sites where it is not online, moves its
   * conversations back to the queue. A move already made is lost the next time (a compare-and-set),
   * so trying again is safe.
   */
  private void requeueIfGone(String user, Agent agent) {
    for (String site : agent.sites()) {
      if (onlineAgents(site).contains(user)) {
        continue;
      }
      for (ChatConversation c : await(conversations.list(site, ConversationStatus.ASSIGNED))) {
        if (user.equals(c.agent())) {
          awaitMove(
              lifecycle.move(
                  c,
                  ConversationStatus.ASSIGNED,
                  ConversationStatus.QUEUED,
                  null,
                  Localized.of("agentGone", "agent", agent.name())));
        }
      }
      assignSoon(site);
    }
  }

  /** {@code c} went to the queue: time the first agent response, assign soon. */
  void queued(ChatConversation c) {
    queuedAt.put(c.id(), node.clock().nanoTime());
    assignSoon(c.site());
  }

  /** An agent wrote in {@code conv}: the first agent response, if the visitor was waiting. */
  void agentSpoke(String conv) {
    Long since = queuedAt.remove(conv);
    if (since != null) {
      metrics.firstAgentResponse(node.clock().nanoTime() - since);
    }
  }

  /**
   * Gives {@code c} (status {@code from}) to {@code agent}: an answer streaming there is frozen
   * ({@code interrupted}) and the bot's unsure count forgotten. Completes with whether it moved.
   */
  CompletableFuture<Boolean> assign(ChatConversation c, ConversationStatus from, Agent agent) {
    return lifecycle
        .move(
            c,
            from,
            ConversationStatus.ASSIGNED,
            agent.user(),
            Localized.of("joined", "agent", agent.name()))
        .thenApply(
            moved -> {
              if (moved.isPresent()) {
                leftTheBot(c.id());
              }
              return moved.isPresent();
            });
  }

  /**
   * {@code c} (as it was before it moved) left its agent, if it had one: resolved, back to the bot,
   * transferred or closed. Passes for its site and for every other site of that agent, whose room
   * it freed (an agent's capacity counts the conversations of all their sites).
   */
  void freed(ChatConversation c) {
    assignSoon(c.site());
    Agent a = directory.agent(c.agent());
    if (a != null) {
      a.sites().forEach(this::assignSoon);
    }
  }

  /**
   * Conversation {@code conv} left the bot (to an agent, or resolved by one): an answer streaming
   * there is frozen ({@code interrupted}) and the bot's unsure count forgotten.
   */
  void leftTheBot(String conv) {
    turns.stop(conv, null, "interrupted");
    handoffRule.reset(conv);
  }

  /**
   * Schedules an assignment pass for {@code site} on the worker thread, unless one is queued there
   * and not started yet (it will see what this one would: requests and retries during an outage do
   * not pile up).
   */
  void assignSoon(String site) {
    if (!closed && passQueued.add(site)) {
      worker.execute(
          () -> {
            passQueued.remove(site);
            assignPass(site);
          });
    }
  }

  /** Agents of {@code site} online on any node. Worker thread (blocks on the shared state). */
  private List<String> onlineAgents(String site) {
    return await(places.onlineAgents(site));
  }

  /**
   * Worker thread: {@code step}'s answer, waited for at most {@link #STEP_WAIT} of the node's
   * clock; a {@link java.util.concurrent.CompletionException} if it failed or did not answer in
   * time (the step's work may still finish: every move is a compare-and-set, so a pass tried again
   * finds it made).
   */
  <T> T await(CompletableFuture<T> step) {
    return node.clock().within(step, STEP_WAIT, ForkJoinPool.commonPool()).join();
  }

  /**
   * Worker thread: a move's outcome, waited for at most {@link #MOVE_WAIT}: it completes once
   * announced, after its conversation's earlier moves (at most {@link ConversationTurns#TURN_WAIT})
   * and its own steps.
   */
  <T> T awaitMove(CompletableFuture<T> move) {
    return node.clock().within(move, MOVE_WAIT, ForkJoinPool.commonPool()).join();
  }

  /** Worker thread: assigns what can be assigned, then tells the queued whose place changed. */
  private void assignPass(String site) {
    AssignClaim claim =
        new AssignClaim(node.sharedState(), node.clock(), this::await, site, nodeId);
    try {
      if (!claim.take()) {
        later(Duration.ofMillis(300), () -> assignSoon(site)); // another node is assigning
        return;
      }
      try {
        List<String> online = onlineAgents(site);
        Map<String, Integer> load = load(site, online);
        List<ChatConversation> queued =
            new ArrayList<>(await(conversations.list(site, ConversationStatus.QUEUED)));
        Site s = directory.site(site); // null: disabled, or gone from the configuration
        boolean open = s != null && s.hours().isOpen(Instant.ofEpochMilli(node.clock().millis()));
        while (open && !queued.isEmpty()) {
          if (!claim.keep()) {
            log.info("assignment pass for {} lost its claim; starting again", site);
            later(Duration.ofMillis(300), () -> assignSoon(site));
            return; // the fresh pass counts again, and tells the places
          }
          Optional<Agent> next = pick.next(online, load);
          if (next.isEmpty()) {
            break;
          }
          ChatConversation c = queued.remove(0);
          claim.moved();
          if (awaitMove(assign(c, ConversationStatus.QUEUED, next.get()))) {
            load.merge(next.get().user(), 1, Integer::sum);
          }
        }
        for (int i = 0; i < queued.size(); i++) {
          ChatConversation c = queued.get(i);
          QueuePlaces.Place place = places.place(site, i + 1, online.size());
          if (places.announce(c.id(), place)) {
            lifecycle.publish(c, place);
          }
        }
      } finally {
        claim.release();
      }
    } catch (RuntimeException e) {
      log.warn("assignment pass for {} failed; retrying", site, e);
      later(Duration.ofSeconds(1), () -> assignSoon(site));
    }
  }

  /**
   * Worker thread: the conversations assigned to each agent, counted on {@code site} and on every
   * other site one of its {@code online} agents serves: an agent's capacity is theirs, whichever
   * sites their conversations come from. (A pass holds only its own site's claim, so two nodes'
   * passes for two sites of one agent may still each give them one at the same moment.)
   */
  private Map<String, Integer> load(String site, List<String> online) {
    Set<String> sites = new TreeSet<>(List.of(site));
    for (String user : online) {
      Agent a = directory.agent(user);
      if (a != null) {
        sites.addAll(a.sites());
      }
    }
    Map<String, Integer> load = new HashMap<>();
    for (String s : sites) {
      for (ChatConversation c : await(conversations.list(s, ConversationStatus.ASSIGNED))) {
        load.merge(c.agent(), 1, Integer::sum);
      }
    }
    return load;
  }

  /** Queued conversations per site (refreshed every 5 s). */
  Map<String, Integer> queueLengths() {
    return queueLengths;
  }

  /** Conversations per status over all sites (refreshed every 5 s). */
  Map<ConversationStatus, Integer> statusCounts() {
    return statusCounts;
  }

  /** Worker thread: recounts the queue and the statuses for the gauges, then again in 5 s. */
  private void refreshCounts() {
    recount();
    later(COUNT_EVERY, this::refreshCounts);
  }

  /**
   * Recounts the queue and the statuses for the gauges now. Blocks on the store: not on an event
   * loop.
   */
  void recount() {
    try {
      Map<String, Integer> queues = new HashMap<>();
      Map<ConversationStatus, Integer> counts = new EnumMap<>(ConversationStatus.class);
      for (ConversationStatus st : ConversationStatus.values()) {
        counts.put(st, 0);
      }
      for (String site : directory.siteIds()) {
        for (ConversationStatus st : ConversationStatus.values()) {
          int n = await(conversations.list(site, st)).size();
          counts.merge(st, n, Integer::sum);
          if (st == ConversationStatus.QUEUED) {
            queues.put(site, n);
          }
        }
      }
      queueLengths = Map.copyOf(queues);
      statusCounts = Map.copyOf(counts);
    } catch (RuntimeException e) {
      log.debug("could not refresh chat counts", e);
    }
  }

  /**
   * Waits until the work queued on the routing thread so far has run. For tests; not on an event
   * loop.
   */
  void awaitIdle() {
    try {
      worker.submit(() -> {}).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the routing thread did not get to it", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    worker.shutdownNow();
  }
}
