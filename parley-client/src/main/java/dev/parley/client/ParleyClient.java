package dev.parley.client;

import dev.parley.protocol.Codec;
import dev.parley.protocol.Command;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatCommand;
import dev.parley.protocol.chat.ChatProtocol;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A Parley connection that keeps the client half of the delivery contract ({@code
 * docs/CLIENTS.md}):
 *
 * <ul>
 *   <li>every {@link #send} gets a {@code cid} and stays in the outbox until acknowledged; it is
 *       sent again after a reconnect or when no ack came in time, in order ({@link Outbox});
 *   <li>a lost connection is retried with exponential backoff and full jitter ({@link Connection},
 *       {@link Backoff});
 *   <li>on reconnect the client presents its token (same user, so cids stay de-duplicated: {@link
 *       Credentials}) and, per conversation, the highest contiguous seq it holds; the server
 *       replays the rest;
 *   <li>messages reach the listener in seq order, each exactly once; duplicates are dropped and a
 *       gap makes the client ask the server to replay from its position ({@link Positions});
 *   <li>an ephemeral channel's position is (epoch, seq), resumed with {@code join {after, epoch}};
 *       a resume the server cannot serve reaches {@link ParleyListener#onContinuityLost}.
 * </ul>
 *
 * <p>This class is the public face: it hops each call onto the client's thread and routes what the
 * server says to the part that owns it.
 *
 * <p>Thread-safe: public methods hop onto the client's own single thread, where all state lives;
 * listener callbacks run on that thread too.
 */
public final class ParleyClient implements AutoCloseable {
  /** How often the client checks for overdue acks, a silent server and expiring credentials. */
  private static final long TICK_MILLIS = 250;

  /** Connection states; see {@code docs/CLIENTS.md#states}. */
  public enum State {
    /** Not yet started. */
    IDLE,
    /** Opening a WebSocket and waiting for {@code welcome}. */
    CONNECTING,
    /** {@code welcome} received: sending and receiving. */
    CONNECTED,
    /** Lost the connection; waiting for the backoff before the next attempt. */
    RECONNECTING,
    /** Closed by {@link #close()}, a fatal close code, or too many attempts. Final. */
    CLOSED
  }

  /** The server's default limit on a message's text, in Unicode code points. */
  public static final int MAX_TEXT_CODE_POINTS = 4000;

  private final URI uri;
  private final ParleyListener listener;
  private final Codec codec = ChatProtocol.codec();
  private final ClientThread thread = new ClientThread();
  private final CompletableFuture<Void> firstWelcome = new CompletableFuture<>();
  // The parts below are confined to the client's thread.
  private final Connection connection;
  private final Credentials credentials;
  private final Positions positions = new Positions();
  private final Outbox outbox;
  private final Pings pings;
  private final PushRouter router;

  private ParleyClient(Builder b) {
    this.uri = b.uri;
    this.listener = b.listener;
    this.credentials =
        new Credentials(b.token, b.site, b.loginUser, b.loginPassword, b.tokenProvider);
    this.router = new PushRouter(b.uri, credentials, positions, listener, firstWelcome);
    this.connection =
        new Connection(b.uri, b.backoff, b.maxAttempts, thread.executor(), codec, router);
    this.outbox = new Outbox(b.ackTimeout, System::nanoTime, connection::write);
    this.pings = new Pings(connection::write);
    router.attach(connection, outbox, pings);
    thread.every(TICK_MILLIS, this::tick);
  }

  public static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /**
   * Starts connecting; the future completes at the first {@code welcome}, or fails with {@code
   * closed} when the client closes before it (given up, a fatal close code, {@link #close()}).
   */
  public CompletableFuture<Void> connect() {
    thread.run(connection::start);
    return firstWelcome;
  }

  /** Joins a conversation live from now; remembered across reconnects. */
  public void join(String conv) {
    join(conv, -1);
  }

  /**
   * Joins a conversation and replays every message after {@code afterSeq} (0 for all). Joining a
   * conversation the client already holds changes nothing: it keeps its position (no replay, no
   * duplicates).
   */
  public void join(String conv, long afterSeq) {
    join(conv, afterSeq, null);
  }

  /**
   * Joins an ephemeral channel from a position kept across a restart ({@link #positionOf}): replays
   * exactly what followed {@code afterSeq} of {@code epoch} while the channel's window holds it,
   * else calls {@link ParleyListener#onContinuityLost} first. A null {@code epoch} (or a negative
   * {@code afterSeq}) is {@link #join(String, long)}; a conversation held already keeps its place.
   */
  public void join(String conv, long afterSeq, String epoch) {
    thread.run(() -> router.join(conv, afterSeq, epoch));
  }

  /**
   * Leaves a conversation: none of its messages from now on, and it is not joined again after a
   * reconnect; its position is forgotten. Nothing when the client does not hold it.
   */
  public void leave(String conv) {
    thread.run(() -> router.leave(conv));
  }

  /** Sends a text message with a new cid. Completes with the server's ack once durable. */
  public CompletableFuture<Push.Ack> send(String conv, String text) {
    return send(conv, UUID.randomUUID().toString(), text);
  }

  /** Sends a text message with the given cid; see {@link #send(String, String, String, List)}. */
  public CompletableFuture<Push.Ack> send(String conv, String cid, String text) {
    return send(conv, cid, text, List.of());
  }

  /**
   * Sends a message with the given cid (resending a cid is safe: it is stored once; while one with
   * this cid waits for its ack, this one follows it), carrying the files this user uploaded to
   * {@code conv} ({@link #upload}; docs/PROTOCOL.md#attachments), the text then maybe empty.
   */
  public CompletableFuture<Push.Ack> send(
      String conv, String cid, String text, List<String> attachments) {
    CompletableFuture<Push.Ack> f = new CompletableFuture<>();
    boolean queued =
        thread.run(
            () -> {
              if (connection.state() == State.CLOSED) {
                f.completeExceptionally(new ParleyException("closed", "the client is closed"));
                return;
              }
              outbox.add(cid, conv, text, attachments, f, connected());
            });
    return closedUnless(queued, f);
  }

  /** Uploads {@code file} to {@code conv} with this client's token ({@link FileUpload#to}). */
  public CompletableFuture<FileUpload.Uploaded> upload(String conv, FileUpload file) {
    return file.to(uri, token(), conv);
  }

  /** Sends a typing indicator (ephemeral; dropped when not connected). */
  public void typing(String conv, boolean on) {
    command(new Command.Typing(null, conv, on));
  }

  /** Visitor: asks for a human agent. */
  public void handoff(String conv) {
    command(new ChatCommand.Handoff(null, conv));
  }

  /**
   * Visitor: rates a resolved conversation {@code good} or {@code bad}, with an optional {@code
   * comment} (null for none); rating again replaces it.
   */
  public void rate(String conv, String rating, String comment) {
    command(new ChatCommand.Rate(null, conv, rating, comment));
  }

  /** Agent: takes a queued conversation. */
  public void accept(String conv) {
    command(new ChatCommand.Accept(null, conv));
  }

  /** Agent: hands an assigned conversation to another agent. */
  public void transfer(String conv, String toAgent) {
    command(new ChatCommand.Transfer(null, conv, toAgent));
  }

  /** Visitor: leaves the queue; agent: hands the conversation back to the bot. */
  public void backToBot(String conv) {
    command(new ChatCommand.BackToBot(null, conv));
  }

  /**
   * Agent: joins the notes of {@code conv} ({@code conv:notes}), replaying after {@code afterSeq}.
   */
  public void joinNotes(String conv, long afterSeq) {
    join(ChatProtocol.notesOf(conv), afterSeq);
  }

  /**
   * Agent: writes an internal note in {@code conv}, which its visitor never receives: a send to its
   * notes stream (join it first with {@link #joinNotes}), with the same ack, cid and resume.
   */
  public CompletableFuture<Push.Ack> note(String conv, String text) {
    return send(ChatProtocol.notesOf(conv), text);
  }

  /** Agent: sets the labels of {@code conv} (the whole list): 1-32 of a-z 0-9 -, at most 10. */
  public void label(String conv, List<String> labels) {
    command(new ChatCommand.Label(null, conv, labels));
  }

  /** Agent: resolves a conversation. */
  public void resolve(String conv) {
    command(new ChatCommand.Resolve(null, conv));
  }

  /** Stops a bot answer while it streams. */
  public void stop(String conv, String answerId) {
    command(new ChatCommand.Stop(null, conv, answerId));
  }

  /** Sends a cumulative receipt ({@code delivered} or {@code read}) up to {@code seq}. */
  public void receipt(String conv, String kind, long seq) {
    command(new Command.Receipt(null, conv, kind, seq));
  }

  /** Sends a command as is when connected (dropped otherwise: these are not outbox messages). */
  public void command(Command c) {
    thread.run(
        () -> {
          if (connected()) {
            connection.write(c);
          }
        });
  }

  /**
   * Sends a {@code ping} command; the future completes when its {@code pong} arrives. Everything
   * the server sent before that {@code pong} has reached the listener by then (all on the client's
   * thread, in order), so a test can use it as a fence. Fails with {@code not_connected} when the
   * client is not CONNECTED or the connection is lost before the {@code pong}, and with {@code
   * closed} when the client closes.
   */
  public CompletableFuture<Void> ping() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    return closedUnless(thread.run(() -> pings.send(f, connection.state())), f);
  }

  /** The highest contiguous seq held for {@code conv}, or -1. */
  public long position(String conv) {
    return thread.call(() -> positions.seq(conv));
  }

  /** Where the client stands in {@code conv}: seq and, in an ephemeral channel, its epoch. */
  public Position positionOf(String conv) {
    return thread.call(() -> positions.position(conv));
  }

  /** The current state. */
  public State state() {
    return thread.call(connection::state);
  }

  /** The user id the server gave this client, or null before the first welcome. */
  public String user() {
    return thread.call(credentials::user);
  }

  /** The token to continue as the same user (e.g. after a page reload), or null before welcome. */
  public String token() {
    return thread.call(credentials::token);
  }

  /** Sends not yet acknowledged. */
  public int pendingSends() {
    return thread.call(outbox::size);
  }

  /** Duplicate messages received and dropped so far. */
  public long duplicatesDropped() {
    return positions.duplicatesDropped();
  }

  /**
   * Cuts the connection abruptly, without a close frame, as a failing network would; the client
   * then reconnects as usual. For tests and drills.
   */
  public void dropConnection() {
    thread.run(connection::drop);
  }

  /**
   * Closes for good: the socket with 1000; sends still pending, pings, and a {@link #connect} still
   * waiting for its first {@code welcome} fail with {@code closed}. Idempotent.
   */
  @Override
  public void close() {
    if (thread.isShutdown()) {
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (thread.run(
        () -> {
          connection.close("the client is closed");
          done.complete(null);
        })) {
      done.orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
    // Abort, do not await: a connect in flight (to a server that is gone) would never finish once
    // the client's thread stops, and HttpClient.close() would wait for it forever.
    connection.shutdownNow();
    thread.shutdown();
  }

  /** {@code f}, failed with {@code closed} unless its work was {@code queued} on the thread. */
  private static <T> CompletableFuture<T> closedUnless(boolean queued, CompletableFuture<T> f) {
    if (!queued) {
      f.completeExceptionally(new ParleyException("closed", "the client is closed"));
    }
    return f;
  }

  // ---- on the client's thread ----

  private boolean connected() {
    return connection.state() == State.CONNECTED;
  }

  /** Every {@link #TICK_MILLIS}: detect a silent server, resend overdue sends, refresh tokens. */
  private void tick() {
    if (connection.checkAlive()) {
      outbox.resendOverdue();
      credentials.refresh(System.currentTimeMillis()).ifPresent(connection::write);
    }
  }

  /** Builds a {@link ParleyClient}. */
  public static final class Builder {
    private final URI uri;
    private ParleyListener listener = new ParleyListener() {};
    private Backoff backoff = Backoff.defaults();
    private int maxAttempts = Integer.MAX_VALUE;
    private Duration ackTimeout = Duration.ofSeconds(10);
    private String token;
    private String site;
    private String loginUser;
    private String loginPassword;
    private Supplier<String> tokenProvider;

    private Builder(URI uri) {
      this.uri = uri;
    }

    public Builder listener(ParleyListener v) {
      listener = v;
      return this;
    }

    public Builder backoff(Backoff v) {
      backoff = v;
      return this;
    }

    /**
     * Retries after consecutive failed attempts before giving up (state CLOSED): a client that
     * never gets a {@code welcome} tries {@code 1 + maxAttempts} times. Default: never give up.
     */
    public Builder maxAttempts(int v) {
      maxAttempts = v;
      return this;
    }

    /** How long a send waits for its ack before it is sent again on the same connection. */
    public Builder ackTimeout(Duration v) {
      ackTimeout = v;
      return this;
    }

    /** Logs in as an agent; later reconnects use the token the server gives back. */
    public Builder login(String user, String password) {
      loginUser = user;
      loginPassword = password;
      return this;
    }

    /** The site whose visitor this client is: the server opens its conversation and greets. */
    public Builder site(String v) {
      site = v;
      return this;
    }

    /** A token from an earlier session, to continue as the same user. */
    public Builder token(String v) {
      token = v;
      return this;
    }

    /**
     * Where fresh tokens come from (a JWT from your backend): called on the client's thread a
     * minute before the current one expires (sent in-band as {@code auth}, so the connection stays
     * up) and after a 4401 close. Without it, an agent logs in again with its password.
     */
    public Builder tokenProvider(Supplier<String> v) {
      tokenProvider = v;
      return this;
    }

    public ParleyClient build() {
      return new ParleyClient(this);
    }
  }
}
