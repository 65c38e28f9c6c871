package dev.parley.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The storage and cluster part of a {@link ServerConfig}: the data directory, the store and its
 * PostgreSQL connection, the broker and the keys every node of a cluster shares ({@link
 * StorageSettings}). Immutable; built by {@link StorageConfigBuilder}.
 *
 * @param dataDir where the SQLite file and the token secret live
 * @param store {@code sqlite} (embedded, one node) or {@code postgres} (shared by a cluster)
 * @param fsync whether every commit batch is fsynced (survives power loss, slower)
 * @param storeCommitDelay how long the store's writer waits for more writes before a commit in a
 *     steady stream of writes (0: never waits)
 * @param storeMaxQueueDelay the oldest queued write's age beyond which the store refuses new writes
 *     (0: only the queue's length bounds it)
 * @param postgresUrl JDBC URL of the PostgreSQL store
 * @param postgresUser PostgreSQL user (null: from the URL or the driver's default)
 * @param postgresPassword PostgreSQL password, or null
 * @param postgresSchema PostgreSQL schema, created and migrated if missing
 * @param broker {@code memory} (one node) or {@code redis} (a cluster)
 * @param redisUrl Redis URI of the broker
 * @param tokenSecret base64 of at least 32 bytes that signs visitor tokens; every node of a cluster
 *     needs the same one. Null: {@code secret.key} in the data directory (one node only)
 * @param secretsKey base64 of 32 bytes sealing the secrets of stored settings, or null to derive it
 *     from the token secret
 */
public record StorageConfig(
    Path dataDir,
    String store,
    boolean fsync,
    Duration storeCommitDelay,
    Duration storeMaxQueueDelay,
    String postgresUrl,
    String postgresUser,
    String postgresPassword,
    String postgresSchema,
    String broker,
    String redisUrl,
    String tokenSecret,
    String secretsKey) {}
