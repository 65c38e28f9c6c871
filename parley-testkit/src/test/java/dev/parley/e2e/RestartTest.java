package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.Backoff;
import dev.parley.client.ParleyClient;
import dev.parley.protocol.Push;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class RestartTest {
  @TempDir Path dir;

  @Test
  void restartOnTheSameSqliteFileContinuesHistoryAndSeq() throws Exception {
    try (TestServer server = TestServer.start(dir, b -> b.openChannels(true))) {
      try (ParleyClient c = ParleyClient.builder(server.wsUri()).build()) {
        c.connect().get(10, TimeUnit.SECONDS);
        c.join("persist", 0);
        for (int i = 1; i <= 10; i++) {
          assertThat(c.send("persist", "before restart " + i).get(10, TimeUnit.SECONDS).seq())
              .isEqualTo(i);
        }
      }
      server.restart();

      RecordingListener rec = new RecordingListener();
      try (ParleyClient c = ParleyClient.builder(server.wsUri()).listener(rec).build()) {
        c.connect().get(10, TimeUnit.SECONDS);
        c.join("persist", 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> rec.messages("persist").size() == 10);
        assertThat(rec.messages("persist"))
            .extracting(Push.Message::text)
            .containsExactlyElementsOf(
                LongStream.rangeClosed(1, 10).mapToObj(i -> "before restart " + i).toList());
        assertThat(c.send("persist", "after restart").get(10, TimeUnit.SECONDS).seq())
            .isEqualTo(11);
        await().atMost(Duration.ofSeconds(10)).until(() -> rec.messages("persist").size() == 11);
      }
      assertThat(server.server().store().lastSeq("persist")).isEqualTo(11);
    }
  }

  @Test
  void clientsReconnectAndResumeAfterTheServerRestarts() throws Exception {
    try (TestServer server = TestServer.start(dir, b -> b.openChannels(true).port(0))) {
      RecordingListener rec = new RecordingListener();
      // The restarted node listens on a new port: point a client at a fixed one instead.
      int port = server.port();
      server.server().close();
      try (TestServer fixed = TestServer.start(dir, b -> b.openChannels(true).port(port))) {
        try (ParleyClient c =
            ParleyClient.builder(fixed.wsUri())
                .listener(rec)
                .backoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(300)))
                .build()) {
          c.connect().get(10, TimeUnit.SECONDS);
          c.join("resume", 0);
          assertThat(c.send("resume", "one").get(10, TimeUnit.SECONDS).seq()).isEqualTo(1);
          fixed.restart();
          // Sent while the node is down or coming back: kept in the outbox and delivered once.
          assertThat(c.send("resume", "two").get(20, TimeUnit.SECONDS).seq()).isEqualTo(2);
          await().atMost(Duration.ofSeconds(10)).until(() -> rec.messages("resume").size() == 2);
          assertThat(rec.messages("resume")).extracting(Push.Message::seq).containsExactly(1L, 2L);
          assertThat(rec.connections()).isGreaterThanOrEqualTo(2);
        }
      }
    }
  }
}
