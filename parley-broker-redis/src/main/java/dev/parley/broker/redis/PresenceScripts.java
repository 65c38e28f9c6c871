package dev.parley.broker.redis;

/**
 * The Lua scripts that keep a topic's presence in Redis, each atomic, in three keys (KEYS[1..3]):
 *
 * <ol>
 *   <li>{@code <prefix>presence-members:<topic>}, a sorted set of members {@code "<session>
 *       <user>"} scored by their expiry (epoch ms);
 *   <li>{@code <prefix>presence-users:<topic>}, a hash user → its live members there;
 *   <li>{@code <prefix>presence-list:<topic>}, a sorted set of the present users at score 0, so
 *       {@code ZCARD} is the count and {@code ZRANGEBYLEX} pages them in order.
 * </ol>
 *
 * <p>Every script first expires at most {@value #PRUNE_BATCH} members whose expiry has passed
 * (nodes' clocks are assumed to agree within the time-to-live), so a dead node's members go within
 * a few calls and no call costs more than that batch. An add keeps all three keys for twice the
 * time-to-live, so an abandoned topic leaves nothing behind.
 */
final class PresenceScripts {
  private PresenceScripts() {}

  /** Most expired members one call removes. */
  static final int PRUNE_BATCH = 100;

  /** Expires members: ARGV[1] is now (epoch ms). */
  private static final String PRUNE =
      "local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, "
          + PRUNE_BATCH
          + ") "
          + "for _, e in ipairs(dead) do "
          + "redis.call('ZREM', KEYS[1], e) "
          + "local u = string.sub(e, string.find(e, ' ', 1, true) + 1) "
          + "if redis.call('HINCRBY', KEYS[2], u, -1) <= 0 then "
          + "redis.call('HDEL', KEYS[2], u) redis.call('ZREM', KEYS[3], u) end "
          + "end ";

  /**
   * Adds or renews a member: ARGV now, expiry, member entry, user, keep (ms). Returns {came,
   * count}.
   */
  static final String ADD =
      PRUNE
          + "local came = 0 "
          + "if redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3]) == 1 then "
          + "if redis.call('HINCRBY', KEYS[2], ARGV[4], 1) == 1 then "
          + "redis.call('ZADD', KEYS[3], 0, ARGV[4]) came = 1 end end "
          + "for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[5]) end "
          + "return {came, redis.call('ZCARD', KEYS[3])}";

  /** Removes a member: ARGV now, member entry, user. Returns {gone, count}. */
  static final String REMOVE =
      PRUNE
          + "local gone = 0 "
          + "if redis.call('ZREM', KEYS[1], ARGV[2]) == 1 then "
          + "if redis.call('HINCRBY', KEYS[2], ARGV[3], -1) <= 0 then "
          + "redis.call('HDEL', KEYS[2], ARGV[3]) redis.call('ZREM', KEYS[3], ARGV[3]) gone = 1 "
          + "end end "
          + "return {gone, redis.call('ZCARD', KEYS[3])}";

  /** The number of present users: ARGV now. */
  static final String COUNT = PRUNE + "return redis.call('ZCARD', KEYS[3])";

  /** Whether a user is present: ARGV now, user. Returns 1 or 0. */
  static final String IS_PRESENT = PRUNE + "return redis.call('HEXISTS', KEYS[2], ARGV[2])";

  /** A page of present users: ARGV now, lex start ("-" or "(after"), limit. */
  static final String PAGE =
      PRUNE + "return redis.call('ZRANGEBYLEX', KEYS[3], ARGV[2], '+', 'LIMIT', 0, ARGV[3])";
}
