package dev.parley.bots;

import dev.parley.chat.DeliveryStore;
import dev.parley.chat.DeliveryStore.Attempt;
import dev.parley.chat.DeliveryStore.Delivery;
import dev.parley.chat.DeliveryStore.Status;
import dev.parley.chat.EventWebhook;
import dev.parley.chat.Site;
import dev.parley.core.NodeClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends stored event webhook deliveries ({@link DeliveryStore}): claims the due ones with a lease
 * (so in a cluster one node sends each), posts each to its webhook's URL signed with {@link
 * WebhookSignature} (direction {@code to-integration}, header {@code X-Parley-Delivery} the
 * delivery's id), and records the outcome — delivered on 2xx; on a network error, a time-out, 408,
 * 429 or 5xx due again after {@link DeliveryBackoff}'s delay until its attempts are spent, then
 * failed; failed at once on any other status, or when its webhook is gone or disabled. Settled
 * deliveries are deleted after {@link Config#keepLog}.
 *
 * <p>Threads: passes run one at a time on {@code parley-webhook-dispatcher} (a platform daemon
 * thread), started by the clock's timer every {@link Config#poll} and by {@link #wake}; each post
 * runs on a virtual thread of its own, at most {@link Config#concurrency} at once; every time comes
 * from the {@link NodeClock}, so tests drive retries with a manual clock and {@link #runOnce}.
 */
public final class WebhookDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

  /**
   * How the dispatcher works.
   *
   * @param poll how often it looks for due deliveries (besides being woken)
   * @param lease how long a claim lasts; longer than {@code timeout}
   * @param timeout one post's time-out
   * @param concurrency posts in flight at most
   * @param backoff the retries
   * @param keepLog how long delivered and failed deliveries stay in the log
   */
  public record Config(
      Duration poll,
      Duration lease,
      Duration timeout,
      int concurrency,
      DeliveryBackoff backoff,
      Duration keepLog) {
    /** A poll every second, a 60 s lease, 10 s time-outs, 32 posts at once, a week's log. */
    public static Config of(DeliveryBackoff backoff, Duration keepLog) {
      return new Config(
          Duration.ofSeconds(1),
          Duration.ofSeconds(60),
          Duration.ofSeconds(10),
          32,
          backoff,
          keepLog);
    }
  }

  private final DeliveryStore store;
  private final Function<String, Site> sites;
  private final NodeClock clock;
  private final Config config;
  private final String owner;
  private final DoubleSupplier random;
  private final HttpClient http;
  private final ExecutorService passes;
  private final ExecutorService posts = Executors.newVirtualThreadPerTaskExecutor();
  private final Semaphore inFlight;

  /** Whether a pass is queued or running (passes never overlap); any thread. */
  private final AtomicBoolean passQueued = new AtomicBoolean();

  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  /** When settled deliveries were last pruned (clock millis); pass thread only. */
  private long prunedAt;

  private volatile NodeClock.Timer timer;
  private volatile boolean closed;

  /**
   * @param sites the live site of an id (null when it is gone or disabled)
   * @param owner this node's name in leases
   * @param random numbers in [0, 1) for the backoff's jitter
   */
  public WebhookDispatcher(
      DeliveryStore store,
      Function<String, Site> sites,
      NodeClock clock,
      Config config,
      String owner,
      DoubleSupplier random) {
    this.store = store;
    this.sites = sites;
    this.clock = clock;
    this.config = config;
    this.owner = owner;
    this.random = random;
    this.inFlight = new Semaphore(config.concurrency());
    this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
    this.passes =
        Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("parley-webhook-dispatcher").daemon(true).unstarted(r));
    this.prunedAt = clock.millis();
  }

  /** With {@link ThreadLocalRandom}'s jitter. */
  public WebhookDispatcher(
      DeliveryStore store,
      Function<String, Site> sites,
      NodeClock clock,
      Config config,
      String owner) {
    this(store, sites, clock, config, owner, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** Starts the periodic passes. */
  public WebhookDispatcher start() {
    schedule();
    return this;
  }

  private void schedule() {
    if (!closed) {
      timer =
          clock.schedule(
              config.poll(),
              () -> {
                wake();
                schedule();
              });
    }
  }

  /** Runs a pass soon (new deliveries were stored); passes already queued absorb it. Any thread. */
  public void wake() {
    if (!closed && passQueued.compareAndSet(false, true)) {
      passes.execute(
          () -> {
            passQueued.set(false);
            try {
              pass();
            } catch (RuntimeException e) {
              log.warn("webhook delivery pass failed: {}", e.toString());
            }
          });
    }
  }

  /**
   * One pass on the caller's thread: claims what is due (as many as there is room for in flight),
   * starts each post and completes once all of them are settled, with how many were claimed. For
   * tests (with a manual clock); {@link #start} runs passes by itself.
   */
  CompletableFuture<Integer> runOnce() {
    return pass();
  }

  private CompletableFuture<Integer> pass() {
    long now = clock.millis();
    if (now - prunedAt >= Duration.ofHours(1).toMillis()) {
      prunedAt = now;
      store
          .prune(now - config.keepLog().toMillis())
          .whenComplete(
              (n, e) -> {
                if (e != null) {
                  log.warn("could not prune the delivery log: {}", e.toString());
                }
              });
    }
    int room = inFlight.availablePermits();
    if (room == 0) {
      return CompletableFuture.completedFuture(0);
    }
    List<Delivery> claimed = store.claim(owner, now, config.lease(), room).join();
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (Delivery d : claimed) {
      inFlight.acquireUninterruptibly();
      CompletableFuture<Void> f = CompletableFuture.runAsync(() -> send(d), posts);
      f.whenComplete((v, e) -> inFlight.release());
      sent.add(f);
    }
    if (claimed.size() == room) {
      wake(); // there may be more
    }
    return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
        .thenApply(v -> claimed.size());
  }

  /** Posts {@code d} and settles it. On a virtual thread. */
  private void send(Delivery d) {
    Site site = sites.apply(d.site());
    EventWebhook hook =
        site == null
            ? null
            : site.eventWebhooks().stream()
                .filter(h -> h.id().equals(d.webhook()))
                .findFirst()
                .orElse(null);
    if (hook == null || !hook.enabled()) {
      settle(d, new Attempt(Status.FAILED, 0, "the webhook is gone or disabled", null, now()));
      return;
    }
    byte[] body = d.body().getBytes(StandardCharsets.UTF_8);
    URI url = URI.create(hook.url());
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    WebhookSignature signer =
        WebhookSignature.of(hook.secret(), WebhookSignature.Direction.TO_INTEGRATION);
    HttpRequest req =
        HttpRequest.newBuilder(url)
            .timeout(config.timeout())
            .header("Content-Type", "application/json")
            .header("User-Agent", "Parley-Webhooks/1")
            .header("X-Parley-Event", d.event())
            .header("X-Parley-Delivery", d.id())
            .header("X-Parley-Signature", signer.sign(now() / 1000, "POST", path, d.id(), body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    Integer code = null;
    String error;
    boolean retry;
    try {
      code = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (code / 100 == 2) {
        settle(d, new Attempt(Status.DELIVERED, 0, null, code, now()));
        return;
      }
      error = "HTTP " + code;
      retry = code == 408 || code == 429 || code / 100 == 5;
    } catch (IOException e) {
      error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      retry = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return; // closing: the lease runs out and the delivery is sent again
    }
    int attempts = d.attempts() + 1;
    if (retry && config.backoff().retries(attempts)) {
      long due = now() + config.backoff().delayAfter(attempts, random).toMillis();
      settle(d, new Attempt(Status.PENDING, due, error, code, now()));
    } else {
      log.warn(
          "gave up the {} delivery {} to webhook {} of site {} after {} attempts: {}",
          d.event(),
          d.id(),
          d.webhook(),
          d.site(),
          attempts,
          error);
      settle(d, new Attempt(Status.FAILED, 0, error, code, now()));
    }
  }

  private void settle(Delivery d, Attempt a) {
    boolean ok;
    try {
      ok = store.settle(d.id(), owner, a).join();
    } catch (RuntimeException e) {
      // its lease runs out and it is sent again
      log.warn("could not record delivery {}: {}", d.id(), e.toString());
      return;
    }
    if (!ok) {
      log.info("delivery {} was taken over by another node meanwhile", d.id());
    } else if (a.status() == Status.DELIVERED) {
      delivered.incrementAndGet();
    } else if (a.status() == Status.FAILED) {
      failed.incrementAndGet();
    }
  }

  private long now() {
    return clock.millis();
  }

  /** Deliveries this node delivered. */
  public long delivered() {
    return delivered.get();
  }

  /** Deliveries this node gave up. */
  public long failed() {
    return failed.get();
  }

  /**
   * Stops: no more passes, posts in flight interrupted (a delivery may have arrived without being
   * recorded: it comes again, at least once), then this node's leases released so any node sends
   * its claimed deliveries at once rather than after the lease. Waits up to 5 s for the store.
   */
  @Override
  public void close() {
    closed = true;
    NodeClock.Timer t = timer;
    if (t != null) {
      t.cancel();
    }
    passes.shutdownNow();
    posts.shutdownNow();
    try {
      passes.awaitTermination(5, TimeUnit.SECONDS);
      posts.awaitTermination(5, TimeUnit.SECONDS);
      store.release(owner).get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("could not release this node's delivery leases: {}", e.toString());
    }
    http.close();
  }
}
