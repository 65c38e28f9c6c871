package dev.parley.server;

import static dev.parley.server.ModuleDefaults.PG_URL;
import static dev.parley.server.ModuleDefaults.SQLITE;
import static dev.parley.server.Setting.Group.CLUSTER;
import static dev.parley.server.Setting.Group.STORAGE;
import static dev.parley.server.ValueType.BOOLEAN;
import static dev.parley.server.ValueType.DURATION;
import static dev.parley.server.ValueType.PATH;
import static dev.parley.server.ValueType.STRING;

import dev.parley.store.jdbc.PostgresMessageStore;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The storage and cluster settings: the data directory, the store and its PostgreSQL connection,
 * the broker. Part of the table of {@link Settings}: declared here, listed there. Immutable.
 */
final class StorageSettings {
  private StorageSettings() {}

  // Storage
  static final Setting<Path> DATA_DIR =
      Setting.of(
              "data-dir",
              STORAGE,
              "DIR",
              PATH,
              Path.of("./data"),
              "Directory of the SQLite store, secret.key and the demo password; made with mode 0700.")
          .applies(ServerConfigBuilder::dataDir);
  static final Setting<StoreKind> STORE =
      Setting.of(
              "store",
              STORAGE,
              "S",
              ValueType.choice(StoreKind.class, "store"),
              StoreKind.SQLITE,
              "Where messages are stored: sqlite (one node) or postgres (a cluster).")
          .applies(ServerConfigBuilder::store);
  static final Setting<Boolean> FSYNC =
      Setting.of(
              "fsync",
              STORAGE,
              null,
              BOOLEAN,
              SQLITE.fsync(),
              "SQLite: fsync every commit batch (survives power loss; slower).")
          .applies(ServerConfigBuilder::fsync);
  static final Setting<Duration> STORE_COMMIT_DELAY =
      Setting.of(
              "store-commit-delay",
              STORAGE,
              "D",
              DURATION,
              SQLITE.commitDelay(),
              "In a steady stream of writes, how long the store's writer waits for more before it "
                  + "commits, so one commit carries several (0ms: never waits).")
          .details("At most `100ms`. A lone write is never delayed")
          .applies(ServerConfigBuilder::storeCommitDelay);
  static final Setting<Duration> STORE_MAX_QUEUE_DELAY =
      Setting.of(
              "store-max-queue-delay",
              STORAGE,
              "D",
              DURATION,
              SQLITE.maxQueueDelay(),
              "Overload bound: while the oldest write waiting for the store has waited this long, "
                  + "new writes are refused at once (the client sends them again).")
          .details(
              "`10ms` to `60s`, or `0ms` for none (then only the queue's length, 100,000 writes, "
                  + "bounds it). Each refusal is a retryable `store_unavailable` and counts in "
                  + "`parley_store_writes_refused_total` ([overload](#when-the-store-falls-behind))")
          .applies(ServerConfigBuilder::storeMaxQueueDelay);
  static final Setting<String> PG_URL_SETTING =
      Setting.of("pg-url", STORAGE, "URL", STRING, PG_URL, "JDBC URL of the PostgreSQL store.")
          .details("A password in it is masked by `config --print`")
          .applies(ServerConfigBuilder::postgresUrl);
  static final Setting<String> PG_USER =
      Setting.of("pg-user", STORAGE, "U", STRING, (String) null, "PostgreSQL user.")
          .applies(ServerConfigBuilder::postgresUser);
  static final Setting<String> PG_PASSWORD =
      Setting.of("pg-password", STORAGE, "P", STRING, (String) null, "PostgreSQL password.")
          .asSecret()
          .applies(ServerConfigBuilder::postgresPassword);
  static final Setting<String> PG_SCHEMA =
      Setting.of(
              "pg-schema",
              STORAGE,
              "S",
              STRING,
              PostgresMessageStore.Options.of(PG_URL, null, null).schema(),
              "PostgreSQL schema; created and migrated (Flyway) at start.")
          .applies(ServerConfigBuilder::postgresSchema);

  // Cluster
  static final Setting<BrokerKind> BROKER =
      Setting.of(
              "broker",
              CLUSTER,
              "B",
              ValueType.choice(BrokerKind.class, "broker"),
              BrokerKind.MEMORY,
              "How nodes share messages: memory (one node) or redis (a cluster).")
          .applies(ServerConfigBuilder::broker);
  static final Setting<String> REDIS_URL =
      Setting.of(
              "redis-url",
              CLUSTER,
              "URI",
              STRING,
              "redis://127.0.0.1:6379",
              "Redis for the broker and shared state (redis://:password@host:port/db, rediss:// for TLS).")
          .details("The password is masked by `config --print`")
          .applies(ServerConfigBuilder::redisUrl);
  static final Setting<String> TOKEN_SECRET =
      Setting.of(
              "token-secret",
              CLUSTER,
              "B64",
              STRING,
              (String) null,
              "Base64 of at least 32 random bytes signing visitor and agent tokens; required and the same on every node "
                  + "with --broker redis.")
          .defaultNote("data-dir/secret.key")
          .asSecret()
          .applies(ServerConfigBuilder::tokenSecret);
  static final Setting<String> SECRETS_KEY =
      Setting.of(
              "secrets-key",
              CLUSTER,
              "B64",
              STRING,
              (String) null,
              "Base64 of 32 random bytes sealing the secrets of stored settings (LLM API keys, webhook and identity "
                  + "secrets; AES-256-GCM); the same on every node.")
          .defaultNote("derived from the token secret")
          .asSecret()
          .details("Set it to rotate --token-secret without re-entering those secrets")
          .applies(ServerConfigBuilder::secretsKey);
}
