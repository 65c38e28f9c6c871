package dev.parley.chat;

import dev.parley.core.Broker;
import dev.parley.core.BrokerEvent;
import dev.parley.core.NodeClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's {@link Directory} equal to the stored configuration: loads it at start, and
 * again whenever the deployment's version moves past the one in force — told at once by a change
 * event over the broker (topic {@value #TOPIC}, the new version as its payload), and found by a
 * cheap version check every {@code pollEvery}, so a node that missed an event (a broker outage)
 * catches up within that time. A reload reads every entry and replaces the directory in one step.
 *
 * <p>Thread-safe. Reloads run one at a time on the store's threads; a reload asked for while one
 * runs is done once after it. Nothing here blocks the caller.
 */
public final class ConfigSync implements AutoCloseable {
  /** The broker topic of change events. */
  public static final String TOPIC = "parley-config";

  private static final Logger log = LoggerFactory.getLogger(ConfigSync.class);

  /** Turns stored entries into what the chat layer uses. Thread-safe. */
  public interface Decoder {
    /**
     * The site of {@code e}, or null when it is disabled. Throws IllegalArgumentException when
     * unreadable.
     */
    Site site(ConfigStore.Entry e);

    /**
     * The agent of {@code e}, or null when it is disabled. Throws IllegalArgumentException when
     * unreadable.
     */
    Agent agent(ConfigStore.Entry e);

    /**
     * The namespace of {@code e}, or null when it was deleted. Throws IllegalArgumentException when
     * unreadable.
     */
    Namespace namespace(ConfigStore.Entry e);
  }

  private final ConfigStore store;
  private final Decoder decoder;
  private final Directory directory;
  private final Broker broker;
  private final NodeClock clock;
  private final Duration pollEvery;

  /** Guards {@code reloading} and {@code again}. */
  private final Object lock = new Object();

  private CompletableFuture<Void> reloading;
  private boolean again;
  private volatile boolean closed;
  private volatile NodeClock.Timer poll;
  private volatile Broker.Subscription subscription;

  public ConfigSync(
      ConfigStore store,
      Decoder decoder,
      Directory directory,
      Broker broker,
      NodeClock clock,
      Duration pollEvery) {
    this.store = store;
    this.decoder = decoder;
    this.directory = directory;
    this.broker = broker;
    this.clock = clock;
    this.pollEvery = pollEvery;
  }

  /** Loads the configuration and starts following its changes; completes once it is in force. */
  public CompletableFuture<Void> start() {
    broker.onReconnected(this::reload);
    return broker
        .subscribe(TOPIC, this::onEvent)
        .thenCompose(
            s -> {
              subscription = s;
              return reload();
            })
        .thenRun(this::schedulePoll);
  }

  /**
   * Tells every node (this one included) that the configuration is now at {@code version}, and
   * completes once this node has it in force (read-your-writes: an admin's next request to this
   * node, the widget's appearance or a login, sees the change). Called by whoever changed the
   * store. A failed reload still completes it: the change is stored, and the poll brings it in.
   */
  public CompletableFuture<Void> changed(long version) {
    return announce(version)
        .thenCompose(
            v ->
                directory.version() >= version
                    ? CompletableFuture.<Void>completedFuture(null)
                    : reload().exceptionally(e -> null));
  }

  private CompletableFuture<Void> announce(long version) {
    return broker
        .publish(
            TOPIC,
            BrokerEvent.ephemeral(
                "config", null, 0, Long.toString(version).getBytes(StandardCharsets.US_ASCII)))
        .exceptionally(
            e -> {
              log.warn(
                  "could not announce configuration version {} ({}); other nodes find it within {}",
                  version,
                  e.toString(),
                  pollEvery);
              return null;
            });
  }

  private void onEvent(BrokerEvent e) {
    long v;
    try {
      v = Long.parseLong(new String(e.frame(), StandardCharsets.US_ASCII));
    } catch (NumberFormatException bad) {
      return;
    }
    if (v > directory.version()) {
      reload();
    }
  }

  private void schedulePoll() {
    if (closed) {
      return;
    }
    poll =
        clock.schedule(
            pollEvery,
            () ->
                store
                    .version()
                    .thenCompose(
                        v ->
                            v > directory.version()
                                ? reload()
                                : CompletableFuture.completedFuture(null))
                    .orTimeout(pollEvery.toMillis() * 2 + 1000, TimeUnit.MILLISECONDS)
                    .whenComplete(
                        (x, err) -> {
                          if (err != null) {
                            log.debug("configuration version check failed: {}", err.toString());
                          }
                          schedulePoll();
                        }));
  }

  /**
   * Reads the whole configuration and puts it in force; completes when done (or when a later one
   * is).
   */
  public CompletableFuture<Void> reload() {
    synchronized (lock) {
      if (reloading != null) {
        again = true;
        return reloading;
      }
      reloading = new CompletableFuture<>();
    }
    CompletableFuture<Void> mine = reloading;
    runReload(mine);
    return mine;
  }

  private void runReload(CompletableFuture<Void> done) {
    store
        .load()
        .whenComplete(
            (snapshot, err) -> {
              if (err != null) {
                log.warn("could not read the configuration: {}", err.toString());
              } else if (snapshot.version() >= directory.version()) {
                apply(snapshot);
              }
              synchronized (lock) {
                if (again && !closed) {
                  again = false;
                  runReload(done); // the same future: callers learn when the newest is in force
                  return;
                }
                reloading = null;
              }
              if (err != null) {
                done.completeExceptionally(err);
              } else {
                done.complete(null);
              }
            });
  }

  private void apply(ConfigStore.Snapshot snapshot) {
    Map<String, Site> sites = new HashMap<>();
    Map<String, Agent> agents = new HashMap<>();
    Map<String, Namespace> namespaces = new HashMap<>();
    for (ConfigStore.Entry e : snapshot.entries()) {
      try {
        switch (e.kind()) {
          case SITE -> {
            Site s = decoder.site(e);
            if (s != null) {
              sites.put(s.id(), s);
            }
          }
          case AGENT -> {
            Agent a = decoder.agent(e);
            if (a != null) {
              agents.put(a.user(), a);
            }
          }
          case NAMESPACE -> {
            Namespace n = decoder.namespace(e);
            if (n != null) {
              namespaces.put(n.name(), n);
            }
          }
          case API_KEY -> {
            // Not the directory's: the edge reads keys from the store when this version moves.
          }
        }
      } catch (RuntimeException bad) {
        // One unreadable entry (a key that cannot decrypt it) must not take the others down. An
        // unreadable namespace stays, closed to every client: left out, its channels would be open
        // ones where open channels are on, its rules and its proxy skipped (fail closed).
        if (e.kind() == ConfigStore.Kind.NAMESPACE && Namespace.NAME.matcher(e.id()).matches()) {
          namespaces.put(
              e.id(),
              new Namespace(
                  e.id(), Namespace.Audience.SERVER, Namespace.Audience.SERVER, false, false));
        }
        log.error(
            "configuration entry {} {} cannot be read and is left out: {}",
            e.kind().wire(),
            e.id(),
            bad.getMessage());
      }
    }
    directory.replace(sites, agents, namespaces, snapshot.version());
    log.info(
        "configuration version {} in force: {} sites, {} agents, {} namespaces",
        snapshot.version(),
        sites.size(),
        agents.size(),
        namespaces.size());
  }

  @Override
  public void close() {
    closed = true;
    NodeClock.Timer t = poll;
    if (t != null) {
      t.cancel();
    }
    Broker.Subscription s = subscription;
    if (s != null) {
      s.unsubscribe();
    }
  }
}
