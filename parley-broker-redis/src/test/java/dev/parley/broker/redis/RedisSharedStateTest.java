package dev.parley.broker.redis;

import dev.parley.core.SharedState;
import dev.parley.core.SharedStateContract;
import dev.parley.testsupport.RedisServerProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

class RedisSharedStateTest extends SharedStateContract {
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
  protected SharedState open() {
    return RedisSharedState.connect(redis.uri(), "parley-test:");
  }
}
