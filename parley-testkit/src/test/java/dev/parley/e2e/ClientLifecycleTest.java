package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.Backoff;
import dev.parley.client.ParleyClient;
import dev.parley.testkit.RecordingListener;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The SDK's own lifecycle: closing never hangs, whatever the connection is doing. */
@Timeout(30)
class ClientLifecycleTest {
  @Test
  void closeReturnsPromptlyWhileAConnectHangsOnAServerThatNeverAnswers() throws Exception {
    try (ServerSocket blackHole = new ServerSocket(0)) {
      List<Socket> accepted = new ArrayList<>();
      Thread acceptor = Thread.ofVirtual().start(() -> {
        try {
          while (true) {
            accepted.add(blackHole.accept()); // accept, then say nothing: the upgrade never completes
          }
        } catch (Exception closed) {
          // the test is over
        }
      });
      RecordingListener rec = new RecordingListener();
      ParleyClient client = ParleyClient.builder(URI.create("ws://127.0.0.1:" + blackHole.getLocalPort() + "/ws"))
          .listener(rec).backoff(new Backoff(Duration.ofMillis(10), Duration.ofMillis(50))).build();
      client.connect();
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !accepted.isEmpty());
      long start = System.nanoTime();
      client.close();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(7));
      assertThat(client.state()).isEqualTo(ParleyClient.State.CLOSED);
      acceptor.interrupt();
      for (Socket s : accepted) {
        s.close();
      }
    }
  }
}
