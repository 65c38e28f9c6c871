package dev.parley.broker.redis;

import dev.parley.core.StreamWindow;
import dev.parley.core.StreamWindowContract;
import dev.parley.testsupport.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The window contract on a Redis of this test's own (so losing everything is a FLUSHALL). */
class RedisStreamWindowTest extends StreamWindowContract {
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
  protected StreamWindow open() {
    return RedisStreamWindow.connect(redis.uri(), "parley-window-test:", now::get);
  }

  @Override
  protected boolean shared() {
    return true;
  }

  @Override
  protected void loseEverything() {
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      c.sync().flushall();
    } finally {
      client.shutdown();
    }
  }
}
