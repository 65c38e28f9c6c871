package dev.parley.edge.admin;

import dev.parley.chat.ConfigSync;
import dev.parley.chat.Directory;
import dev.parley.chat.InMemoryConfigStore;
import dev.parley.core.InMemoryBroker;
import dev.parley.core.ManualClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What a test of the admin side's configuration stands on: an in-memory store, a node's directory
 * kept in step by {@link ConfigSync} over an in-memory broker on a manual clock, a {@link
 * SecretBox} with a fixed key, and the {@link Configuration} at a fixed time. The sync starts
 * before each test and stops after it.
 */
abstract class ConfigurationFixture {
  final InMemoryConfigStore store = new InMemoryConfigStore();
  final InMemoryBroker broker = new InMemoryBroker();
  final ManualClock clock = new ManualClock();
  final Directory directory = new Directory(Map.of(), Map.of());
  final SecretBox box = new SecretBox(key());
  final ConfigSync sync =
      new ConfigSync(
          store, Configuration.decoder(box), directory, broker, clock, Duration.ofSeconds(5));
  final Configuration config =
      new Configuration(store, box, sync, Clock.fixed(Instant.ofEpochMilli(1000), ZoneOffset.UTC));

  /** The secret box's key in these tests. */
  static byte[] key() {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) 7);
    return k;
  }

  @BeforeEach
  void startSync() {
    sync.start().join();
  }

  @AfterEach
  void stopSync() {
    sync.close();
    broker.close();
  }
}
