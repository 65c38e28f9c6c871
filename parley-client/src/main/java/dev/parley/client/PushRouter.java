package dev.parley.client;

import dev.parley.protocol.Command;
import dev.parley.protocol.Push;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where each server push goes in the client: a {@code welcome} to the credentials and the
 * connection (then the joins and the outbox are replayed), messages through the positions (in seq
 * order, once) to the listener, a {@code continuity_lost} to the positions and then the listener
 * (before the messages that follow it), acks and refusals to the outbox, pongs to the pings,
 * everything else to the listener. It also writes the joins the client asks for.
 *
 * <p>Not thread-safe: confined to the client's thread, like the parts it routes to.
 */
final class PushRouter {
  private final Connection connection;
  private final Credentials credentials;
  private final Positions positions;
  private final Outbox outbox;
  private final Pings pings;
  private final ParleyListener listener;
  private final CompletableFuture<Void> firstWelcome;

  PushRouter(
      Connection connection,
      Credentials credentials,
      Positions positions,
      Outbox outbox,
      Pings pings,
      ParleyListener listener,
      CompletableFuture<Void> firstWelcome) {
    this.connection = connection;
    this.credentials = credentials;
    this.positions = positions;
    this.outbox = outbox;
    this.pings = pings;
    this.listener = listener;
    this.firstWelcome = firstWelcome;
  }

  /** Hands {@code push} to the part it belongs to, or to the listener. */
  void route(Push push) {
    switch (push) {
      case Push.Welcome w -> welcomed(w);
      case Push.Joined j -> {
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
    if (positions.track(conv, afterSeq, epoch)
        && connection.state() == ParleyClient.State.CONNECTED) {
      connection.write(positions.join(conv));
    }
  }

  private void welcomed(Push.Welcome w) {
    credentials.welcomed(w);
    connection.established(w.heartbeatMs());
    firstWelcome.complete(null);
    positions.rejoins().forEach(connection::write);
    outbox.sendAll();
  }
}
