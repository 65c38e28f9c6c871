package dev.parley.broker.redis;

import dev.parley.core.SharedState;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@link SharedState} in Redis, shared by every node.
 *
 * <ul>
 *   <li>Presence of a topic is kept by the scripts of {@link PresenceScripts} in three keys, so
 *       that a join, a leave, the count and a page each cost O(log n), never a read of every
 *       member.
 *   <li>Ephemeral state of a topic is a hash {@code <prefix>state:<topic>}: key → {@code "<expiry
 *       epoch ms> <frame>"}, read and pruned like presence. A state whose frames are added one by
 *       one (a streamed answer) is marked {@code "<expiry epoch ms> @list"} there and keeps its
 *       frames in the list {@code <prefix>state-list:<topic>:<key>}, appended with {@code RPUSH} by
 *       a script that also moves the expiry, so a piece is never encoded twice.
 *   <li>A value is a string key {@code <prefix>value:<key>} holding {@code "<version> <value>"}
 *       with a time-to-live, set by a script that keeps a higher version.
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

  /**
   * Appends a frame to a listed state: KEYS[1] the topic's hash, KEYS[2] the list; ARGV key,
   * expiry, ttl ms, frame.
   */
  private static final String APPEND =
      "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' @list') "
          + "redis.call('RPUSH', KEYS[2], ARGV[4]) "
          + "redis.call('PEXPIRE', KEYS[2], ARGV[3]) "
          + "local keep = tonumber(ARGV[3]) * 2 if keep < 60000 then keep = 60000 end "
          + "redis.call('PEXPIRE', KEYS[1], keep) return 1";

  private static final String LIST_MARK = "@list";

  /**
   * Sets KEYS[1] to "ARGV[1] ARGV[2]" for ARGV[3] ms unless it holds a higher version than ARGV[1].
   */
  private static final String SET_VERSIONED =
      "local cur = redis.call('GET', KEYS[1]) "
          + "if cur then local v = tonumber(string.match(cur, '^(-?%d+) ')) "
          + "if v and v > tonumber(ARGV[1]) then return 0 end end "
          + "redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2], 'PX', ARGV[3]) return 1";

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

  /** The three keys of a topic's presence, as the presence scripts take them. */
  private String[] presenceKeys(String topic) {
    return new String[] {
      prefix + "presence-members:" + topic,
      prefix + "presence-users:" + topic,
      prefix + "presence-list:" + topic
    };
  }

  @Override
  public CompletableFuture<PresenceChange> presenceAdd(
      String topic, String member, String user, Duration ttl) {
    long now = System.currentTimeMillis();
    return redis
        .<List<Object>>eval(
            PresenceScripts.ADD,
            ScriptOutputType.MULTI,
            presenceKeys(topic),
            Long.toString(now),
            Long.toString(now + ttl.toMillis()),
            member + " " + user,
            user,
            Long.toString(Math.max(1, ttl.toMillis() * 2)))
        .toCompletableFuture()
        .thenApply(RedisSharedState::change);
  }

  @Override
  public CompletableFuture<PresenceChange> presenceRemove(
      String topic, String member, String user) {
    return redis
        .<List<Object>>eval(
            PresenceScripts.REMOVE,
            ScriptOutputType.MULTI,
            presenceKeys(topic),
            Long.toString(System.currentTimeMillis()),
            member + " " + user,
            user)
        .toCompletableFuture()
        .thenApply(RedisSharedState::change);
  }

  private static PresenceChange change(List<Object> r) {
    return new PresenceChange(((Long) r.get(0)) == 1L, ((Long) r.get(1)).intValue());
  }

  @Override
  public CompletableFuture<Integer> presenceCount(String topic) {
    return redis
        .<Long>eval(
            PresenceScripts.COUNT,
            ScriptOutputType.INTEGER,
            presenceKeys(topic),
            Long.toString(System.currentTimeMillis()))
        .toCompletableFuture()
        .thenApply(Long::intValue);
  }

  @Override
  public CompletableFuture<Boolean> isPresent(String topic, String user) {
    return redis
        .<Long>eval(
            PresenceScripts.IS_PRESENT,
            ScriptOutputType.INTEGER,
            presenceKeys(topic),
            Long.toString(System.currentTimeMillis()),
            user)
        .toCompletableFuture()
        .thenApply(r -> r == 1L);
  }

  @Override
  public CompletableFuture<List<String>> presentUsers(String topic, String after, int limit) {
    return redis
        .<List<Object>>eval(
            PresenceScripts.PAGE,
            ScriptOutputType.MULTI,
            presenceKeys(topic),
            Long.toString(System.currentTimeMillis()),
            after == null ? "-" : "(" + after,
            Integer.toString(limit))
        .toCompletableFuture()
        .thenApply(r -> r.stream().map(String::valueOf).toList());
  }

  private String stateKey(String topic) {
    return prefix + "state:" + topic;
  }

  private String stateListKey(String topic, String key) {
    return prefix + "state-list:" + topic + ":" + key;
  }

  @Override
  public CompletableFuture<Void> putState(String topic, String key, byte[] frame, Duration ttl) {
    String k = stateKey(topic);
    CompletableFuture<Long> dropList = redis.del(stateListKey(topic, key)).toCompletableFuture();
    if (ttl.isZero() || ttl.isNegative()) {
      return dropList
          .thenCompose(n -> redis.hdel(k, key).toCompletableFuture())
          .thenApply(n -> (Void) null);
    }
    long expiresAt = System.currentTimeMillis() + ttl.toMillis();
    String value = expiresAt + " " + new String(frame, StandardCharsets.UTF_8);
    return dropList
        .thenCompose(n -> redis.hset(k, key, value).toCompletableFuture())
        .thenCompose(
            n -> redis.pexpire(k, Math.max(ttl.toMillis() * 2, 60_000)).toCompletableFuture())
        .thenApply(ok -> (Void) null);
  }

  @Override
  public CompletableFuture<Void> appendState(String topic, String key, byte[] frame, Duration ttl) {
    long expiresAt = System.currentTimeMillis() + ttl.toMillis();
    return redis
        .<Long>eval(
            APPEND,
            ScriptOutputType.INTEGER,
            new String[] {stateKey(topic), stateListKey(topic, key)},
            key,
            Long.toString(expiresAt),
            Long.toString(Math.max(1, ttl.toMillis())),
            new String(frame, StandardCharsets.UTF_8))
        .toCompletableFuture()
        .thenApply(r -> (Void) null);
  }

  @Override
  public CompletableFuture<List<byte[]>> states(String topic) {
    String k = stateKey(topic);
    return redis
        .hgetall(k)
        .toCompletableFuture()
        .thenCompose(
            all -> {
              long now = System.currentTimeMillis();
              List<CompletableFuture<List<byte[]>>> parts = new ArrayList<>();
              all.forEach(
                  (key, value) -> {
                    int space = value.indexOf(' ');
                    long expiresAt = space > 0 ? Long.parseLong(value.substring(0, space)) : 0;
                    String body = value.substring(space + 1);
                    if (expiresAt <= now) {
                      redis.hdel(k, key);
                    } else if (body.equals(LIST_MARK)) {
                      parts.add(
                          redis
                              .lrange(stateListKey(topic, key), 0, -1)
                              .toCompletableFuture()
                              .thenApply(
                                  frames ->
                                      frames.stream()
                                          .map(f -> f.getBytes(StandardCharsets.UTF_8))
                                          .toList()));
                    } else {
                      parts.add(
                          CompletableFuture.completedFuture(
                              List.of(body.getBytes(StandardCharsets.UTF_8))));
                    }
                  });
              return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                  .thenApply(
                      v -> {
                        List<byte[]> out = new ArrayList<>();
                        parts.forEach(p -> out.addAll(p.join()));
                        return out;
                      });
            });
  }

  @Override
  public CompletableFuture<Boolean> setValue(String key, String value, long version, Duration ttl) {
    return redis
        .<Long>eval(
            SET_VERSIONED,
            ScriptOutputType.INTEGER,
            new String[] {prefix + "value:" + key},
            Long.toString(version),
            value,
            Long.toString(Math.max(1, ttl.toMillis())))
        .toCompletableFuture()
        .thenApply(r -> r == 1L);
  }

  @Override
  public CompletableFuture<Void> removeValue(String key) {
    return redis.del(prefix + "value:" + key).toCompletableFuture().thenApply(n -> (Void) null);
  }

  @Override
  public CompletableFuture<String> value(String key) {
    return redis
        .get(prefix + "value:" + key)
        .toCompletableFuture()
        .thenApply(v -> v == null ? null : v.substring(v.indexOf(' ') + 1));
  }

  @Override
  public CompletableFuture<Boolean> claim(String key, String owner, Duration ttl) {
    return redis
        .<Long>eval(
            CLAIM,
            ScriptOutputType.INTEGER,
            new String[] {prefix + "claim:" + key},
            owner,
            Long.toString(ttl.toMillis()))
        .toCompletableFuture()
        .thenApply(r -> r == 1L);
  }

  @Override
  public CompletableFuture<Boolean> release(String key, String owner) {
    return redis
        .<Long>eval(
            RELEASE, ScriptOutputType.INTEGER, new String[] {prefix + "claim:" + key}, owner)
        .toCompletableFuture()
        .thenApply(r -> r == 1L);
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
