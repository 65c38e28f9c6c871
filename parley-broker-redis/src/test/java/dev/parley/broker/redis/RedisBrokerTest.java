package dev.parley.broker.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.Broker;
import dev.parley.core.BrokerContract;
import dev.parley.core.BrokerEvent;
import dev.parley.testsupport.RedisServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker contract over a redis-server this test starts, plus a Redis restart. */
class RedisBrokerTest extends BrokerContract {
  @TempDir static Path dir;
  static RedisServerProcess redis;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServerProcess.start(dir);
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.close();
  }

  @Override
  protected Broker openBroker() {
    return RedisBroker.connect(redis.uri(), "parley-test:");
  }

  @Test
  void afterARedisRestartSubscriptionsComeBackAndTheCoreIsToldToCatchUp() throws Exception {
    AtomicInteger reconnects = new AtomicInteger();
    nodeB.onReconnected(reconnects::incrementAndGet);
    List<Long> got = new CopyOnWriteArrayList<>();
    nodeB.subscribe("conv:restart", e -> got.add(e.seq())).get(10, TimeUnit.SECONDS);
    nodeA.publish(
        "conv:restart", BrokerEvent.message(1, "u", "{}".getBytes(StandardCharsets.UTF_8)));
    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);

    redis.kill();
    redis.start();

    await().atMost(Duration.ofSeconds(30)).until(() -> reconnects.get() >= 1);
    nodeA.publish(
        "conv:restart", BrokerEvent.message(2, "u", "{}".getBytes(StandardCharsets.UTF_8)));
    await().atMost(Duration.ofSeconds(30)).until(() -> got.contains(2L));
    assertThat(nodeA.isHealthy()).isTrue();
  }
}
