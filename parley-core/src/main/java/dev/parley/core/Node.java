package dev.parley.core;

import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The realtime core of one server process: it opens {@link Session}s for connections, stores
 * messages through the {@link MessageStore} and fans them out through the {@link Broker}.
 *
 * <p>Thread-safe. Build one per process with {@link #builder()}; close it after the transport.
 */
public final class Node implements AutoCloseable {
  private final NodeConfig config;
  private final MessageStore store;
  private final Broker broker;
  private final SharedState sharedState;
  private final Authenticator authenticator;
  private final Authorizer authorizer;
  private final CoreMetrics metrics;
  private final Extension extension;
  private final HandshakePolicy handshakePolicy;
  private final Codec codec;
  private final NodeClock clock;
  private final boolean ownsClock;
  private final LocalHub hub;
  private final PresencePolicy presencePolicy;
  private final PresenceEvents presenceEvents;
  private final WindowedStreams windowed;

  /** {@code hello}s per client address (a flood of new sessions from one address is refused). */
  private final KeyedBuckets hellos;

  private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  /** The presence renewal, rescheduled each round; replaced by the timer thread only. */
  private volatile NodeClock.Timer renewal;

  private volatile boolean closed;

  /** Sends accepted but not yet answered. Guarded by {@code drainLock}. */
  private int inFlight;

  private final Object drainLock = new Object();
  private volatile boolean draining;

  private Node(Builder b) {
    this.config = Objects.requireNonNull(b.config, "config");
    this.store = Objects.requireNonNull(b.store, "store");
    this.broker = Objects.requireNonNull(b.broker, "broker");
    this.sharedState = b.sharedState;
    this.authenticator = Objects.requireNonNull(b.authenticator, "authenticator");
    this.authorizer = b.authorizer;
    this.metrics = b.metrics;
    this.extension = b.extension;
    this.handshakePolicy = b.handshakePolicy;
    this.codec = b.codec != null ? b.codec : new Codec();
    this.ownsClock = b.clock == null;
    this.clock = b.clock != null ? b.clock : NodeClock.system();
    this.hub = new LocalHub(broker, metrics, clock);
    this.presencePolicy = b.presencePolicy;
    this.presenceEvents = new PresenceEvents(this);
    this.windowed = new WindowedStreams(this, b.windowPolicy, b.streamWindow);
    this.hellos = new KeyedBuckets(clock, config.helloRate(), config.helloBurst(), 100_000);
    scheduleRenewal();
  }

  /** Renews every session's presence every third of its time-to-live. Timer thread. */
  private void scheduleRenewal() {
    if (!closed) {
      renewal =
          clock.schedule(
              PresenceTracker.TTL.dividedBy(3),
              () -> {
                for (Session s : sessions.values()) {
                  s.renewPresence();
                }
                scheduleRenewal();
              });
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Opens a session for a new connection. Call on the connection's executor. */
  public Session open(Connection connection) {
    byte[] b = new byte[9];
    random.nextBytes(b);
    Session s =
        new Session(
            this, connection, "s_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    sessions.put(s.id(), s);
    metrics.sessionsChanged(sessions.size());
    return s;
  }

  /** Whether the node is draining: new sends are refused with {@code shutting_down}. */
  public boolean isDraining() {
    return draining;
  }

  /**
   * Starts draining and waits until every accepted send has been stored and answered, or until
   * {@code max} has passed. Blocks: call from a shutdown thread, never an event loop.
   *
   * @return true if nothing was left in flight
   */
  public boolean drain(Duration max) throws InterruptedException {
    draining = true;
    long deadline = System.nanoTime() + max.toNanos(); // real time: shutdown waits for real threads
    synchronized (drainLock) {
      while (inFlight > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(drainLock, left);
      }
    }
    return true;
  }

  void sendStarted() {
    synchronized (drainLock) {
      inFlight++;
    }
  }

  void sendFinished() {
    synchronized (drainLock) {
      if (--inFlight == 0) {
        drainLock.notifyAll();
      }
    }
  }

  /** Number of open sessions. */
  public int sessionCount() {
    return sessions.size();
  }

  /** Number of conversations this node is subscribed to. */
  public int subscribedConversations() {
    return hub.topicCount();
  }

  public MessageStore store() {
    return store;
  }

  public Broker broker() {
    return broker;
  }

  public SharedState sharedState() {
    return sharedState;
  }

  public NodeConfig config() {
    return config;
  }

  /** The codec of this node's wire types (the core's and the extension's). */
  public Codec codec() {
    return codec;
  }

  /** The {@code hello} limit per client address. */
  KeyedBuckets hellos() {
    return hellos;
  }

  /** The node's time: wall clock, monotonic clock, timers. */
  public NodeClock clock() {
    return clock;
  }

  LocalHub hub() {
    return hub;
  }

  /** Which conversations announce users coming and going. */
  PresencePolicy presencePolicy() {
    return presencePolicy;
  }

  PresenceEvents presenceEvents() {
    return presenceEvents;
  }

  public WindowedStreams windowed() {
    return windowed;
  }

  public Authenticator authenticator() {
    return authenticator;
  }

  Authorizer authorizer() {
    return authorizer;
  }

  /** What this node counts (the transport and the chat layer report here too). */
  public CoreMetrics metrics() {
    return metrics;
  }

  Extension extension() {
    return extension;
  }

  /** Who may open a connection (checked by the transport at the handshake). */
  public HandshakePolicy handshakePolicy() {
    return handshakePolicy;
  }

  /**
   * Sessions of {@code user} on this node (for the extension, e.g. to reach a user's connections).
   */
  public List<Session> sessionsOf(String user) {
    List<Session> out = new ArrayList<>();
    for (Session s : sessions.values()) {
      Principal p = s.principal();
      if (p != null && p.user().equals(user)) {
        out.add(s);
      }
    }
    return out;
  }

  void sessionClosed(Session s) {
    sessions.remove(s.id());
    metrics.sessionsChanged(sessions.size());
  }

  /**
   * Stores a message, publishes it, and completes once the broker has taken it (the ack waits for
   * that). Duplicates are published again too: if the node that first stored it died before
   * publishing, the resend is what tells the other nodes; subscribers drop a seq they already have.
   * An ephemeral stream's message goes to its window instead ({@link WindowedStreams}).
   */
  public CompletableFuture<Appended> append(AppendRequest request) {
    StreamWindow.Limits window = windowed.limitsOf(request.conversation());
    if (window != null) {
      return windowed.append(request, window);
    }
    // Published where the write completes, so publications keep the conversation's seq order.
    return store.append(request, this::published);
  }

  /** Publishes a stored message as {@link #append} does, completing with it once the broker has. */
  CompletableFuture<Appended> published(Appended a) {
    StoredMessage m = a.message();
    long start = clock.nanoTime();
    // The ack waits for the broker: a node that dies after acking has already told the others.
    return broker
        .publish(
            LocalHub.topicOf(m.conversation()),
            BrokerEvent.message(m.seq(), m.sender(), m.createdAtMillis(), encodeMessage(m)))
        .thenApply(
            v -> {
              metrics.brokerPublished(clock.nanoTime() - start);
              return a;
            });
  }

  /** Encodes an event once, for {@link #publish} or many sessions. Any thread. */
  public byte[] encode(Push p) {
    return codec.encode(p);
  }

  /**
   * Publishes an event on a conversation's topic to every node. An event with a state key first
   * updates that state in {@link SharedState} (so a joiner's snapshot is never older than the
   * events it will receive live). Any thread; never blocks.
   */
  public CompletableFuture<Void> publish(String conversation, BrokerEvent event) {
    String topic = LocalHub.topicOf(conversation);
    if (event.stateKey() == null) {
      return broker.publish(topic, event);
    }
    Duration ttl = Duration.ofMillis(event.ttlMillis());
    CompletableFuture<Void> state =
        event.appendState()
            ? sharedState.appendState(topic, event.stateKey(), event.frame(), ttl)
            : sharedState.putState(topic, event.stateKey(), event.frame(), ttl);
    return state.exceptionally(e -> null).thenCompose(v -> broker.publish(topic, event));
  }

  /**
   * Removes the ephemeral state {@code key} of {@code conversation} without an event. Any thread.
   */
  public CompletableFuture<Void> clearState(String conversation, String key) {
    return sharedState.putState(LocalHub.topicOf(conversation), key, new byte[0], Duration.ZERO);
  }

  /** The {@code message} event of a stored message, encoded. Any thread. */
  public byte[] encodeMessage(StoredMessage m) {
    return codec.encode(toPush(m));
  }

  /** The {@code message} event of a stored message. */
  public static Push.Message toPush(StoredMessage m) {
    return new Push.Message(
        m.conversation(),
        m.seq(),
        m.id(),
        m.sender(),
        m.kind(),
        m.text(),
        m.createdAtMillis(),
        m.cid(),
        m.status(),
        m.meta());
  }

  /** How long a failed store read waits before it is tried again. */
  static final Duration RETRY_DELAY = Duration.ofMillis(500);

  /** Runs {@code task} on {@code executor} after a short back-off (a failed store read). */
  void retryLater(Executor executor, Runnable task) {
    clock.schedule(RETRY_DELAY, () -> executor.execute(task));
  }

  @Override
  public void close() {
    closed = true;
    NodeClock.Timer r = renewal;
    if (r != null) {
      r.cancel();
    }
    windowed.window().close();
    if (ownsClock) {
      clock.close();
    }
  }

  /** Builds a {@link Node}. Store, broker and authenticator are required. */
  public static final class Builder {
    private NodeConfig config = NodeConfig.defaults();
    private MessageStore store;
    private Broker broker;
    private SharedState sharedState = new InMemorySharedState();
    private Authenticator authenticator;
    private Authorizer authorizer = Authorizer.ALLOW_ALL;
    private CoreMetrics metrics = CoreMetrics.NONE;
    private Extension extension = Extension.NONE;
    private HandshakePolicy handshakePolicy = HandshakePolicy.ALLOW_ALL;
    private PresencePolicy presencePolicy = PresencePolicy.ALWAYS;
    private WindowPolicy windowPolicy = WindowPolicy.NONE;
    private StreamWindow streamWindow;
    private Codec codec;
    private NodeClock clock;

    public Builder config(NodeConfig config) {
      this.config = config;
      return this;
    }

    public Builder store(MessageStore store) {
      this.store = store;
      return this;
    }

    public Builder broker(Broker broker) {
      this.broker = broker;
      return this;
    }

    /** Presence and claims shared by the cluster; in memory by default (one node). */
    public Builder sharedState(SharedState sharedState) {
      this.sharedState = sharedState;
      return this;
    }

    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = authenticator;
      return this;
    }

    public Builder authorizer(Authorizer authorizer) {
      this.authorizer = authorizer;
      return this;
    }

    /** The origin policy checked at the handshake. */
    public Builder handshakePolicy(HandshakePolicy p) {
      this.handshakePolicy = p;
      return this;
    }

    /** Which conversations announce users coming and going (default: every one). */
    public Builder presencePolicy(PresencePolicy p) {
      this.presencePolicy = p;
      return this;
    }

    /** Which conversations are ephemeral streams, their windows (null: in memory; node closes). */
    public Builder ephemeralStreams(WindowPolicy policy, StreamWindow window) {
      this.windowPolicy = policy;
      this.streamWindow = window;
      return this;
    }

    /** The layer above the core. */
    public Builder extension(Extension extension) {
      this.extension = extension;
      return this;
    }

    /**
     * The codec of the wire types (default: the core's alone); an extension's types are registered
     * in it.
     */
    public Builder codec(Codec codec) {
      this.codec = codec;
      return this;
    }

    /**
     * The node's clock (default: the system's, with its own timer thread, closed with the node).
     */
    public Builder clock(NodeClock clock) {
      this.clock = clock;
      return this;
    }

    public Builder metrics(CoreMetrics metrics) {
      this.metrics = metrics;
      return this;
    }

    public Node build() {
      return new Node(this);
    }
  }
}
