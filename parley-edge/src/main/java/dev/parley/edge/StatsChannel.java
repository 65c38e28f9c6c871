package dev.parley.edge;

import dev.parley.chat.ServerChannels;
import dev.parley.core.AppendRequest;
import dev.parley.core.ChannelPresence;
import dev.parley.core.Node;
import dev.parley.core.NodeClock;
import dev.parley.protocol.Push;
import dev.parley.protocol.http.Json;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this node's {@link LiveFigures} into {@link ServerChannels#STATS} every {@link #EVERY},
 * while anyone on any node is subscribed to it (its presence count, which the cluster shares): one
 * message per node per tick, of kind and sender {@value #SENDER}, its text the figures' JSON with
 * the node's random {@code node} id first ({@code docs/PROTOCOL.md#server-channels}). Each tick
 * encodes the figures once; the core encodes the message once and fans it out like any ephemeral
 * channel's ({@link Node#append}).
 *
 * <p>Ticks run on the node's clock's timer thread and never block it: the figures are read from
 * gauges, and the presence read and the append complete elsewhere. The presence read completes on
 * whatever thread the shared state answers on (a Redis I/O thread in a cluster), so reading and
 * encoding the figures hops back to the timer thread. The next tick is scheduled once the last one
 * finished, so a slow broker never stacks them up, or after {@link #TICK_TIMEOUT} at the latest, so
 * a read or an append that never completes (a stuck broker) never stops the ticks; that step (a
 * lock and a timer) is cheap and runs on whichever thread finished the tick. Thread-safe; {@link
 * #close()} stops the ticks.
 */
public final class StatsChannel implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatsChannel.class);

  /** How often the figures are published. */
  public static final Duration EVERY = Duration.ofSeconds(1);

  /**
   * How long a tick waits for the presence read and the append before it gives up and schedules the
   * next: five ticks, so a slow broker is waited for, a stuck one is not.
   */
  public static final Duration TICK_TIMEOUT = EVERY.multipliedBy(5);

  /** The sender and the kind of the figures' messages (no client may send into the channel). */
  public static final String SENDER = "server";

  private final Node node;
  private final Supplier<Map<String, Object>> figures;
  private final Supplier<CompletableFuture<Integer>> listeners;

  /** Runs a task on the node's clock's timer thread, as soon as it is free. */
  private final Executor onTimer;

  private final String nodeId;

  /** The next tick; replaced by the last tick's completion. Guarded by {@code this}. */
  private NodeClock.Timer next;

  /** Set by {@link #close()}: no tick is scheduled any more. Guarded by {@code this}. */
  private boolean closed;

  private StatsChannel(
      Node node,
      Supplier<Map<String, Object>> figures,
      Supplier<CompletableFuture<Integer>> listeners) {
    this.node = node;
    this.figures = figures;
    this.listeners = listeners;
    this.onTimer = task -> node.clock().schedule(Duration.ZERO, task);
    byte[] b = new byte[6];
    new SecureRandom().nextBytes(b);
    this.nodeId = "n_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Starts publishing {@code figures} on {@code node}: the first tick is {@link #EVERY} away. */
  public static StatsChannel start(Node node, Supplier<Map<String, Object>> figures) {
    ChannelPresence presence = new ChannelPresence(node);
    return start(
        node,
        figures,
        () -> presence.of(ServerChannels.STATS, 1).thenApply(Push.PresenceList::count));
  }

  /**
   * Starts publishing {@code figures} on {@code node} while {@code listeners} (how many are joined
   * to the channel on any node) is above 0; the tests give a read of their own.
   */
  static StatsChannel start(
      Node node,
      Supplier<Map<String, Object>> figures,
      Supplier<CompletableFuture<Integer>> listeners) {
    StatsChannel c = new StatsChannel(node, figures, listeners);
    c.schedule();
    return c;
  }

  /** The id this node's figures carry as {@code node}. */
  public String nodeId() {
    return nodeId;
  }

  private synchronized void schedule() {
    if (!closed) {
      next = node.clock().schedule(EVERY, this::tick);
    }
  }

  /**
   * One tick: publishes when someone listens, then schedules the next, at the latest {@link
   * #TICK_TIMEOUT} from now. Timer thread.
   */
  private void tick() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    NodeClock.Timer timeout =
        node.clock()
            .schedule(
                TICK_TIMEOUT,
                () ->
                    done.completeExceptionally(
                        new TimeoutException("no answer within " + TICK_TIMEOUT)));
    try {
      listeners
          .get()
          .thenComposeAsync(
              n ->
                  n > 0 && !done.isDone() // a late answer publishes nothing
                      ? publish()
                      : CompletableFuture.completedFuture(null),
              onTimer)
          .whenComplete(
              (v, e) -> {
                if (e != null) {
                  done.completeExceptionally(e);
                } else {
                  done.complete(null);
                }
              });
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
    done.whenComplete(
        (v, e) -> {
          timeout.cancel();
          if (e != null) {
            log.debug("could not publish the live figures", e);
          }
          schedule();
        });
  }

  /** Encodes the figures once and appends them to the channel. Timer thread. */
  private CompletableFuture<Void> publish() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("node", nodeId);
    f.putAll(figures.get());
    String text = new String(Json.write(f), StandardCharsets.UTF_8);
    return node.append(
            new AppendRequest(
                ServerChannels.STATS, SENDER, null, SENDER, text, node.clock().millis()))
        .thenApply(a -> null);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (next != null) {
      next.cancel();
    }
  }
}
