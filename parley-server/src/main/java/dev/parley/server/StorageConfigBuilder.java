package dev.parley.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

/**
 * The storage and cluster part of a {@link ServerConfigBuilder}: the fields of {@link
 * StorageConfig} with their defaults (those of {@link StorageSettings}), their setters and their
 * checks, among them what a cluster needs (PostgreSQL, and one token secret on every node). The
 * second link of the builder's chain of groups ({@link NetworkConfigBuilder} says why a chain). Not
 * thread-safe.
 */
abstract sealed class StorageConfigBuilder extends NetworkConfigBuilder
    permits AccessConfigBuilder {
  private Path dataDir = StorageSettings.DATA_DIR.defaultValue();
  private StoreKind store = StorageSettings.STORE.defaultValue();
  private boolean fsync = StorageSettings.FSYNC.defaultValue();
  private Duration storeCommitDelay = StorageSettings.STORE_COMMIT_DELAY.defaultValue();
  private Duration storeMaxQueueDelay = StorageSettings.STORE_MAX_QUEUE_DELAY.defaultValue();
  private String postgresUrl = StorageSettings.PG_URL_SETTING.defaultValue();
  private String postgresUser = StorageSettings.PG_USER.defaultValue();
  private String postgresPassword = StorageSettings.PG_PASSWORD.defaultValue();
  private String postgresSchema = StorageSettings.PG_SCHEMA.defaultValue();
  private BrokerKind broker = StorageSettings.BROKER.defaultValue();
  private String redisUrl = StorageSettings.REDIS_URL.defaultValue();
  private String tokenSecret = StorageSettings.TOKEN_SECRET.defaultValue();
  private String secretsKey = StorageSettings.SECRETS_KEY.defaultValue();

  public ServerConfigBuilder dataDir(Path v) {
    dataDir = v;
    return self();
  }

  public ServerConfigBuilder fsync(boolean v) {
    fsync = v;
    return self();
  }

  public ServerConfigBuilder store(StoreKind v) {
    store = v;
    return self();
  }

  /** Sets the store by name; throws IllegalArgumentException unless sqlite or postgres. */
  public ServerConfigBuilder store(String v) {
    return store(StoreKind.parse(v));
  }

  public ServerConfigBuilder postgresUrl(String v) {
    postgresUrl = v;
    return self();
  }

  public ServerConfigBuilder postgresUser(String v) {
    postgresUser = v;
    return self();
  }

  public ServerConfigBuilder postgresPassword(String v) {
    postgresPassword = v;
    return self();
  }

  public ServerConfigBuilder postgresSchema(String v) {
    postgresSchema = v;
    return self();
  }

  public ServerConfigBuilder broker(BrokerKind v) {
    broker = v;
    return self();
  }

  /** Sets the broker by name; throws IllegalArgumentException unless memory or redis. */
  public ServerConfigBuilder broker(String v) {
    return broker(BrokerKind.parse(v));
  }

  public ServerConfigBuilder redisUrl(String v) {
    redisUrl = v;
    return self();
  }

  public ServerConfigBuilder tokenSecret(String v) {
    tokenSecret = v;
    return self();
  }

  public ServerConfigBuilder secretsKey(String v) {
    secretsKey = v;
    return self();
  }

  public ServerConfigBuilder storeCommitDelay(Duration v) {
    storeCommitDelay = v;
    return self();
  }

  /** See {@code --store-max-queue-delay}: 0, or 10ms to 60s. */
  public ServerConfigBuilder storeMaxQueueDelay(Duration v) {
    storeMaxQueueDelay = v;
    return self();
  }

  /** The store set so far (the demo guard asks: PostgreSQL says "a deployment"). */
  StoreKind storeKind() {
    return store;
  }

  /** The broker set so far (the demo guard asks: Redis says "a deployment"). */
  BrokerKind brokerKind() {
    return broker;
  }

  /**
   * Checks the storage settings and makes their part of the configuration.
   *
   * @throws IllegalArgumentException naming the setting that is wrong
   */
  StorageConfig storage() {
    if (broker == BrokerKind.REDIS && store == StoreKind.SQLITE) {
      throw new IllegalArgumentException(
          "broker redis (a cluster) needs store postgres: SQLite is one node's file");
    }
    if (broker == BrokerKind.REDIS && tokenSecret == null) {
      throw new IllegalArgumentException(
          "token-secret is required with broker redis: every node must sign visitor tokens with the same key");
    }
    if (secretsKey != null) {
      byte[] k;
      try {
        k = Base64.getDecoder().decode(secretsKey.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("secrets-key is not base64");
      }
      if (k.length != 32) {
        throw new IllegalArgumentException("secrets-key must decode to 32 bytes, has " + k.length);
      }
    }
    if (tokenSecret != null) {
      byte[] b;
      try {
        b = Base64.getDecoder().decode(tokenSecret.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("token-secret is not base64");
      }
      if (b.length < 32) {
        throw new IllegalArgumentException(
            "token-secret must decode to at least 32 bytes, has " + b.length);
      }
    }
    if (!postgresSchema.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException(
          "pg-schema must be a lower-case SQL identifier, was '" + postgresSchema + "'");
    }
    if (storeCommitDelay.isNegative() || storeCommitDelay.compareTo(Duration.ofMillis(100)) > 0) {
      throw new IllegalArgumentException(
          "store-commit-delay must be 0-100ms, was " + ValueType.duration(storeCommitDelay));
    }
    if (!storeMaxQueueDelay.isZero()
        && (storeMaxQueueDelay.compareTo(Duration.ofMillis(10)) < 0
            || storeMaxQueueDelay.compareTo(Duration.ofSeconds(60)) > 0)) {
      throw new IllegalArgumentException(
          "store-max-queue-delay must be 0ms or 10ms-60s, was "
              + ValueType.duration(storeMaxQueueDelay));
    }
    return new StorageConfig(
        dataDir,
        store.key(),
        fsync,
        storeCommitDelay,
        storeMaxQueueDelay,
        postgresUrl,
        postgresUser,
        postgresPassword,
        postgresSchema,
        broker.key(),
        redisUrl,
        tokenSecret,
        secretsKey);
  }
}
