package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.Backoff;
import dev.parley.client.ParleyClient;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.Push;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery contract under fire: two clients in one conversation each send 1,000 messages while
 * their connections are cut at random moments, from the server side (TCP reset) and from the client
 * side (abort). Every message must end up stored once and seen once, in seq order, by both.
 */
@Timeout(180)
class DeliveryUnderChaosTest {
  static final String CONV = "chaos";
  static final int PER_CLIENT = 1000;
  static final int MIN_KILLS = 20;

  @TempDir Path dir;

  @Test
  void twoClientsKeepEveryMessageExactlyOnceInOrderWhileConnectionsAreKilled() throws Exception {
    try (TestServer server =
        TestServer.start(dir, b -> b.openChannels(true).sendRate(100_000).sendBurst(100_000))) {
      RecordingListener recA = new RecordingListener();
      RecordingListener recB = new RecordingListener();
      Backoff fast = new Backoff(Duration.ofMillis(20), Duration.ofMillis(400));
      try (ParleyClient a =
              ParleyClient.builder(server.wsUri())
                  .listener(recA)
                  .backoff(fast)
                  .ackTimeout(Duration.ofSeconds(2))
                  .build();
          ParleyClient b =
              ParleyClient.builder(server.wsUri())
                  .listener(recB)
                  .backoff(fast)
                  .ackTimeout(Duration.ofSeconds(2))
                  .build()) {
        a.connect().get(10, TimeUnit.SECONDS);
        b.connect().get(10, TimeUnit.SECONDS);
        a.join(CONV, 0);
        b.join(CONV, 0);
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> a.position(CONV) == 0 && b.position(CONV) == 0);

        List<CompletableFuture<Push.Ack>> acks = new ArrayList<>();
        ScheduledExecutorService pace = Executors.newScheduledThreadPool(3);
        AtomicInteger sentA = new AtomicInteger();
        AtomicInteger sentB = new AtomicInteger();
        AtomicInteger serverKills = new AtomicInteger();
        AtomicInteger clientKills = new AtomicInteger();
        try {
          // Open-loop senders: one message every 3 ms each, whatever the connection is doing.
          pace.scheduleAtFixedRate(
              () -> sendNext(a, "A", sentA, acks), 0, 3, TimeUnit.MILLISECONDS);
          pace.scheduleAtFixedRate(
              () -> sendNext(b, "B", sentB, acks), 1, 3, TimeUnit.MILLISECONDS);
          // The killer: every 60-180 ms, cut one connection, alternating the side that cuts.
          scheduleKill(pace, server, a, b, serverKills, clientKills);
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () ->
                      sentA.get() >= PER_CLIENT
                          && sentB.get() >= PER_CLIENT
                          && serverKills.get() + clientKills.get() >= MIN_KILLS);
        } finally {
          pace.shutdownNow();
          pace.awaitTermination(5, TimeUnit.SECONDS);
        }

        List<CompletableFuture<Push.Ack>> all;
        synchronized (acks) {
          all = List.copyOf(acks);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    recA.messages(CONV).size() >= 2 * PER_CLIENT
                        && recB.messages(CONV).size() >= 2 * PER_CLIENT);

        List<Long> expectedSeqs = LongStream.rangeClosed(1, 2L * PER_CLIENT).boxed().toList();
        Set<String> expectedTexts = new HashSet<>();
        for (int i = 0; i < PER_CLIENT; i++) {
          expectedTexts.add("A-" + i);
          expectedTexts.add("B-" + i);
        }
        for (RecordingListener rec : List.of(recA, recB)) {
          List<Push.Message> got = rec.messages(CONV);
          assertThat(got).extracting(Push.Message::seq).containsExactlyElementsOf(expectedSeqs);
          assertThat(new HashSet<>(got.stream().map(Push.Message::text).toList()))
              .isEqualTo(expectedTexts);
        }
        List<StoredMessage> stored = server.server().store().readAfter(CONV, 0, 10 * PER_CLIENT);
        assertThat(stored).hasSize(2 * PER_CLIENT);
        assertThat(new HashSet<>(stored.stream().map(StoredMessage::text).toList()))
            .isEqualTo(expectedTexts);
        assertThat(all).allSatisfy(f -> assertThat(f.join().seq()).isBetween(1L, 2L * PER_CLIENT));
        assertThat(serverKills.get()).isPositive();
        assertThat(clientKills.get()).isPositive();
        System.out.printf(
            "chaos: %d sent, %d acked, %d stored, server kills %d, client kills %d, "
                + "reconnects A %d B %d, duplicates dropped A %d B %d%n",
            2 * PER_CLIENT,
            all.size(),
            stored.size(),
            serverKills.get(),
            clientKills.get(),
            recA.connections() - 1,
            recB.connections() - 1,
            a.duplicatesDropped(),
            b.duplicatesDropped());
        assertThat(recA.connections() + recB.connections()).isGreaterThan(MIN_KILLS / 2);
      }
    }
  }

  private static void sendNext(
      ParleyClient c, String who, AtomicInteger sent, List<CompletableFuture<Push.Ack>> acks) {
    int i = sent.get();
    if (i >= PER_CLIENT) {
      return;
    }
    CompletableFuture<Push.Ack> f = c.send(CONV, who + "-" + i);
    synchronized (acks) {
      acks.add(f);
    }
    sent.incrementAndGet();
  }

  private static void scheduleKill(
      ScheduledExecutorService pace,
      TestServer server,
      ParleyClient a,
      ParleyClient b,
      AtomicInteger serverKills,
      AtomicInteger clientKills) {
    long delay = ThreadLocalRandom.current().nextLong(60, 180);
    pace.schedule(
        () -> {
          int n = serverKills.get() + clientKills.get();
          if (n % 2 == 0) {
            if (server.server().transport().dropConnections(1) > 0) {
              serverKills.incrementAndGet();
            }
          } else {
            // Only a client with a live connection counts as killed: on a loaded machine a
            // reconnect can take longer than the pause between kills, and cutting a client that is
            // still reconnecting does nothing.
            ParleyClient victim = ThreadLocalRandom.current().nextBoolean() ? a : b;
            if (victim.state() == ParleyClient.State.CONNECTED) {
              victim.dropConnection();
              clientKills.incrementAndGet();
            }
          }
          scheduleKill(pace, server, a, b, serverKills, clientKills);
        },
        delay,
        TimeUnit.MILLISECONDS);
  }
}
