package dev.parley.broker.redis;

import dev.parley.core.Broker;
import dev.parley.core.BrokerEvent;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Broker} of a cluster: Redis pub/sub through Lettuce. Each node keeps one connection
 * for publishing and one for its subscriptions; a topic {@code conv:x} is the Redis channel {@code
 * <prefix>conv:x}.
 *
 * <p>When Redis goes away, Lettuce reconnects by itself and publishes issued meanwhile are queued
 * (up to {@code maxQueued}). Events published while this node's subscription connection was down
 * are lost to it, so once it is back this broker subscribes every channel again, waits for Redis to
 * confirm, and then tells the core ({@link #onReconnected}), which catches every subscriber up from
 * the store.
 *
 * <p>Thread-safe. Subscribing and unsubscribing are counted per channel under this object's lock,
 * so the SUBSCRIBE and UNSUBSCRIBE commands go out in the order the counts change.
 */
public final class RedisBroker implements Broker {
  private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);

  private final RedisClient client;
  private final StatefulRedisConnection<byte[], byte[]> pub;
  private final StatefulRedisPubSubConnection<byte[], byte[]> sub;
  private final String prefix;
  private final ConcurrentHashMap<String, List<Consumer<BrokerEvent>>> listeners =
      new ConcurrentHashMap<>();
  private final List<Runnable> reconnectListeners = new CopyOnWriteArrayList<>();

  /** Subscriptions per channel. Guarded by {@code this}. */
  private final Map<String, Integer> counts = new HashMap<>();

  private volatile boolean subscriptionConnectionLost;

  private RedisBroker(String uri, String prefix, int maxQueued) {
    this.prefix = prefix;
    this.client = RedisClient.create(RedisURI.create(uri));
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .requestQueueSize(maxQueued)
            .socketOptions(
                SocketOptions.builder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .keepAlive(true)
                    .build())
            .build());
    this.pub = client.connect(ByteArrayCodec.INSTANCE);
    this.sub = client.connectPubSub(ByteArrayCodec.INSTANCE);
    sub.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(byte[] channel, byte[] message) {
            dispatch(new String(channel, StandardCharsets.UTF_8), message);
          }
        });
    client.addListener(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (connection == sub) {
              subscriptionConnectionLost = true;
              log.warn("lost the Redis subscription connection; reconnecting");
            }
          }

          @Override
          public void onRedisConnected(
              RedisChannelHandler<?, ?> connection, SocketAddress address) {
            if (connection == sub && subscriptionConnectionLost) {
              subscriptionConnectionLost = false;
              resubscribeAll();
            }
          }
        });
  }

  /**
   * Connects to Redis at {@code uri} (e.g. {@code redis://127.0.0.1:6379}).
   *
   * @param prefix prepended to every channel, so deployments can share one Redis
   */
  public static RedisBroker connect(String uri, String prefix) {
    return new RedisBroker(uri, prefix, 100_000);
  }

  private void dispatch(String channel, byte[] message) {
    if (!channel.startsWith(prefix)) {
      return;
    }
    List<Consumer<BrokerEvent>> ls = listeners.get(channel.substring(prefix.length()));
    if (ls == null) {
      return;
    }
    BrokerEvent event;
    try {
      event = BrokerEventCodec.decode(message);
    } catch (RuntimeException e) {
      log.warn("undecodable event on {} ignored", channel);
      return;
    }
    for (Consumer<BrokerEvent> l : ls) {
      l.accept(event);
    }
  }

  private byte[] channel(String topic) {
    return (prefix + topic).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public synchronized CompletableFuture<Subscription> subscribe(
      String topic, Consumer<BrokerEvent> listener) {
    listeners.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(listener);
    int n = counts.merge(topic, 1, Integer::sum);
    Subscription s =
        new Subscription() {
          private boolean done;

          @Override
          public void unsubscribe() {
            synchronized (RedisBroker.this) {
              if (done) {
                return;
              }
              done = true;
              listeners.computeIfPresent(
                  topic,
                  (t, list) -> {
                    list.remove(listener);
                    return list.isEmpty() ? null : list;
                  });
              if (counts.merge(topic, -1, Integer::sum) == 0) {
                counts.remove(topic);
                sub.async().unsubscribe(channel(topic));
              }
            }
          }
        };
    if (n > 1) {
      return CompletableFuture.completedFuture(s);
    }
    return sub.async().subscribe(channel(topic)).toCompletableFuture().thenApply(v -> s);
  }

  private void resubscribeAll() {
    byte[][] channels;
    synchronized (this) {
      channels = counts.keySet().stream().map(this::channel).toArray(byte[][]::new);
    }
    CompletableFuture<?> done =
        channels.length == 0
            ? CompletableFuture.completedFuture(null)
            : sub.async().subscribe(channels).toCompletableFuture();
    done.whenComplete(
        (v, err) -> {
          if (err != null) {
            log.warn(
                "re-subscribing after a Redis outage failed; will retry on the next reconnect",
                err);
            subscriptionConnectionLost = true;
            return;
          }
          log.info(
              "Redis is back: {} channels subscribed again; catching subscribers up from the store",
              channels.length);
          reconnectListeners.forEach(Runnable::run);
        });
  }

  @Override
  public CompletableFuture<Void> publish(String topic, BrokerEvent event) {
    return pub.async()
        .publish(channel(topic), BrokerEventCodec.encode(event))
        .toCompletableFuture()
        .thenApply(receivers -> (Void) null);
  }

  @Override
  public void onReconnected(Runnable listener) {
    reconnectListeners.add(listener);
  }

  @Override
  public boolean isHealthy() {
    return pub.isOpen() && sub.isOpen();
  }

  @Override
  public void close() {
    sub.close();
    pub.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
