package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.ParleyClient.State;
import dev.parley.protocol.Command;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The connection's states against a real port where nothing listens. */
@Timeout(60)
class ConnectionTest {
  final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();

  /** What the connection told its owner, in order. */
  final BlockingQueue<String> told = new LinkedBlockingQueue<>();

  final Connection.Owner owner =
      new Connection.Owner() {
        @Override
        public Command.Hello hello() {
          return new Credentials(null, null, null, null, null).hello(Map.of());
        }

        @Override
        public void push(Push push) {
          told.add("push " + push);
        }

        @Override
        public void stateChanged(State from, State to) {
          told.add(to.toString());
        }

        @Override
        public void lost() {
          told.add("lost");
        }

        @Override
        public void credentialsExpired() {
          told.add("expired");
        }

        @Override
        public void ended(String why) {
          told.add("ended: " + why);
        }
      };

  /**
   * A port on 127.0.0.1 that refuses every connection while the test runs: bound but not listening,
   * so no other server can take it and no connection of the client's can get it as its own port
   * (connecting to itself); a port closed again a moment ago promises neither.
   */
  final Socket refusing = new Socket();

  @AfterEach
  void stop() throws IOException {
    loop.shutdownNow();
    refusing.close();
  }

  int closedPort() throws IOException {
    refusing.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return refusing.getLocalPort();
  }

  List<String> next(int n) throws InterruptedException {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String s = told.poll(30, TimeUnit.SECONDS);
      if (s == null) {
        throw new AssertionError("only " + out + " came");
      }
      out.add(s);
    }
    return out;
  }

  @Test
  void aServerThatRefusesEveryAttemptIsTriedOnceAndThenMaxAttemptsTimesMoreBeforeTheEnd()
      throws Exception {
    Connection c =
        new Connection(
            URI.create("ws://127.0.0.1:" + closedPort() + "/ws"),
            new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)),
            2,
            loop,
            ChatProtocol.codec(),
            owner);
    loop.execute(c::start);
    assertThat(next(10))
        .containsExactly(
            "CONNECTING",
            "lost",
            "RECONNECTING",
            "CONNECTING",
            "lost",
            "RECONNECTING",
            "CONNECTING",
            "lost",
            "CLOSED",
            "ended: gave up after 2 attempts");
    // CLOSED is final: the client's thread confirms nothing else was told.
    loop.submit(() -> {}).get(10, TimeUnit.SECONDS);
    assertThat(told).isEmpty();
    assertThat(loop.submit(c::state).get()).isEqualTo(State.CLOSED);
    c.shutdownNow();
  }

  @Test
  void closingIsFinalAndEndsOnce() throws Exception {
    Connection c =
        new Connection(
            URI.create("ws://127.0.0.1:" + closedPort() + "/ws"),
            new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)),
            Integer.MAX_VALUE,
            loop,
            ChatProtocol.codec(),
            owner);
    loop.submit(
            () -> {
              c.close("bye");
              c.close("again");
              c.start();
            })
        .get(10, TimeUnit.SECONDS);
    assertThat(next(2)).containsExactly("CLOSED", "ended: bye");
    loop.submit(() -> {}).get(10, TimeUnit.SECONDS);
    assertThat(told).isEmpty();
    c.shutdownNow();
  }
}
