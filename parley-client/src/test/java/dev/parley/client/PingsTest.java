package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.protocol.Command;
import dev.parley.protocol.Push;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class PingsTest {
  final List<Command> wire = new ArrayList<>();
  final Pings pings = new Pings(wire::add);

  String refOf(int i) {
    return ((Command.Ping) wire.get(i)).ref();
  }

  @Test
  void eachPingHasARefOfItsOwnAndCompletesWithItsPong() {
    CompletableFuture<Void> first = new CompletableFuture<>();
    CompletableFuture<Void> second = new CompletableFuture<>();
    pings.send(first, ParleyClient.State.CONNECTED);
    pings.send(second, ParleyClient.State.CONNECTED);
    assertThat(refOf(0)).isNotEqualTo(refOf(1));
    pings.pong(new Push.Pong(refOf(1)));
    assertThat(second).isCompleted();
    assertThat(first).isNotDone();
    pings.pong(new Push.Pong("someone-else"));
    pings.pong(new Push.Pong(null));
    assertThat(first).isNotDone();
    assertThat(pings.size()).isEqualTo(1);
  }

  @Test
  void pingsStillWaitingFailWhenTheConnectionIsGone() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    pings.send(f, ParleyClient.State.CONNECTED);
    pings.failAll(new ParleyException("not_connected", "lost"));
    assertThatThrownBy(f::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ParleyException.class)
        .hasMessageStartingWith("not_connected");
    assertThat(pings.size()).isZero();
  }

  @Test
  void aPingWithoutAConnectionFailsAtOnceAndWritesNothing() {
    CompletableFuture<Void> reconnecting = new CompletableFuture<>();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    pings.send(reconnecting, ParleyClient.State.RECONNECTING);
    pings.send(closed, ParleyClient.State.CLOSED);
    assertThatThrownBy(reconnecting::get).cause().hasMessageStartingWith("not_connected");
    assertThatThrownBy(closed::get).cause().hasMessageStartingWith("closed");
    assertThat(wire).isEmpty();
    assertThat(pings.size()).isZero();
  }
}
