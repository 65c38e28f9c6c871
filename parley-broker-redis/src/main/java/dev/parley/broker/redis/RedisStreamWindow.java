package dev.parley.broker.redis;

import dev.parley.core.StreamWindow;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * {@link StreamWindow} in Redis, shared by every node. A stream has two keys:
 *
 * <ul>
 *   <li>{@code <prefix>window:<stream>}, a hash with its {@code epoch}, its last {@code seq} and
 *       when it was last used ({@code at}, epoch ms by the caller's clock), kept {@link
 *       StreamWindow#IDLE_KEEP} after the last append or read, or {@link
 *       StreamWindow#UNWRITTEN_KEEP} after the last read while its seq is 0 (a join of a name
 *       nobody writes into costs a key for minutes, not a day);
 *   <li>{@code <prefix>window-log:<stream>}, a list of its kept messages, oldest first, each {@code
 *       "<epoch ms> <frame>"}; the seqs are contiguous, so the first one's is {@code seq - LLEN +
 *       1}. It expires with its time-to-live.
 * </ul>
 *
 * <p>Each operation is one Lua script, atomic: it makes the epoch when the hash is missing (first
 * use, a flushed or restarted Redis, an idle stream) or unused longer than it is kept by the
 * caller's clock (so the keeps hold whatever Redis's own clock says), so a lost window always shows
 * as a new epoch; it trims the list to the size and drops entries older than the time-to-live (by
 * the caller's clock; nodes' clocks are assumed to agree within a second or so); an append numbers
 * the message and keeps its frame in the same step ({@link StreamWindow.Template}).
 *
 * <p>Thread-safe: Lettuce connections are.
 */
public final class RedisStreamWindow implements StreamWindow {
  /**
   * Makes the epoch when missing or unused longer than kept, and stamps the use; KEYS[1] the hash,
   * KEYS[2] the list, ARGV[1] a new epoch, ARGV[2] now, ARGV[5] idle keep ms, ARGV[6] unwritten
   * keep ms.
   */
  private static final String EPOCH =
      "local h = redis.call('HMGET', KEYS[1], 'epoch', 'seq', 'at') "
          + "local epoch = h[1] "
          + "if epoch and h[3] then "
          + "local keep = tonumber(h[2]) == 0 and tonumber(ARGV[6]) or tonumber(ARGV[5]) "
          + "if tonumber(ARGV[2]) - tonumber(h[3]) > keep then epoch = false end end "
          + "if not epoch then epoch = ARGV[1] redis.call('DEL', KEYS[2]) "
          + "redis.call('HSET', KEYS[1], 'epoch', epoch, 'seq', 0) end "
          + "redis.call('HSET', KEYS[1], 'at', ARGV[2]) ";

  /** Trims the list: ARGV[2] now, ARGV[3] size, ARGV[4] ttl ms. */
  private static final String TRIM =
      "redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1) "
          + "local oldest = tonumber(ARGV[2]) - tonumber(ARGV[4]) "
          + "while true do local e = redis.call('LINDEX', KEYS[2], 0) "
          + "if (not e) or tonumber(string.match(e, '^(%d+) ')) >= oldest then break end "
          + "redis.call('LPOP', KEYS[2]) end ";

  /**
   * ARGV: new epoch, now, size, ttl ms, idle keep ms, unwritten keep ms, head, tail. Returns
   * {epoch, seq}.
   */
  private static final String APPEND =
      EPOCH
          + "local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1) "
          + "redis.call('RPUSH', KEYS[2], ARGV[2] .. ' ' .. ARGV[7] .. seq .. ARGV[8]) "
          + TRIM
          + "redis.call('PEXPIRE', KEYS[1], ARGV[5]) redis.call('PEXPIRE', KEYS[2], ARGV[4]) "
          + "return {epoch, seq}";

  /**
   * ARGV: new epoch, now, size, ttl ms, idle keep ms, unwritten keep ms, the reader's epoch ("" for
   * none), its position ("live" for {@link StreamWindow#LIVE}). Returns {epoch, last seq,
   * continuous 1/0, entries}.
   */
  private static final String SINCE =
      EPOCH
          + TRIM
          + "local last = tonumber(redis.call('HGET', KEYS[1], 'seq')) "
          + "redis.call('PEXPIRE', KEYS[1], last == 0 and ARGV[6] or ARGV[5]) "
          + "local oldest = last - redis.call('LLEN', KEYS[2]) + 1 "
          + "if ARGV[8] == 'live' then return {epoch, last, 1, {}} end "
          + "local after = tonumber(ARGV[8]) "
          + "local same = (ARGV[7] == epoch) or (ARGV[7] == '' and after == 0) "
          + "if same and after >= last then return {epoch, last, 1, {}} end "
          + "if same and after >= oldest - 1 then "
          + "return {epoch, last, 1, redis.call('LRANGE', KEYS[2], after - oldest + 1, -1)} end "
          + "return {epoch, last, 0, redis.call('LRANGE', KEYS[2], 0, -1)}";

  /**
   * ARGV: new epoch, now, size, ttl ms, idle keep ms, unwritten keep ms, before, limit. Returns
   * {epoch, the first entry's seq, more 1/0, entries}: a range of the list, never all of it.
   */
  private static final String BEFORE =
      EPOCH
          + TRIM
          + "local last = tonumber(redis.call('HGET', KEYS[1], 'seq')) "
          + "redis.call('PEXPIRE', KEYS[1], last == 0 and ARGV[6] or ARGV[5]) "
          + "local oldest = last - redis.call('LLEN', KEYS[2]) + 1 "
          + "local upto = math.min(tonumber(ARGV[7]) - 1, last) "
          + "local from = math.max(oldest, upto - tonumber(ARGV[8]) + 1) "
          + "if upto < from then return {epoch, from, 0, {}} end "
          + "return {epoch, from, from > oldest and 1 or 0, "
          + "redis.call('LRANGE', KEYS[2], from - oldest, upto - oldest)}";

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final RedisAsyncCommands<String, String> redis;
  private final String prefix;
  private final LongSupplier nowMillis;
  private final SecureRandom random = new SecureRandom();

  private RedisStreamWindow(String uri, String prefix, LongSupplier nowMillis) {
    this.client = RedisClient.create(RedisURI.create(uri));
    this.connection = client.connect(StringCodec.UTF8);
    this.redis = connection.async();
    this.prefix = prefix;
    this.nowMillis = nowMillis;
  }

  /**
   * Connects to Redis at {@code uri}; keys start with {@code prefix}; ages are read from {@code
   * nowMillis} (epoch ms).
   */
  public static RedisStreamWindow connect(String uri, String prefix, LongSupplier nowMillis) {
    return new RedisStreamWindow(uri, prefix, nowMillis);
  }

  private String[] keys(String stream) {
    return new String[] {prefix + "window:" + stream, prefix + "window-log:" + stream};
  }

  private String newEpoch() {
    byte[] b = new byte[9];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /**
   * Dispatches the script itself ({@link StatefulRedisConnection#dispatch}) rather than through
   * {@code eval}, so {@code then} is attached to the command's future before the command is sent:
   * the future completes on the connection's I/O thread in the order of the replies, which is the
   * order Redis numbered the appends in, and {@code then} runs right there, never late on the
   * caller's thread.
   */
  @Override
  public <T> CompletableFuture<T> append(
      String stream,
      Limits limits,
      Template template,
      Function<? super Position, ? extends CompletionStage<T>> then) {
    String[] keys = keys(stream);
    CommandArgs<String, String> args =
        new CommandArgs<>(StringCodec.UTF8)
            .add(APPEND)
            .add(keys.length)
            .addKeys(keys)
            .addValues(
                argv(
                    limits,
                    new String(template.head(), StandardCharsets.UTF_8),
                    new String(template.tail(), StandardCharsets.UTF_8)));
    AsyncCommand<String, String, List<Object>> command =
        new AsyncCommand<>(
            new Command<>(CommandType.EVAL, new NestedMultiOutput<>(StringCodec.UTF8), args));
    CompletableFuture<T> done =
        command.thenApply(r -> new Position((String) r.get(0), (Long) r.get(1))).thenCompose(then);
    try {
      connection.dispatch(command);
    } catch (RuntimeException e) {
      command.completeExceptionally(e);
    }
    return done;
  }

  @Override
  public CompletableFuture<Replay> since(String stream, Limits limits, String epoch, long after) {
    return read(
            SINCE,
            stream,
            limits,
            epoch == null ? "" : epoch,
            after == LIVE ? "live" : Long.toString(after))
        .thenApply(RedisStreamWindow::replay);
  }

  @Override
  public CompletableFuture<Page> before(String stream, Limits limits, long before, int limit) {
    return read(
            BEFORE,
            stream,
            limits,
            Long.toString(Math.min(before, Long.MAX_VALUE / 2)),
            Integer.toString(Math.max(1, limit)))
        .thenApply(
            r -> {
              @SuppressWarnings("unchecked")
              List<Object> raw = (List<Object>) r.get(3);
              return new Page(
                  (String) r.get(0), entries((Long) r.get(1), raw), (Long) r.get(2) == 1L);
            });
  }

  /**
   * Runs a read {@code script} (the epoch made when missing, the window trimmed) with the common
   * arguments and the script's own two last ones.
   */
  private CompletableFuture<List<Object>> read(
      String script, String stream, Limits limits, String arg7, String arg8) {
    return redis
        .<List<Object>>eval(script, ScriptOutputType.MULTI, keys(stream), argv(limits, arg7, arg8))
        .toCompletableFuture();
  }

  /**
   * Every script's ARGV: a new epoch, now, size, ttl ms, idle keep ms, unwritten keep ms, then the
   * script's own two.
   */
  private String[] argv(Limits limits, String arg7, String arg8) {
    return new String[] {
      newEpoch(),
      Long.toString(nowMillis.getAsLong()),
      Integer.toString(limits.size()),
      Long.toString(limits.ttl().toMillis()),
      Long.toString(IDLE_KEEP.toMillis()),
      Long.toString(UNWRITTEN_KEEP.toMillis()),
      arg7,
      arg8
    };
  }

  /** Kept list items ({@code "<at> <frame>"}) as entries numbered from {@code first}. */
  private static List<Entry> entries(long first, List<Object> raw) {
    List<Entry> entries = new ArrayList<>(raw.size());
    long seq = first;
    for (Object o : raw) {
      String e = (String) o;
      entries.add(
          new Entry(seq++, e.substring(e.indexOf(' ') + 1).getBytes(StandardCharsets.UTF_8)));
    }
    return entries;
  }

  /** The script's answer as a {@link Replay}: entries numbered from the last seq backwards. */
  private static Replay replay(List<Object> r) {
    long last = (Long) r.get(1);
    @SuppressWarnings("unchecked")
    List<Object> raw = (List<Object>) r.get(3);
    return new Replay(
        (String) r.get(0), last, (Long) r.get(2) == 1L, entries(last - raw.size() + 1, raw));
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown();
  }
}
