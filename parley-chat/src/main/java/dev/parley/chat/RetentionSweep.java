package dev.parley.chat;

import dev.parley.core.Node;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces each site's retention period ({@link Site#retention}): deletes the site's conversations
 * resolved longer ago than the period ({@link DataProtection#deleteConversation}), every {@link
 * #EVERY}. Open conversations are never deleted (the inactivity sweep resolves abandoned ones
 * first); a site without a period keeps everything.
 *
 * <p>Each run deletes at most {@code batch} conversations over all sites, so one run stays short; a
 * run that used its whole batch schedules the next one after {@link #SOON} to work off a backlog.
 * Every node schedules runs, and a {@code SharedState} claim (held for {@link #EVERY}, renewed by
 * its holder) lets one node do them, another taking over when it is gone; two runs at once would
 * still be safe, as every step of a deletion is idempotent.
 *
 * <p>Thread-safe; never blocks. A run is a chain of futures: the node's clock timer starts it (the
 * claim), and each next step runs on whichever store thread completed the one before (a deletion's
 * steps are themselves futures), so no thread waits for a run, the routing thread included. The
 * next run is scheduled when one ends.
 */
final class RetentionSweep implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RetentionSweep.class);

  /** How often a node runs the sweep. */
  static final Duration EVERY = Duration.ofHours(1);

  /** How soon the next run comes after one that used its whole batch. */
  static final Duration SOON = Duration.ofMinutes(1);

  /** The default of the most conversations one run deletes. */
  static final int BATCH = 200;

  private final Node node;
  private final Directory directory;
  private final ChatStore store;
  private final DataProtection data;
  private final int batch;
  private final String owner;

  /** Set by {@link #close}: no run is scheduled after it. */
  private volatile boolean closed;

  /** The latest run: completes once it ended and the next one is scheduled. */
  private volatile CompletableFuture<Integer> lastRun = CompletableFuture.completedFuture(0);

  RetentionSweep(Node node, Directory directory, ChatStore store, DataProtection data, int batch) {
    this.node = node;
    this.directory = directory;
    this.store = store;
    this.data = data;
    this.batch = batch;
    byte[] b = new byte[6];
    new SecureRandom().nextBytes(b);
    this.owner = "retention_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Starts running every {@link #EVERY}. */
  void start() {
    schedule(EVERY);
  }

  private void schedule(Duration delay) {
    if (!closed) {
      node.clock().schedule(delay, this::sweep);
    }
  }

  /**
   * One run, then schedules the next; returns the run (how many conversations it deleted, 0 when
   * another node holds the claim or it failed), completed once the next one is scheduled. Any
   * thread; never blocks.
   */
  CompletableFuture<Integer> sweep() {
    CompletableFuture<Integer> run;
    try {
      run =
          node.sharedState()
              .claim("chat-retention", owner, EVERY)
              .thenCompose(mine -> mine ? runOnce() : CompletableFuture.completedFuture(0));
    } catch (RuntimeException e) {
      run = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Integer> done =
        run.handle(
            (n, e) -> {
              if (e != null) {
                log.warn("retention sweep failed; the next one tries again", e);
              }
              int deleted = e == null ? n : 0;
              schedule(deleted >= batch ? SOON : EVERY);
              return deleted;
            });
    lastRun = done;
    return done;
  }

  /** The latest run (see {@link #sweep}); for tests. */
  CompletableFuture<Integer> lastRun() {
    return lastRun;
  }

  /**
   * Deletes up to the batch of expired conversations, one after another; completes with how many.
   * Never blocks.
   */
  CompletableFuture<Integer> runOnce() {
    long now = node.clock().millis();
    CompletableFuture<Integer> left = CompletableFuture.completedFuture(batch);
    for (Site site : directory.sites()) {
      if (site.retention() != null) {
        left = left.thenCompose(l -> l == 0 ? left(0) : sweep(site, now, l));
      }
    }
    return left.thenApply(l -> batch - l);
  }

  /**
   * Deletes up to {@code left} expired conversations of {@code site}; completes with what is left.
   */
  private CompletableFuture<Integer> sweep(Site site, long now, int left) {
    Duration keep = Objects.requireNonNull(site.retention());
    return store
        .resolvedBefore(site.id(), now - keep.toMillis(), left)
        .thenCompose(
            expired -> {
              CompletableFuture<?> deleted = CompletableFuture.completedFuture(null);
              for (ChatConversation c : expired) {
                deleted = deleted.thenCompose(x -> data.deleteConversation(c.id()));
              }
              return deleted.thenApply(
                  x -> {
                    if (!expired.isEmpty()) {
                      log.info(
                          "deleted {} conversations of {} past its retention of {}",
                          expired.size(),
                          site.id(),
                          keep);
                    }
                    return left - expired.size();
                  });
            });
  }

  private static CompletableFuture<Integer> left(int n) {
    return CompletableFuture.completedFuture(n);
  }

  /** Schedules no more runs (one in flight finishes). Idempotent. */
  @Override
  public void close() {
    closed = true;
  }
}
