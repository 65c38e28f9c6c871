package dev.parley.broker.redis;

import dev.parley.core.SharedState;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@link SharedState} in Redis, shared by every node.
 *
 * <ul>
 *   <li>Presence of a topic is a hash {@code <prefix>presence:<topic>}: member → {@code "<expiry
 *       epoch ms> <user>"}. Reads skip and delete expired members (nodes' clocks are assumed to
 *       agree within the time-to-live). The key itself expires after twice the time-to-live, so
 *       an abandoned topic leaves nothing behind.
 *   <li>Ephemeral state of a topic is a hash {@code <prefix>state:<topic>}: key → {@code
 *       "<expiry epoch ms> <frame>"}, read and pruned like presence.
 *   <li>A claim is a string key {@code <prefix>claim:<key>} holding the owner, set with a Lua
 *       script that takes it when free or renews it for the same owner, atomically.
 * </ul>
 *
 * <p>Thread-safe: Lettuce connections are.
 */
public final class RedisSharedState implements SharedState {
  private static final String CLAIM =
      "local cur = redis.call('GET', KEYS[1]) "
          + "if (not cur) or cur == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end "
          + "return 0";
  private static final String RELEASE =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end return 0";

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final RedisAsyncCommands<String, String> redis;
  private final String prefix;

  private RedisSharedState(String uri, String prefix) {
    this.client = RedisClient.create(RedisURI.create(uri));
    this.connection = client.connect(StringCodec.UTF8);
    this.redis = connection.async();
    this.prefix = prefix;
  }

  /** Connects to Redis at {@code uri}; keys start with {@code prefix}. */
  public static RedisSharedState connect(String uri, String prefix) {
    return new RedisSharedState(uri, prefix);
  }

  private String presenceKey(String topic) {
    return prefix + "presence:" + topic;
  }

  @Override
  public CompletableFuture<Void> presenceAdd(String topic, String member, String user, Duration ttl) {
    String key = presenceKey(topic);
    long expiresAt = System.currentTimeMillis() + ttl.toMillis();
    return redis.hset(key, member, expiresAt + " " + user).toCompletableFuture()
        .thenCompose(n -> redis.pexpire(key, ttl.toMillis() * 2).toCompletableFuture())
        .thenApply(ok -> (Void) null);
  }

  @Override
  public CompletableFuture<Void> presenceRemove(String topic, String member) {
    return redis.hdel(presenceKey(topic), member).toCompletableFuture().thenApply(n -> (Void) null);
  }

  @Override
  public CompletableFuture<Map<String, String>> presence(String topic) {
    String key = presenceKey(topic);
    return redis.hgetall(key).toCompletableFuture().thenApply(all -> {
      long now = System.currentTimeMillis();
      Map<String, String> out = new HashMap<>();
      all.forEach((member, value) -> {
        int space = value.indexOf(' ');
        long expiresAt = space > 0 ? Long.parseLong(value.substring(0, space)) : 0;
        if (expiresAt > now) {
          out.put(member, value.substring(space + 1));
        } else {
          redis.hdel(key, member);
        }
      });
      return out;
    });
  }

  @Override
  public CompletableFuture<Void> putState(String topic, String key, byte[] frame, Duration ttl) {
    String k = prefix + "state:" + topic;
    if (ttl.isZero() || ttl.isNegative()) {
      return redis.hdel(k, key).toCompletableFuture().thenApply(n -> (Void) null);
    }
    long expiresAt = System.currentTimeMillis() + ttl.toMillis();
    String value = expiresAt + " " + new String(frame, java.nio.charset.StandardCharsets.UTF_8);
    return redis.hset(k, key, value).toCompletableFuture()
        .thenCompose(n -> redis.pexpire(k, Math.max(ttl.toMillis() * 2, 60_000)).toCompletableFuture())
        .thenApply(ok -> (Void) null);
  }

  @Override
  public CompletableFuture<java.util.List<byte[]>> states(String topic) {
    String k = prefix + "state:" + topic;
    return redis.hgetall(k).toCompletableFuture().thenApply(all -> {
      long now = System.currentTimeMillis();
      java.util.List<byte[]> out = new java.util.ArrayList<>();
      all.forEach((key, value) -> {
        int space = value.indexOf(' ');
        long expiresAt = space > 0 ? Long.parseLong(value.substring(0, space)) : 0;
        if (expiresAt > now) {
          out.add(value.substring(space + 1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else {
          redis.hdel(k, key);
        }
      });
      return out;
    });
  }

  @Override
  public CompletableFuture<Boolean> claim(String key, String owner, Duration ttl) {
    return redis.<Long>eval(CLAIM, ScriptOutputType.INTEGER, new String[] {prefix + "claim:" + key}, owner,
            Long.toString(ttl.toMillis()))
        .toCompletableFuture().thenApply(r -> r == 1L);
  }

  @Override
  public CompletableFuture<Boolean> release(String key, String owner) {
    return redis.<Long>eval(RELEASE, ScriptOutputType.INTEGER, new String[] {prefix + "claim:" + key}, owner)
        .toCompletableFuture().thenApply(r -> r == 1L);
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
