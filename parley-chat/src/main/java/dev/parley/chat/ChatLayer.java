package dev.parley.chat;

import dev.parley.core.Authorizer;
import dev.parley.core.Extension;
import dev.parley.core.HandshakePolicy;
import dev.parley.core.Node;
import dev.parley.core.NodeClock;
import dev.parley.core.PresencePolicy;
import dev.parley.core.SharedState;
import dev.parley.core.WindowPolicy;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The chat product, assembled: its parts ({@link ChatAccess}, {@link VisitorFlow}, {@link
 * AgentRouting}, {@link AgentDesk}, {@link ConversationLifecycle}, {@link BotTurns}) over the
 * {@link Conversations} they share, and the three faces it shows the core — {@link #extension()},
 * {@link #authorizer()} and {@link #handshakePolicy()}.
 *
 * <p>Build it, give its faces to {@code Node.builder()}, build the node, then {@link #attach} it:
 * the parts that publish and store need the node. Thread-safe once attached; {@link #close()} stops
 * its threads.
 */
public final class ChatLayer implements AutoCloseable {
  private final Directory directory;
  private final Conversations conversations;
  private final ChatConfig config;
  private final Function<Site, Bot> bots;
  private final ChatStore store;
  private volatile Ratings ratings;
  private final ChatAccess access;
  private final ProxyAuthorization proxies;
  private final ChatExtension extension = new ChatExtension(this);

  /** Where integration events go; set before {@link #attach}. */
  private volatile IntegrationEvents events = IntegrationEvents.NONE;

  /** The event webhooks' delivery log, which data protection also erases; set before attach. */
  private volatile DeliveryStore deliveries;

  private volatile DataProtection dataProtection;

  /** Deletes conversations past their site's retention period; set by {@link #attach}. */
  private volatile RetentionSweep retention;

  /** Away mail's store, port and limits; set before {@link #attach}. */
  private volatile MailStore mailStore = new InMemoryMailStore();

  private volatile MailPort mailPort = MailPort.NONE;

  /** Where visitors' contexts and pre-chat answers are kept; set before {@link #attach}. */
  private volatile VisitorContextStore contextStore = new InMemoryVisitorContextStore();

  private volatile VisitorContexts visitors;
  private volatile MailPolicy mailPolicy = MailPolicy.defaults();
  private volatile AwayMail mail;

  /** Uploaded files' bytes and records; set before {@link #attach}. */
  private volatile FileStore fileStore;

  private volatile FileRecords fileRecords = new InMemoryFileRecords();
  private volatile ConversationFiles files;

  private volatile EventFeed feed;
  private volatile BotTurns turns;
  private volatile AgentRouting routing;
  private volatile VisitorFlow flow;
  private volatile AgentDesk desk;

  /**
   * @param shared the node's shared state (the conversations' status cache lives there)
   * @param clock the node's clock
   */
  public ChatLayer(
      ChatStore store,
      Directory directory,
      Function<Site, Bot> bots,
      ChatConfig config,
      SharedState shared,
      NodeClock clock) {
    this.store = store;
    this.directory = directory;
    this.bots = bots;
    this.config = config;
    this.conversations = new Conversations(store, shared, clock);
    this.proxies = new ProxyAuthorization(directory, clock);
    this.access = new ChatAccess(directory, conversations, config, proxies);
  }

  /**
   * Asks the application's backend through {@code port} where a namespace has a proxy ({@link
   * NamespaceProxy}); call before {@link #attach}. By default none is reachable, so such a
   * namespace's joins and sends are refused {@code proxy_unavailable} (fail closed).
   */
  public ChatLayer channelProxy(ChannelProxy port) {
    proxies.port(port);
    return this;
  }

  /**
   * Sends the chat's integration events (conversation created, message created, handed off,
   * assigned, resolved) to {@code port}; call before {@link #attach}. None go anywhere by default.
   */
  public ChatLayer integrationEvents(IntegrationEvents port) {
    this.events = port;
    return this;
  }

  /**
   * The event webhooks' delivery log: erasing a visitor or deleting a conversation deletes its
   * deliveries there too. Call before {@link #attach}; none by default.
   */
  public ChatLayer deliveries(DeliveryStore log) {
    this.deliveries = log;
    return this;
  }

  /**
   * Sends away mail through {@code port}, queued in {@code store} within {@code policy}'s limits;
   * call before {@link #attach}. No mail by default.
   */
  public ChatLayer mail(MailStore store, MailPort port, MailPolicy policy) {
    this.mailStore = store;
    this.mailPort = port;
    this.mailPolicy = policy;
    return this;
  }

  /**
   * Keeps visitors' contexts and pre-chat answers in {@code store}; call before {@link #attach}. In
   * memory by default.
   */
  public ChatLayer visitorContexts(VisitorContextStore store) {
    this.contextStore = store;
    return this;
  }

  /**
   * Keeps uploaded files' bytes in {@code store} and their records in {@code records}; call before
   * {@link #attach}. By default both are in memory.
   */
  public ChatLayer files(FileStore store, FileRecords records) {
    this.fileStore = store;
    this.fileRecords = records;
    return this;
  }

  /** Starts the parts that need {@code node}; call once, right after building it. */
  public void attach(Node node, ChatMetrics metrics) {
    proxies.metrics(metrics);
    directory.onAgentsReplaced(new AccessRevocation(node)::agentsReplaced);
    WaitEstimate estimate = new WaitEstimate(config.averageHandleTime());
    QueuePlaces places = new QueuePlaces(node, directory, conversations, estimate);
    this.mail =
        new AwayMail(node, directory, conversations, places, mailStore, mailPort, mailPolicy);
    mail.start();
    EventFeed feed = new EventFeed(events, conversations, node.clock(), mail);
    this.feed = feed;
    VisitorLanguages languages = new VisitorLanguages(node);
    ConversationLifecycle lifecycle =
        new ConversationLifecycle(node, conversations, directory, places, feed, languages);
    HandoffRule handoffRule = new HandoffRule();
    this.turns = new BotTurns(node, node.config().typingTtl(), metrics, feed::messageStored);
    this.routing =
        new AgentRouting(
            node, directory, conversations, lifecycle, turns, handoffRule, places, config, metrics);
    ConversationOpener opener =
        new ConversationOpener(node, directory, conversations, config, feed);
    access.opener(opener);
    InactivitySweep sweep =
        new InactivitySweep(node, directory, conversations, lifecycle, routing, places, config);
    this.visitors =
        new VisitorContexts(node, directory, conversations, store, contextStore, opener);
    this.flow =
        new VisitorFlow(
            node,
            directory,
            conversations,
            lifecycle,
            routing,
            turns,
            handoffRule,
            bots,
            opener,
            sweep,
            mail,
            visitors,
            languages);
    sweep.start();
    this.desk = new AgentDesk(node, directory, conversations, lifecycle, routing, estimate);
    this.ratings = new Ratings(node, store, conversations, lifecycle);
    this.files =
        new ConversationFiles(
            fileStore != null ? fileStore : new InMemoryFileStore(),
            fileRecords,
            conversations,
            directory,
            opener);
    this.dataProtection =
        new DataProtection(
            store,
            conversations,
            node.store(),
            deliveries,
            mailStore,
            contextStore,
            files,
            DataProtection.MAX_EXPORT_MESSAGES);
    RetentionSweep retention =
        new RetentionSweep(node, directory, store, dataProtection, RetentionSweep.BATCH);
    this.retention = retention;
    retention.start();
  }

  /** Exports and erases visitors' data, deletes conversations. */
  public DataProtection dataProtection() {
    return dataProtection;
  }

  /** The conversations' uploaded files. */
  public ConversationFiles files() {
    return files;
  }

  /** Visitors' ratings of resolved conversations. */
  public Ratings ratings() {
    return ratings;
  }

  /** The retention sweep; for tests. */
  RetentionSweep retention() {
    return Objects.requireNonNull(retention, "not attached");
  }

  /** The agents' visitor panels: what is known of the visitor of a conversation. */
  public VisitorContexts visitors() {
    return visitors;
  }

  AwayMail mail() {
    return mail;
  }

  /** The core's extension: sessions, messages and chat commands come in here. */
  public Extension extension() {
    return extension;
  }

  /** Who may join which conversation: {@link ChatAccess}, behind the {@link ServerChannels}. */
  public Authorizer authorizer() {
    return ServerChannels.guarding(access);
  }

  /**
   * Where presence is kept and users coming and going are announced: chat conversations, their
   * notes and the agents' topics always (the widget and the console show who is there); a
   * namespace's channels as the namespace says ({@code presence}, {@code joinLeaveEvents}, read at
   * each change so an edited namespace applies at once); other channels keep presence and announce
   * only when {@code channelEvents} (off by default: a crowd joining would cost every subscriber an
   * event per joiner; their presence is still counted and listed on demand). The {@link
   * ServerChannels} keep presence count only: a node reads whether anyone listens, and nobody reads
   * who (their joiners are admins and the holders of a grant, an embedded board among them).
   */
  public PresencePolicy presencePolicy(boolean channelEvents) {
    return new PresencePolicy() {
      @Override
      public boolean announces(String conv) {
        if (ChatConversation.isChat(conv)
            || Notes.isNotes(conv)
            || conv.startsWith(ConversationLifecycle.AGENTS_TOPIC)) {
          return true;
        }
        if (ServerChannels.isServerChannel(conv)) {
          return false;
        }
        Namespace ns = directory.namespace(Namespace.nameOf(conv));
        return ns != null ? ns.joinLeaveEvents() : channelEvents;
      }

      @Override
      public boolean tracks(String conv) {
        Namespace ns = directory.namespace(Namespace.nameOf(conv));
        return ns == null || ns.presence();
      }

      @Override
      public boolean lists(String conv) {
        return !ServerChannels.isServerChannel(conv);
      }
    };
  }

  /**
   * Which channels are ephemeral streams: those of a namespace with {@code durability: ephemeral},
   * with its history window (read at each send and join, so an edited namespace applies to the next
   * ones), and the {@link ServerChannels} with theirs; chat conversations, their notes, the agents'
   * topics and open channels stay durable.
   */
  public WindowPolicy windowPolicy() {
    return conv -> {
      if (ServerChannels.isServerChannel(conv)) {
        return ServerChannels.WINDOW;
      }
      Namespace ns = directory.namespace(Namespace.nameOf(conv));
      return ns == null ? null : ns.window();
    };
  }

  /** Who may open a connection. */
  public HandshakePolicy handshakePolicy() {
    return access;
  }

  /** The operations agents use, over WebSocket and REST. */
  public AgentDesk desk() {
    return desk;
  }

  /** The sites and agents. */
  public Directory directory() {
    return directory;
  }

  /** The answers streaming on this node. */
  public BotTurns turns() {
    return turns;
  }

  /** Queued conversations per site (refreshed every 5 s). */
  public Map<String, Integer> queueLengths() {
    return routing.queueLengths();
  }

  /** Conversations per status over all sites (refreshed every 5 s). */
  public Map<ConversationStatus, Integer> statusCounts() {
    return routing.statusCounts();
  }

  /**
   * Recounts the figures of {@link #queueLengths} and {@link #statusCounts} now. Blocks: not on an
   * event loop.
   */
  public void refreshCounts() {
    routing.recount();
  }

  /**
   * Waits until the routing thread has done what was queued on it (assignment passes, sweeps). For
   * tests.
   */
  void routingIdle() {
    routing.awaitIdle();
  }

  EventFeed feed() {
    return feed;
  }

  ChatAccess access() {
    return access;
  }

  ProxyAuthorization proxies() {
    return proxies;
  }

  AgentRouting routing() {
    return routing;
  }

  VisitorFlow flow() {
    return flow;
  }

  @Override
  public void close() {
    RetentionSweep r = retention;
    if (r != null) {
      r.close();
    }
    AwayMail m = mail;
    if (m != null) {
      m.close();
    }
    if (routing != null) {
      routing.close();
    }
    if (turns != null) {
      turns.close();
    }
    if (files != null) {
      files.close();
    }
    store.close();
  }
}
