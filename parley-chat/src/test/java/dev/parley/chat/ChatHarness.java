package dev.parley.chat;

import dev.parley.chat.ChatIdentity.Role;
import dev.parley.core.AnonymousTokens;
import dev.parley.core.Authenticator;
import dev.parley.core.InMemoryBroker;
import dev.parley.core.InMemoryMessageStore;
import dev.parley.core.InMemorySharedState;
import dev.parley.core.ManualClock;
import dev.parley.core.Node;
import dev.parley.core.Principal;
import dev.parley.core.RecordingConnection;
import dev.parley.core.Session;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Command;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The chat layer on a real node with in-memory ports and a {@link ManualClock}, driven through
 * {@link RecordingConnection}s: the visitor flow, routing and bot turns without sockets. Agents log
 * in by name (no passwords here); the bot is a {@link ScriptedBot}.
 *
 * <p>Not thread-safe: drive it from the test thread.
 */
final class ChatHarness implements AutoCloseable {
  static final String GREETING = "Hi! How can I help?";

  final ManualClock clock = new ManualClock();
  final Codec codec = ChatProtocol.codec();
  final InMemoryMessageStore store = new InMemoryMessageStore();
  final InMemorySharedState shared = new InMemorySharedState(clock::nanoTime);
  final InMemoryChatStore chatStore = new InMemoryChatStore();

  /** Holds the chat layer's calls to {@link #chatStore} that a test picks (a store that hangs). */
  final Held held = new Held();

  final ScriptedBot bot = new ScriptedBot();

  /** The integration events the chat layer emitted, in order. */
  final LinkedBlockingQueue<IntegrationEvent> events = new LinkedBlockingQueue<>();

  /** Away mail's outbox and port: mail is off until a test sets {@code mailPort.enabled}. */
  final InMemoryMailStore mails = new InMemoryMailStore();

  final InMemoryVisitorContextStore contexts = new InMemoryVisitorContextStore();

  final RecordingMailPort mailPort = new RecordingMailPort();

  /** Uploaded files' bytes and records. */
  final InMemoryFileStore fileBytes = new InMemoryFileStore();

  final InMemoryFileRecords fileRecords = new InMemoryFileRecords();

  /** Away mail's limits here: 2 minutes' batches, 3 transcripts an hour, 6 mails a site hourly. */
  static final MailPolicy MAIL_POLICY = new MailPolicy(Duration.ofMinutes(2), 3, 6);

  final ChatLayer chat;
  final Node node;
  final Directory directory;
  private final List<RecordingConnection> connections = new ArrayList<>();

  ChatHarness(ChatConfig config, Agent... agents) {
    this(
        config,
        List.of(
            new Site("demo", "Demo", List.of("*"), GREETING, "Bot", 0.5, BusinessHours.always())),
        agents);
  }

  /**
   * A harness with these sites. Besides anonymous visitors and agents, a {@code hello} token {@code
   * signed-in:<site>:<user>} makes a visitor its site's backend signed in (a JWT with the site's
   * identity secret, in the real server).
   */
  ChatHarness(ChatConfig config, List<Site> sites, Agent... agents) {
    Map<String, Agent> byUser = new HashMap<>();
    for (Agent a : agents) {
      byUser.put(a.user(), a);
    }
    Map<String, Site> bySite = new HashMap<>();
    sites.forEach(s -> bySite.put(s.id(), s));
    directory = new Directory(bySite, byUser);
    chat =
        new ChatLayer(
                held.wrap(ChatStore.class, chatStore), directory, s -> bot, config, shared, clock)
            .integrationEvents(events::add)
            .mail(held.wrap(MailStore.class, mails), mailPort, MAIL_POLICY)
            .visitorContexts(contexts)
            .files(fileBytes, fileRecords);
    AnonymousTokens visitors =
        new AnonymousTokens(new byte[32], ChatIdentity.claims(Role.VISITOR, null));
    Authenticator auth =
        new Authenticator() {
          @Override
          public CompletableFuture<Principal> authenticate(Command.Hello hello) {
            if (hello.user() != null) {
              Agent a = byUser.get(hello.user());
              return a == null
                  ? CompletableFuture.failedFuture(new AuthenticationException("no such agent"))
                  : CompletableFuture.completedFuture(
                      new Principal(
                          a.user(), ChatIdentity.claims(Role.ofWire(a.role()), null), null));
            }
            if (hello.token() != null && hello.token().startsWith("signed-in:")) {
              // signed-in:<site>:<user>[|claim=value…]: the JWT's profile claims after bars
              String[] parts = hello.token().split("\\|");
              String[] f = parts[0].split(":", 3);
              Map<String, String> claims = ChatIdentity.claims(Role.VISITOR, f[1]);
              for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].split("=", 2);
                claims.put(ChatIdentity.PROFILE_PREFIX + kv[0], kv[1]);
              }
              return CompletableFuture.completedFuture(
                  new Principal(f[1] + ":" + f[2], claims, hello.token()));
            }
            return visitors.authenticate(hello);
          }
        };
    node =
        Node.builder()
            .codec(codec)
            .clock(clock)
            .store(store)
            .broker(new InMemoryBroker())
            .sharedState(shared)
            .authenticator(auth)
            .authorizer(chat.authorizer())
            .presencePolicy(chat.presencePolicy(false))
            .handshakePolicy(chat.handshakePolicy())
            .extension(chat.extension())
            .build();
    chat.attach(node, ChatMetrics.NONE);
  }

  /**
   * A harness with the default chat settings and agents maya and sam (capacity 2) on the demo site.
   */
  static ChatHarness standard() {
    return new ChatHarness(ChatConfig.defaults(), agent("maya", 2), agent("sam", 2));
  }

  static Agent agent(String user, int capacity) {
    return new Agent(
        user,
        user.substring(0, 1).toUpperCase(Locale.ROOT) + user.substring(1),
        Set.of("demo"),
        capacity,
        "-");
  }

  /** One client: its connection, its session, and the token its welcome gave (or null). */
  record Client(RecordingConnection conn, Session session, String token) {
    Client(RecordingConnection conn, Session session) {
      this(conn, session, null);
    }

    void send(String json) {
      conn.command(session, json);
    }

    Push next() throws InterruptedException {
      return conn.next();
    }

    <T extends Push> T next(Class<T> type) throws InterruptedException {
      return conn.next(type);
    }

    <T extends Push> T nextOf(Class<T> type) throws InterruptedException {
      return conn.nextOf(type);
    }

    void assertNothingMore() throws InterruptedException {
      conn.assertNothingMoreBefore(session);
    }
  }

  /** A connection that has not said hello, with these handshake parameters. */
  Client connect(Map<String, String> params) {
    return connect(params, null, "192.0.2.1");
  }

  /**
   * A connection that has not said hello, from a page of {@code origin} (null: not a browser) at
   * {@code address}.
   */
  Client connect(Map<String, String> params, String origin, String address) {
    RecordingConnection c =
        new RecordingConnection(codec, params, origin, address, "chat.example.com");
    connections.add(c);
    return new Client(c, node.open(c));
  }

  /** A new anonymous visitor of the demo site, welcomed. */
  Client visitor() throws InterruptedException {
    Client v = connect(Map.of());
    v.send("{\"type\":\"hello\",\"site\":\"demo\"}");
    return new Client(v.conn(), v.session(), v.next(Push.Welcome.class).token());
  }

  /** Agent {@code user}, logged in and watching its sites' queues. */
  Client agent(String user) throws InterruptedException {
    Client a = connect(Map.of());
    a.send("{\"type\":\"hello\",\"user\":\"" + user + "\",\"password\":\"x\"}");
    a.next(Push.Welcome.class);
    return a;
  }

  /** Closes {@code c}'s connection, as the transport does when it ends. */
  void disconnect(Client c) throws InterruptedException {
    c.conn().onLoop(c.session()::onClose);
    c.conn().drainLoop();
  }

  /**
   * Moves the clock at once, once the routing thread has done what it was given (so that none of
   * its waits, bounded on this clock, runs out for a step that was about to answer): timers fire in
   * order, but what they hand to other threads may run later. A test whose routing thread is held
   * on purpose moves {@link #clock} itself.
   */
  void advance(Duration d) {
    chat.routingIdle();
    clock.advance(d);
  }

  /**
   * Lets {@code d} pass as it would in life: the clock moves a few seconds at a time and, after
   * each step, every connection's loop and the routing thread finish what the timers handed them
   * (presence renewals, sweeps), so nothing sees a future the others have not reached.
   */
  void elapse(Duration d) throws InterruptedException {
    Duration step = Duration.ofSeconds(5);
    for (Duration left = d; !left.isZero() && !left.isNegative(); left = left.minus(step)) {
      clock.advance(left.compareTo(step) < 0 ? left : step);
      for (RecordingConnection c : connections) {
        c.drainLoop();
      }
      chat.routingIdle();
    }
  }

  @Override
  public void close() {
    connections.forEach(RecordingConnection::close);
    chat.close();
    node.close();
  }
}
