package dev.parley.client;

import dev.parley.protocol.Command;
import dev.parley.protocol.Push;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where each server push goes in the client: a {@code welcome} to the credentials and the
 * connection (then the joins and the outbox are replayed), messages through the positions (in seq
 * order, once) to the listener, a {@code continuity_lost} to the positions and then the listener
 * (before the messages that follow it), acks and refusals to the outbox, pongs to the pings,
 * everything else to the listener. It also writes the joins the client asks for, and makes again a
 * join the server refused for the connection's join rate. As the connection's {@link
 * Connection.Owner} it answers the {@code hello} to say and hears the connection's moments (state
 * changes, a lost socket, expired credentials, the end).
 *
 * <p>Not thread-safe: confined to the client's thread, like the parts it routes to. {@link #attach}
 * is called once, by the client's constructor, before the thread runs anything.
 */
final class PushRouter implements Connection.Owner {
  private final URI uri;
  private final Credentials credentials;
  private final Positions positions;
  private final ParleyListener listener;
  private final CompletableFuture<Void> firstWelcome;

  // Set once by attach: they are made with the connection, which is made with this router.
  private Connection connection;
  private Outbox outbox;
  private Pings pings;

  /** Conversations whose refused join waits to be made again on this connection. */
  private final Set<String> rejoining = new HashSet<>();

  /** Leaves not answered yet: a {@code joined} meanwhile answers an earlier join. */
  private final Leaves leaves = new Leaves();

  /** Retryable refusals in a row per conversation (the wait doubles with each, up to 32 s). */
  private final Map<String, Integer> failedJoins = new HashMap<>();

  PushRouter(
      URI uri,
      Credentials credentials,
      Positions positions,
      ParleyListener listener,
      CompletableFuture<Void> firstWelcome) {
    this.uri = uri;
    this.credentials = credentials;
    this.positions = positions;
    this.listener = listener;
    this.firstWelcome = firstWelcome;
  }

  /** The parts made with the connection. Once, before anything is routed. */
  void attach(Connection connection, Outbox outbox, Pings pings) {
    this.connection = connection;
    this.outbox = outbox;
    this.pings = pings;
  }

  @Override
  public Command.Hello hello() {
    return credentials.hello(positions.reconnecting());
  }

  @Override
  public void push(Push push) {
    route(push);
  }

  @Override
  public void stateChanged(ParleyClient.State from, ParleyClient.State to) {
    listener.onStateChange(from, to);
  }

  @Override
  public void lost() {
    pings.failAll(new ParleyException("not_connected", "the connection was lost before the pong"));
  }

  @Override
  public void credentialsExpired() {
    credentials.expired();
  }

  @Override
  public void ended(String why) {
    outbox.failAll(why);
    pings.failAll(new ParleyException("closed", why));
    firstWelcome.completeExceptionally(new ParleyException("closed", why + " (" + uri + ")"));
  }

  /** Hands {@code push} to the part it belongs to, or to the listener. */
  void route(Push push) {
    switch (push) {
      case Push.Welcome w -> welcomed(w);
      case Push.Joined j when !leaves.takesUp(j.conv()) -> {}
      case Push.Left l -> {
        leaves.answered(l.conv());
        listener.onEvent(l);
      }
      case Push.Joined j -> {
        failedJoins.remove(j.conv());
        positions.joined(j);
        listener.onEvent(j);
      }
      case Push.ContinuityLost c -> {
        if (positions.continuityLost(c)) {
          listener.onContinuityLost(c);
        }
      }
      case Push.Message m -> {
        Positions.Accepted a = positions.accept(m);
        a.resyncAfter()
            .ifPresent(
                after ->
                    connection.write(
                        new Command.Join(null, m.conv(), after, positions.epoch(m.conv()))));
        for (Push.Message next : a.deliver()) {
          if (next.from() != null && next.from().equals(credentials.user())) {
            outbox.ownMessage(next);
          }
          listener.onMessage(next);
        }
      }
      case Push.Ack a -> outbox.acked(a);
      case Push.Error e -> {
        if (connection.state() == ParleyClient.State.CONNECTING
            && "rate_limited".equals(e.code())) {
          // The hello: too many new sessions from this address just now. Jitter spreads the
          // clients behind one address.
          long wait = e.retryAfterMs() != null ? e.retryAfterMs() : 1000;
          connection.helloAgainAfter(wait + ThreadLocalRandom.current().nextLong(1000));
        } else if ("rate_limited".equals(e.code()) && isJoinRefusal(e)) {
          rejoinLater(e.conv(), e.retryAfterMs());
        } else if (Boolean.TRUE.equals(e.retry()) && isJoinRefusal(e)) {
          // Refused for now (the application's backend or the store did not answer): told, and
          // made again with a growing wait, so a backend that is down is not asked in a loop.
          int failed = failedJoins.merge(e.conv(), 1, Integer::sum);
          rejoinLater(e.conv(), 1000L << Math.min(failed - 1, 5));
          listener.onError(e);
        } else if (!outbox.refused(e)) {
          listener.onError(e);
        }
      }
      case Push.Authed a -> credentials.authed(a);
      case Push.Pong p -> pings.pong(p);
      case Push.Unknown u -> {}
      default -> listener.onEvent(push);
    }
  }

  /**
   * Joins {@code conv} after {@code afterSeq} of {@code epoch} ({@link Positions#track}), at once
   * when connected, else after the next {@code welcome}; nothing when the client holds it already.
   */
  void join(String conv, long afterSeq, String epoch) {
    leaves.joining(conv);
    if (positions.track(conv, afterSeq, epoch)
        && connection.state() == ParleyClient.State.CONNECTED) {
      connection.write(positions.join(conv));
    }
  }

  /** A refusal of a join of a conversation the client holds (not of a send: no cid). */
  private boolean isJoinRefusal(Push.Error e) {
    return e.cid() == null
        && "conv".equals(e.field())
        && e.conv() != null
        && positions.holds(e.conv());
  }

  /**
   * A join beyond the connection's join rate ({@code docs/PROTOCOL.md#join}): made again after the
   * server's wait, from the position held then, and not reported to the listener. The waiting ones
   * are spaced a token apart (the server refills one every {@code retryAfterMs}), not all sent at
   * the same instant for one to get through. A reconnect meanwhile drops the wait: the {@code
   * welcome} joins every conversation held.
   */
  private void rejoinLater(String conv, Long retryAfterMs) {
    rejoining.add(conv);
    long wait = retryAfterMs != null ? retryAfterMs : 1000;
    connection.writeLater(
        wait * rejoining.size() + ThreadLocalRandom.current().nextLong(100),
        () -> rejoining.remove(conv) && positions.holds(conv) ? positions.join(conv) : null);
  }

  /**
   * Forgets {@code conv} and leaves it: at once when connected, else after the next welcome (a
   * reconnect joins only what is held).
   */
  void leave(String conv) {
    rejoining.remove(conv);
    failedJoins.remove(conv);
    if (positions.forget(conv)
        && leaves.leave(conv, connection.state() == ParleyClient.State.CONNECTED)) {
      connection.write(new Command.Leave(null, conv));
    }
  }

  private void welcomed(Push.Welcome w) {
    rejoining.clear();
    credentials.welcomed(w);
    connection.established(w.heartbeatMs());
    // Left while not connected (the hello may have resumed them): before the application hears.
    leaves.welcomed().forEach(conv -> connection.write(new Command.Leave(null, conv)));
    firstWelcome.complete(null);
    positions.rejoins().forEach(connection::write);
    outbox.sendAll();
  }
}
