package dev.parley.chat;

import dev.parley.core.AppendRequest;
import dev.parley.core.Authorizer;
import dev.parley.core.BrokerEvent;
import dev.parley.core.Extension;
import dev.parley.core.Node;
import dev.parley.core.Principal;
import dev.parley.core.Session;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Push;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat layer as the core sees it: its {@link Extension} and its {@link Authorizer}.
 *
 * <ul>
 *   <li>Visitors: {@code hello} with a site opens (or finds) their conversation, greets it and
 *       joins them to it. A message in a {@code bot} conversation gets a streamed bot answer; one in
 *       a {@code resolved} conversation reopens it; asking for a human ({@code handoff}, common
 *       phrases, or two unsure bot answers in a row) queues it.
 *   <li>Agents: log in through {@code hello}; are joined to their sites' agent topics ({@code
 *       agents:<site>}: queue updates, and presence = availability, across nodes); {@code accept},
 *       {@code transfer}, {@code resolve}. Queued conversations are assigned automatically to the
 *       least loaded online agent with free capacity (ties rotate); an agent who stays offline past
 *       the grace period gets its conversations re-queued.
 *   <li>Authorization: a {@code chat_…} conversation is joinable by its visitor and the agents of
 *       its site; {@code agents:<site>} by those agents; other ids are open channels only when
 *       {@code openChannels} is on.
 * </ul>
 *
 * <p>Thread-safe. Extension methods run on event loops and only start asynchronous work.
 * Assignment passes run one at a time on this service's own thread, and across nodes under a
 * {@code SharedState} claim per site; every status move is a compare-and-set in the store.
 */
public final class ChatService implements Extension, Authorizer, dev.parley.core.HandshakePolicy, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChatService.class);
  private static final String AGENTS_TOPIC = "agents:";
  private static final Pattern ASKS_FOR_HUMAN = Pattern.compile(
      "\\b(human|real person|someone real|an? (agent|operator|person)|talk to (a |an )?(person|agent|someone)"
          + "|representative|customer service|support team)\\b", Pattern.CASE_INSENSITIVE);
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEEE HH:mm z");

  /**
   * Settings of the chat layer.
   *
   * @param requireToken whether every handshake must carry a token (401 otherwise)
   * @param requireOrigin whether a handshake without an Origin header (not a browser) is refused (403)
   */
  public record Config(boolean openChannels, Duration agentOfflineGrace, Duration averageHandleTime,
      boolean requireToken, boolean requireOrigin) {
    public static Config defaults() {
      return new Config(true, Duration.ofSeconds(20), Duration.ofMinutes(3), false, false);
    }
  }

  private final ChatStore store;
  private final Map<String, Site> sites;
  private final Map<String, Agent> agents;
  private final Function<Site, Bot> bots;
  private final Config config;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final String nodeId;
  private final ScheduledExecutorService worker;

  /** Unsure bot answers in a row, per conversation (this node's view). */
  private final ConcurrentHashMap<String, Integer> unsure = new ConcurrentHashMap<>();

  /** When a conversation was queued, until an agent first speaks in it (this node's view). */
  private final ConcurrentHashMap<String, Long> queuedAt = new ConcurrentHashMap<>();

  /** Queued conversations per site and conversations per status, refreshed every 5 s. */
  private volatile Map<String, Integer> queueLengths = Map.of();
  private volatile Map<ConversationStatus, Integer> statusCounts = Map.of();

  private volatile ChatMetrics metrics = ChatMetrics.NONE;

  /** The visitor's latest mood, per conversation (this node's view). */
  private final ConcurrentHashMap<String, Double> mood = new ConcurrentHashMap<>();

  /** Ties between equally loaded agents rotate from here. Worker thread only. */
  private int rotation;

  private volatile Node node;
  private volatile BotTurns turns;

  public ChatService(ChatStore store, Map<String, Site> sites, Map<String, Agent> agents, Function<Site, Bot> bots,
      Config config, Clock clock) {
    this.store = store;
    this.sites = Map.copyOf(sites);
    this.agents = Map.copyOf(agents);
    this.bots = bots;
    this.config = config;
    this.clock = clock;
    byte[] b = new byte[6];
    random.nextBytes(b);
    this.nodeId = "node_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "parley-chat-assign");
      t.setDaemon(true);
      return t;
    });
  }

  /** Connects to the node it extends (the node is built with this service, then attached). */
  public void attach(Node n) {
    attach(n, ChatMetrics.NONE);
  }

  /** Like {@link #attach(Node)}, reporting to {@code m}. */
  public void attach(Node n, ChatMetrics m) {
    this.node = n;
    this.metrics = m;
    this.turns = new BotTurns(n, n.config().typingTtl(), m);
    worker.scheduleWithFixedDelay(this::refreshCounts, 0, 5, TimeUnit.SECONDS);
  }

  /** Queued conversations per site (refreshed every 5 s). */
  public Map<String, Integer> queueLengths() {
    return queueLengths;
  }

  /** Conversations per status over all sites (refreshed every 5 s). */
  public Map<ConversationStatus, Integer> statusCounts() {
    return statusCounts;
  }

  /** Worker thread: recounts the queue and the statuses for the gauges. */
  public void refreshCounts() {
    try {
      Map<String, Integer> queues = new HashMap<>();
      Map<ConversationStatus, Integer> counts = new java.util.EnumMap<>(ConversationStatus.class);
      for (ConversationStatus st : ConversationStatus.values()) {
        counts.put(st, 0);
      }
      for (String site : sites.keySet()) {
        for (ConversationStatus st : ConversationStatus.values()) {
          int n = store.list(site, st).join().size();
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

  public BotTurns turns() {
    return turns;
  }

  public ChatStore store() {
    return store;
  }

  // ---- Authorizer ----

  @Override
  public CompletableFuture<Boolean> mayJoin(Principal principal, String conversation) {
    if (conversation.startsWith(AGENTS_TOPIC)) {
      return CompletableFuture.completedFuture(isAgentOf(principal, conversation.substring(AGENTS_TOPIC.length())));
    }
    if (!ChatConversation.isChat(conversation)) {
      return CompletableFuture.completedFuture(config.openChannels());
    }
    return store.find(conversation).thenApply(c -> c.isPresent()
        && (isVisitorOf(principal, c.get()) || isAgentOf(principal, c.get().site())));
  }

  private static boolean isVisitorOf(Principal p, ChatConversation c) {
    return p.role().equals("visitor") && p.user().equals(c.visitor()) && c.site().equals(p.site());
  }

  private boolean isAgentOf(Principal p, String site) {
    Agent a = p.isStaff() ? agents.get(p.user()) : null;
    return a != null && a.sites().contains(site);
  }

  // ---- HandshakePolicy: origins ----

  /**
   * A browser page may connect when it comes from the server's own origin, or from an origin that
   * the site named in the URL allows (any site's, when the URL names none). Non-browsers (no
   * Origin) may connect unless {@code requireOrigin}; what they may do is up to their credentials.
   */
  @Override
  public boolean originAllowed(String origin, String site, String host) {
    if (origin == null) {
      return !config.requireOrigin();
    }
    if (sameOrigin(origin, host)) {
      return true;
    }
    if (site != null) {
      Site s = sites.get(site);
      return s != null && allows(s, origin);
    }
    return sites.values().stream().anyMatch(s -> allows(s, origin));
  }

  /** A handshake needs a token where the server requires one, or for a site without anonymous visitors. */
  @Override
  public boolean tokenRequired(String site) {
    if (config.requireToken()) {
      return true;
    }
    Site s = site == null ? null : sites.get(site);
    return s != null && !s.anonymousVisitors();
  }

  private static boolean allows(Site s, String origin) {
    return s.allowedOrigins().contains("*") || s.allowedOrigins().contains(origin);
  }

  private static boolean sameOrigin(String origin, String host) {
    if (host == null) {
      return false;
    }
    try {
      java.net.URI o = java.net.URI.create(origin);
      String authority = o.getPort() == -1 ? o.getHost() : o.getHost() + ":" + o.getPort();
      return authority != null && authority.equalsIgnoreCase(host);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  // ---- Extension: sessions ----

  @Override
  public void helloAccepted(Session session) {
    Principal p = session.principal();
    if (p.isStaff()) {
      agentOnline(session);
      return;
    }
    if (p.site() == null || !p.role().equals("visitor")) {
      return;
    }
    Site site = sites.get(p.site());
    if (site == null) {
      session.push(Push.Error.of(ErrorCode.INVALID_FIELD, "unknown site \"" + p.site() + "\"", null, null, "site"));
      return;
    }
    String origin = session.origin();
    if (origin != null && !allows(site, origin)) {
      // The handshake may have named no site (or the server's own origin): check the one named now.
      session.push(Push.Error.of(ErrorCode.FORBIDDEN, "origin " + origin + " may not open " + site.id() + "'s widget",
          null, null, "site"));
      return;
    }
    store.open(site.id(), p.user(), newConversationId(), clock.millis()).whenComplete((opened, err) -> {
      if (err != null) {
        log.warn("could not open a conversation for a visitor of {}", site.id(), err);
        session.push(Push.Error.of(ErrorCode.STORE_UNAVAILABLE, "could not open your conversation; reconnect",
            null, null, null));
        return;
      }
      ChatConversation c = opened.conversation();
      session.push(visitorView(c));
      if (opened.created()) {
        // Greet before the visitor does anything: the greeting is the conversation's first message.
        node.append(new AppendRequest(c.id(), BotTurns.BOT_USER, null, "bot", site.greeting(), clock.millis()))
            .whenComplete((a, e) -> session.execute(() -> session.joinTrusted(c.id(), 0L)));
      } else {
        session.execute(() -> session.joinTrusted(c.id(), 0L));
      }
    });
  }

  private void agentOnline(Session session) {
    Agent agent = agents.get(session.principal().user());
    if (agent == null) {
      return; // an admin from the identity provider with no agent account: no sites to watch
    }
    for (String site : agent.sites()) {
      session.joinTrusted(AGENTS_TOPIC + site, null);
      // What the agent needs at once: the queue and its own conversations.
      store.list(site, ConversationStatus.QUEUED)
          .thenCombine(store.list(site, ConversationStatus.ASSIGNED), (queued, assigned) -> {
            List<ChatConversation> out = new ArrayList<>(queued);
            assigned.stream().filter(c -> agent.user().equals(c.agent())).forEach(out::add);
            return out;
          })
          .thenAccept(list -> {
            for (ChatConversation c : list) {
              session.push(agentView(c, null, null));
            }
          });
      assignSoon(site);
    }
  }

  @Override
  public void sessionClosed(Session session) {
    Principal p = session.principal();
    if (!p.isStaff()) {
      return;
    }
    // A reload is not leaving: wait out the grace, then re-queue if the agent is really gone.
    worker.schedule(() -> agentMaybeGone(p.user()), config.agentOfflineGrace().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void agentMaybeGone(String user) {
    Agent agent = agents.get(user);
    for (String site : agent.sites()) {
      if (onlineAgents(site).contains(user)) {
        continue;
      }
      for (ChatConversation c : store.list(site, ConversationStatus.ASSIGNED).join()) {
        if (user.equals(c.agent())) {
          move(c, ConversationStatus.ASSIGNED, ConversationStatus.QUEUED, null,
              agent.name() + " is no longer available. You're back in the queue; another agent will join.").join();
        }
      }
      assignSoon(site);
    }
  }

  // ---- Extension: messages ----

  @Override
  public void messageStored(Session session, StoredMessage m) {
    if (!ChatConversation.isChat(m.conversation())) {
      return;
    }
    if (session.principal().isStaff()) {
      agentSpoke(m.conversation());
      return;
    }
    if (!session.principal().role().equals("visitor")) {
      return;
    }
    store.find(m.conversation()).thenAccept(found -> found.ifPresent(c -> visitorSaid(c, m)));
  }

  private void visitorSaid(ChatConversation c, StoredMessage m) {
    Site site = sites.get(c.site());
    if (site == null) {
      return;
    }
    double score = Sentiment.score(m.text());
    mood.put(c.id(), score);
    if (c.status() == ConversationStatus.QUEUED || c.status() == ConversationStatus.ASSIGNED) {
      publishToAgents(c, null, null);
    }
    boolean wantsHuman = ASKS_FOR_HUMAN.matcher(m.text()).find();
    switch (c.status()) {
      case BOT -> {
        if (wantsHuman) {
          handoff(c, "You asked for a person.");
        } else {
          ask(site, c, m);
        }
      }
      case RESOLVED -> move(c, ConversationStatus.RESOLVED, ConversationStatus.BOT, null,
          "The conversation was reopened.").thenAccept(moved -> {
            if (moved) {
              ChatConversation reopened = c.withStatus(ConversationStatus.BOT, null);
              if (wantsHuman) {
                handoff(reopened, "You asked for a person.");
              } else {
                ask(site, reopened, m);
              }
            }
          });
      default -> { } // queued or assigned: people answer, the bot stays quiet
    }
  }

  private void ask(Site site, ChatConversation c, StoredMessage m) {
    CompletableFuture.supplyAsync(() -> node.store().readBefore(c.id(), m.seq(), 20), node.store().readExecutor())
        .exceptionally(e -> List.of())
        .thenAccept(history -> turns.start(bots.apply(site), new Bot.Question(site, c.id(), m.text(), history),
            result -> afterAnswer(c, result)));
  }

  private void afterAnswer(ChatConversation c, Bot.Result result) {
    if (!result.offerHuman()) {
      unsure.remove(c.id());
      return;
    }
    if (unsure.merge(c.id(), 1, Integer::sum) >= 2) {
      unsure.remove(c.id());
      store.find(c.id()).thenAccept(now -> now.filter(x -> x.status() == ConversationStatus.BOT)
          .ifPresent(x -> handoff(x, "The bot could not help twice in a row.")));
    }
  }

  /** BOT → QUEUED, then assignment. */
  private CompletableFuture<Boolean> handoff(ChatConversation c, String why) {
    Site site = sites.get(c.site());
    String text = why + " You're in the queue; an agent will join shortly.";
    if (!site.hours().isOpen(clock.instant())) {
      text = why + " Our team is away right now; we'll answer from " + WHEN.format(site.hours().nextOpening(clock.instant()))
          + ". Stay in the queue and we'll reply here.";
    }
    return move(c, ConversationStatus.BOT, ConversationStatus.QUEUED, null, text).thenApply(moved -> {
      if (moved) {
        queuedAt.put(c.id(), System.nanoTime());
        turns.stop(c.id(), null, "stopped");
        assignSoon(c.site());
      }
      return moved;
    });
  }

  // ---- Extension: commands ----

  @Override
  public boolean command(Session session, Command command) {
    Principal p = session.principal();
    switch (command) {
      case Command.Stop s -> {
        if (!session.hasJoined(s.conv())) {
          reject(session, ErrorCode.NOT_JOINED, "join " + s.conv() + " first", s.ref(), "conv");
        } else if (!turns.stop(s.conv(), s.answer(), "stopped")) {
          reject(session, ErrorCode.INVALID_FIELD, "no answer " + s.answer() + " is streaming", s.ref(), "answer");
        }
        return true;
      }
      case Command.Handoff h -> {
        withConversation(session, h.conv(), h.ref(), c -> {
          if (!isVisitorOf(p, c)) {
            reject(session, ErrorCode.FORBIDDEN, "only the visitor asks for a human", h.ref(), "conv");
          } else if (c.status() != ConversationStatus.BOT) {
            reject(session, ErrorCode.INVALID_FIELD, "the conversation is " + c.status().wire(), h.ref(), "conv");
          } else {
            handoff(c, "You asked for a person.");
          }
        });
        return true;
      }
      case Command.Accept a -> {
        reply(session, a.ref(), accept(p, a.conv()));
        return true;
      }
      case Command.Transfer t -> {
        reply(session, t.ref(), transfer(p, t.conv(), t.to()));
        return true;
      }
      case Command.Resolve r -> {
        reply(session, r.ref(), resolve(p, r.conv()));
        return true;
      }
      case Command.BackToBot b -> {
        reply(session, b.ref(), backToBot(p, b.conv()));
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  private void reject(Session s, ErrorCode code, String message, String ref, String field) {
    s.push(Push.Error.of(code, message, null, ref, field));
  }

  private void withConversation(Session s, String conv, String ref, java.util.function.Consumer<ChatConversation> then) {
    if (!ChatConversation.isChat(conv)) {
      reject(s, ErrorCode.INVALID_FIELD, conv + " is not a chat conversation", ref, "conv");
      return;
    }
    store.find(conv).whenComplete((c, err) -> {
      if (err != null) {
        reject(s, ErrorCode.STORE_UNAVAILABLE, "try again", ref, null);
      } else if (c.isEmpty()) {
        reject(s, ErrorCode.FORBIDDEN, "no such conversation", ref, "conv");
      } else {
        then.accept(c.get());
      }
    });
  }

  /** What an agent operation did: {@link #OK}, or the error to answer with. */
  public record Outcome(ErrorCode error, String message, String field) {
    public static final Outcome OK = new Outcome(null, null, null);

    public boolean ok() {
      return error == null;
    }

    static Outcome of(ErrorCode e, String m, String f) {
      return new Outcome(e, m, f);
    }
  }

  private void reply(Session s, String ref, CompletableFuture<Outcome> outcome) {
    outcome.whenComplete((o, err) -> {
      if (err != null) {
        reject(s, ErrorCode.STORE_UNAVAILABLE, "try again", ref, null);
      } else if (!o.ok()) {
        reject(s, o.error(), o.message(), ref, o.field());
      }
    });
  }

  /** The agent behind {@code p}, or null. */
  public Agent agentOf(Principal p) {
    return p.isStaff() ? agents.get(p.user()) : null;
  }

  /** An agent's conversation of one of its sites, or the reason it is not. */
  private CompletableFuture<Object> agentsConversation(Principal p, String conv) {
    Agent agent = agentOf(p);
    if (agent == null) {
      return CompletableFuture.completedFuture(Outcome.of(ErrorCode.FORBIDDEN, "agents only", null));
    }
    if (!ChatConversation.isChat(conv)) {
      return CompletableFuture.completedFuture(Outcome.of(ErrorCode.INVALID_FIELD, conv + " is not a chat conversation", "conv"));
    }
    return store.find(conv).thenApply(c -> {
      if (c.isEmpty()) {
        return Outcome.of(ErrorCode.FORBIDDEN, "no such conversation", "conv");
      }
      if (!agent.sites().contains(c.get().site())) {
        return Outcome.of(ErrorCode.FORBIDDEN, "not a conversation of your sites", "conv");
      }
      return c.get();
    });
  }

  /** Agent {@code p} takes {@code conv} (queued, or still with the bot). */
  public CompletableFuture<Outcome> accept(Principal p, String conv) {
    return agentsConversation(p, conv).thenCompose(x -> {
      if (x instanceof Outcome o) {
        return CompletableFuture.completedFuture(o);
      }
      ChatConversation c = (ChatConversation) x;
      if (c.status() != ConversationStatus.QUEUED && c.status() != ConversationStatus.BOT) {
        return CompletableFuture.completedFuture(
            Outcome.of(ErrorCode.INVALID_FIELD, "the conversation is " + c.status().wire(), "conv"));
      }
      return assign(c, c.status(), agentOf(p)).thenApply(ok -> ok ? Outcome.OK
          : Outcome.of(ErrorCode.INVALID_FIELD, "someone else took it first", "conv"));
    });
  }

  /** Agent {@code p} hands its conversation {@code conv} to agent {@code to}. */
  public CompletableFuture<Outcome> transfer(Principal p, String conv, String toUser) {
    return agentsConversation(p, conv).thenCompose(x -> {
      if (x instanceof Outcome o) {
        return CompletableFuture.completedFuture(o);
      }
      ChatConversation c = (ChatConversation) x;
      Agent agent = agentOf(p);
      Agent to = agents.get(toUser);
      if (to == null || !to.sites().contains(c.site())) {
        return CompletableFuture.completedFuture(Outcome.of(ErrorCode.INVALID_FIELD, "no agent " + toUser + " on " + c.site(), "to"));
      }
      if (c.status() != ConversationStatus.ASSIGNED || !agent.user().equals(c.agent())) {
        return CompletableFuture.completedFuture(Outcome.of(ErrorCode.FORBIDDEN, "only the assigned agent transfers", "conv"));
      }
      return store.reassign(c.id(), agent.user(), to.user(), clock.millis()).thenCompose(ok -> {
        if (!ok) {
          return CompletableFuture.completedFuture(Outcome.of(ErrorCode.INVALID_FIELD, "it changed meanwhile", "conv"));
        }
        return announce(c.withStatus(ConversationStatus.ASSIGNED, to.user()),
            agent.name() + " transferred the conversation to " + to.name() + ".").thenApply(v -> Outcome.OK);
      });
    });
  }

  /** Agent {@code p} resolves {@code conv}. */
  public CompletableFuture<Outcome> resolve(Principal p, String conv) {
    return agentsConversation(p, conv).thenCompose(x -> {
      if (x instanceof Outcome o) {
        return CompletableFuture.completedFuture(o);
      }
      ChatConversation c = (ChatConversation) x;
      Agent agent = agentOf(p);
      if (c.status() == ConversationStatus.RESOLVED
          || (c.status() == ConversationStatus.ASSIGNED && !agent.user().equals(c.agent()))) {
        return CompletableFuture.completedFuture(Outcome.of(ErrorCode.FORBIDDEN, "not yours to resolve", "conv"));
      }
      return move(c, c.status(), ConversationStatus.RESOLVED, null, agent.name() + " resolved the conversation.")
          .thenApply(ok -> {
            assignSoon(c.site());
            return ok ? Outcome.OK : Outcome.of(ErrorCode.INVALID_FIELD, "it changed meanwhile", "conv");
          });
    });
  }

  /**
   * Back to the bot: the visitor of a queued conversation leaves the queue, or the assigned agent
   * hands the conversation back.
   */
  public CompletableFuture<Outcome> backToBot(Principal p, String conv) {
    if (!ChatConversation.isChat(conv)) {
      return CompletableFuture.completedFuture(Outcome.of(ErrorCode.INVALID_FIELD, conv + " is not a chat conversation", "conv"));
    }
    return store.find(conv).thenCompose(found -> {
      if (found.isEmpty()) {
        return CompletableFuture.completedFuture(Outcome.of(ErrorCode.FORBIDDEN, "no such conversation", "conv"));
      }
      ChatConversation c = found.get();
      Agent agent = agentOf(p);
      String text;
      if (isVisitorOf(p, c) && c.status() == ConversationStatus.QUEUED) {
        text = "You left the queue; the bot is back.";
      } else if (agent != null && c.status() == ConversationStatus.ASSIGNED && agent.user().equals(c.agent())) {
        text = agent.name() + " handed the conversation back to the bot.";
      } else {
        return CompletableFuture.completedFuture(Outcome.of(ErrorCode.FORBIDDEN,
            "only a queued visitor or the assigned agent sends it back to the bot", "conv"));
      }
      return move(c, c.status(), ConversationStatus.BOT, null, text).thenApply(ok -> {
        assignSoon(c.site());
        return ok ? Outcome.OK : Outcome.of(ErrorCode.INVALID_FIELD, "it changed meanwhile", "conv");
      });
    });
  }

  /**
   * Stores a message in {@code conv} from its assigned agent {@code p}. Completes with the stored
   * message, or fails with {@link IllegalStateException} carrying the outcome's message.
   */
  public CompletableFuture<Object> postAsAgent(Principal p, String conv, String cid, String text) {
    return agentsConversation(p, conv).thenCompose(x -> {
      if (x instanceof Outcome o) {
        return CompletableFuture.completedFuture(o);
      }
      ChatConversation c = (ChatConversation) x;
      if (c.status() != ConversationStatus.ASSIGNED || !p.user().equals(c.agent())) {
        return CompletableFuture.completedFuture(Outcome.of(ErrorCode.FORBIDDEN, "only the assigned agent writes here", "conv"));
      }
      return node.append(new AppendRequest(conv, p.user(), cid, "text", text, clock.millis()))
          .thenApply(a -> {
            agentSpoke(conv);
            return (Object) a.message();
          });
    });
  }

  /**
   * Stores an answer of the site's external (webhook) bot in {@code conv}, if the bot still has the
   * conversation. Completes with the stored message or an outcome.
   */
  public CompletableFuture<Object> postAsBot(String conv, String cid, String text) {
    return store.find(conv).thenCompose(c -> {
      if (c.isEmpty()) {
        return CompletableFuture.completedFuture(Outcome.of(ErrorCode.FORBIDDEN, "no such conversation", "conv"));
      }
      if (c.get().status() != ConversationStatus.BOT) {
        return CompletableFuture.completedFuture(Outcome.of(ErrorCode.INVALID_FIELD,
            "the conversation is " + c.get().status().wire() + ": the bot stays quiet", "conv"));
      }
      return node.append(new AppendRequest(conv, BotTurns.BOT_USER, cid, "bot", text, clock.millis()))
          .thenApply(a -> (Object) a.message());
    });
  }

  private void agentSpoke(String conv) {
    Long since = queuedAt.remove(conv);
    if (since != null) {
      metrics.firstAgentResponse(System.nanoTime() - since);
    }
  }

  /** Conversations of {@code site} with {@code status}. */
  public CompletableFuture<List<ChatConversation>> list(String site, ConversationStatus status) {
    return store.list(site, status);
  }

  /** The newest {@code limit} messages of {@code conv} below {@code before}, ascending. */
  public CompletableFuture<List<StoredMessage>> readBefore(String conv, long before, int limit) {
    return CompletableFuture.supplyAsync(() -> node.store().readBefore(conv, before, limit), node.store().readExecutor());
  }

  /** The visitor's latest mood in {@code conv}, as this node saw it, or null. */
  public Double moodOf(String conv) {
    return mood.get(conv);
  }

  public Map<String, Site> sites() {
    return sites;
  }

  // ---- status moves ----

  /**
   * Moves a conversation (compare-and-set), stores the system message that says so, and tells its
   * visitor and the site's agents. Completes with false if its status was no longer {@code from}.
   */
  public CompletableFuture<Boolean> move(ChatConversation c, ConversationStatus from, ConversationStatus to,
      String agent, String systemText) {
    if (!from.canMoveTo(to)) {
      return CompletableFuture.completedFuture(false);
    }
    return store.transition(c.id(), from, to, agent, clock.millis()).thenCompose(moved -> {
      if (!moved) {
        return CompletableFuture.completedFuture(false);
      }
      return announce(c.withStatus(to, agent), systemText).thenApply(v -> true);
    });
  }

  private CompletableFuture<Void> announce(ChatConversation c, String systemText) {
    node.publish(c.id(), BrokerEvent.ephemeral("system", null, 0, node.encode(visitorView(c))));
    publishToAgents(c, null, null);
    return node.append(new AppendRequest(c.id(), "system", null, "system", systemText, clock.millis()))
        .thenApply(a -> (Void) null);
  }

  private CompletableFuture<Boolean> assign(ChatConversation c, ConversationStatus from, Agent agent) {
    return move(c, from, ConversationStatus.ASSIGNED, agent.user(), agent.name() + " joined the conversation.")
        .thenApply(ok -> {
          if (ok) {
            // An agent taking over mid-answer freezes it; later pieces from the bot are refused.
            turns.stop(c.id(), null, "interrupted");
            unsure.remove(c.id());
          }
          return ok;
        });
  }

  private Push.Conversation visitorView(ChatConversation c) {
    Agent a = c.agent() == null ? null : agents.get(c.agent());
    return new Push.Conversation(c.id(), c.site(), c.status().wire(), a == null ? null : a.name());
  }

  private Push.Conversation agentView(ChatConversation c, Integer position, Integer wait) {
    Agent a = c.agent() == null ? null : agents.get(c.agent());
    return new Push.Conversation(c.id(), c.site(), c.status().wire(), a == null ? null : a.name(), c.agent(),
        c.visitor(), position, wait, mood.get(c.id()), null);
  }

  private void publishToAgents(ChatConversation c, Integer position, Integer wait) {
    node.publish(AGENTS_TOPIC + c.site(), BrokerEvent.ephemeral("system", null, 0, node.encode(agentView(c, position, wait))));
  }

  // ---- assignment ----

  /** Schedules an assignment pass for {@code site} on the worker thread. */
  public void assignSoon(String site) {
    worker.execute(() -> assignPass(site));
  }

  private List<String> onlineAgents(String site) {
    Map<String, String> present = node.sharedState().presence("conv:" + AGENTS_TOPIC + site).join();
    return present.values().stream().distinct().filter(u -> {
      Agent a = agents.get(u);
      return a != null && a.sites().contains(site);
    }).sorted().toList();
  }

  /** Worker thread: assigns what can be assigned, then tells the queued where they stand. */
  private void assignPass(String site) {
    String lock = "assign:" + site;
    try {
      if (!node.sharedState().claim(lock, nodeId, Duration.ofSeconds(10)).join()) {
        worker.schedule(() -> assignPass(site), 300, TimeUnit.MILLISECONDS); // another node is assigning
        return;
      }
      try {
        List<String> online = onlineAgents(site);
        Map<String, Integer> load = new HashMap<>();
        for (ChatConversation c : store.list(site, ConversationStatus.ASSIGNED).join()) {
          load.merge(c.agent(), 1, Integer::sum);
        }
        List<ChatConversation> queued = new ArrayList<>(store.list(site, ConversationStatus.QUEUED).join());
        boolean open = sites.get(site).hours().isOpen(clock.instant());
        while (open && !queued.isEmpty()) {
          Optional<Agent> pick = pickAgent(online, load);
          if (pick.isEmpty()) {
            break;
          }
          ChatConversation c = queued.remove(0);
          if (assign(c, ConversationStatus.QUEUED, pick.get()).join()) {
            load.merge(pick.get().user(), 1, Integer::sum);
          }
        }
        long freeAgents = Math.max(1, online.size());
        for (int i = 0; i < queued.size(); i++) {
          ChatConversation c = queued.get(i);
          int wait = (int) (config.averageHandleTime().toSeconds() * (i + 1) / freeAgents);
          node.publish(c.id(), BrokerEvent.ephemeral("system", null, 0, node.encode(new Push.Conversation(
              c.id(), c.site(), c.status().wire(), null, null, null, i + 1, wait, null,
              open ? null : "away until " + WHEN.format(sites.get(site).hours().nextOpening(clock.instant()))))));
          publishToAgents(c, i + 1, wait);
        }
      } finally {
        node.sharedState().release(lock, nodeId);
      }
    } catch (RuntimeException e) {
      log.warn("assignment pass for {} failed; retrying", site, e);
      worker.schedule(() -> assignPass(site), 1, TimeUnit.SECONDS);
    }
  }

  /** The least loaded online agent with free capacity; ties rotate so equals take turns. */
  private Optional<Agent> pickAgent(List<String> online, Map<String, Integer> load) {
    List<Agent> free = online.stream().map(agents::get)
        .filter(a -> load.getOrDefault(a.user(), 0) < a.capacity()).toList();
    if (free.isEmpty()) {
      return Optional.empty();
    }
    int least = free.stream().mapToInt(a -> load.getOrDefault(a.user(), 0)).min().orElse(0);
    List<Agent> best = free.stream().filter(a -> load.getOrDefault(a.user(), 0) == least)
        .sorted(Comparator.comparing(Agent::user)).toList();
    return Optional.of(best.get(Math.floorMod(rotation++, best.size())));
  }

  private String newConversationId() {
    byte[] b = new byte[12];
    random.nextBytes(b);
    return ChatConversation.ID_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The conversation, if it exists. */
  public CompletableFuture<Optional<ChatConversation>> find(String id) {
    return store.find(id);
  }

  @Override
  public void close() {
    worker.shutdownNow();
    if (turns != null) {
      turns.close();
    }
    store.close();
  }
}
