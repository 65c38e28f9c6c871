package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ClientThreadTest {
  final ClientThread thread = new ClientThread();

  /** Written only on the client's thread; read through {@link ClientThread#call}. */
  final List<String> done = new ArrayList<>();

  @Test
  void workRunsInOrderOnOneThreadAndAQuestionIsAnsweredAfterIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    thread.run(
        () -> {
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          done.add("first on " + Thread.currentThread().getName());
        });
    thread.run(() -> done.add("second on " + Thread.currentThread().getName()));
    release.countDown();
    assertThat(thread.call(() -> List.copyOf(done)))
        .containsExactly("first on parley-client", "second on parley-client");
    thread.shutdown();
  }

  @Test
  void afterShutdownWorkIsRefusedAndQuestionsSeeWhatTheQueuedWorkLeft() {
    thread.run(() -> done.add("queued before shutdown"));
    thread.shutdown();
    assertThat(thread.run(() -> done.add("after"))).isFalse();
    assertThat(thread.call(() -> List.copyOf(done))).containsExactly("queued before shutdown");
  }
}
