package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.client.Backoff;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyClient.State;
import dev.parley.client.ParleyException;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.RecordingListener.StateChange;
import dev.parley.testkit.TestServer;
import dev.parley.testsupport.Ports;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The SDK's own lifecycle: closing never hangs, giving up is final, a ping is a fence. */
@Timeout(60)
class ClientLifecycleTest {
  static final Backoff QUICK = new Backoff(Duration.ofMillis(10), Duration.ofMillis(50));
  final RecordingListener rec = new RecordingListener();

  static String failureCode(CompletableFuture<?> f) throws InterruptedException {
    try {
      f.get(10, TimeUnit.SECONDS);
      throw new AssertionError("completed normally");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ParleyException.class);
      return ((ParleyException) e.getCause()).code();
    } catch (TimeoutException e) {
      throw new AssertionError("still waiting", e);
    }
  }

  @Test
  void closeWhileAConnectHangsOnAServerThatNeverAnswersEndsTheClientAndFailsTheConnect()
      throws Exception {
    try (ServerSocket blackHole = new ServerSocket(0)) {
      BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
      Thread acceptor =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      while (true) {
                        accepted.add(
                            blackHole
                                .accept()); // accept, then say nothing: the upgrade never completes
                      }
                    } catch (Exception closed) {
                      // the test is over
                    }
                  });
      ParleyClient client =
          ParleyClient.builder(URI.create("ws://127.0.0.1:" + blackHole.getLocalPort() + "/ws"))
              .listener(rec)
              .backoff(QUICK)
              .build();
      CompletableFuture<Void> connected = client.connect();
      Socket attempt = accepted.poll(10, TimeUnit.SECONDS);
      assertThat(attempt).as("the client's connection reached the black hole").isNotNull();
      assertThat(rec.next(StateChange.class))
          .isEqualTo(new StateChange(State.IDLE, State.CONNECTING));

      client
          .close(); // returns although the upgrade is still in flight (the class time-out guards a
      // hang)

      assertThat(client.state()).isEqualTo(State.CLOSED);
      assertThat(rec.next(StateChange.class))
          .isEqualTo(new StateChange(State.CONNECTING, State.CLOSED));
      assertThat(failureCode(connected))
          .as("connect() fails instead of waiting forever")
          .isEqualTo("closed");
      assertThat(failureCode(client.send("c", "after close"))).isEqualTo("closed");
      assertThat(failureCode(client.ping())).isEqualTo("closed");
      rec.assertNoMoreEvents(client);
      acceptor.interrupt();
      attempt.close();
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  @Test
  void aClientThatNeverGetsThroughGivesUpAfterItsAttempts() throws Exception {
    // Bound but not listening for the whole test: every attempt is refused, and the port can be
    // neither taken by another server nor become this client's own (a connection to itself).
    Socket refusing = Ports.refusing();
    ParleyClient client =
        ParleyClient.builder(URI.create("ws://127.0.0.1:" + refusing.getLocalPort() + "/ws"))
            .listener(rec)
            .backoff(QUICK)
            .maxAttempts(2)
            .build();
    try {
      CompletableFuture<Void> connected = client.connect();
      for (int attempt = 0; attempt < 2; attempt++) {
        assertThat(rec.next(StateChange.class).to()).isEqualTo(State.CONNECTING);
        assertThat(rec.next(StateChange.class).to()).isEqualTo(State.RECONNECTING);
      }
      assertThat(rec.next(StateChange.class).to())
          .as("the first attempt and two retries")
          .isEqualTo(State.CONNECTING);
      assertThat(rec.next(StateChange.class).to()).isEqualTo(State.CLOSED);
      assertThatThrownBy(() -> connected.get(10, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(ParleyException.class)
          .hasMessageContaining("gave up after 2 attempts");
      assertThat(client.state()).isEqualTo(State.CLOSED);
      rec.assertNoMoreEvents(client); // CLOSED is final: no attempt follows
    } finally {
      client.close();
      refusing.close();
    }
  }

  @Test
  void aPingCompletesAtItsPongAndFailsWithoutAConnection(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir)) {
      ParleyClient client =
          ParleyClient.builder(server.wsUri()).listener(rec).backoff(QUICK).build();
      try {
        assertThat(failureCode(client.ping())).as("not started").isEqualTo("not_connected");
        client.connect().get(10, TimeUnit.SECONDS);
        client.ping().get(10, TimeUnit.SECONDS);
        assertThat(rec.next(StateChange.class).to()).isEqualTo(State.CONNECTING);
        assertThat(rec.next(StateChange.class).to()).isEqualTo(State.CONNECTED);
        rec.assertNoMoreEvents(client); // a pong reaches no listener
      } finally {
        client.close();
      }
      assertThat(failureCode(client.ping())).isEqualTo("closed");
    }
  }
}
