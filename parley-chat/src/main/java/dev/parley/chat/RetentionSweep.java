package dev.parley.chat;

import dev.parley.core.Node;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
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
 * <p>Thread-safe. Runs on {@link AgentRouting}'s thread (it blocks on the stores there, never on an
 * event loop), scheduled by the node's clock.
 */
final class RetentionSweep {
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
  private final AgentRouting routing;
  private final int batch;
  private final String owner;

  RetentionSweep(
      Node node,
      Directory directory,
      ChatStore store,
      DataProtection data,
      AgentRouting routing,
      int batch) {
    this.node = node;
    this.directory = directory;
    this.store = store;
    this.data = data;
    this.routing = routing;
    this.batch = batch;
    byte[] b = new byte[6];
    new SecureRandom().nextBytes(b);
    this.owner = "retention_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Starts running every {@link #EVERY}. */
  void start() {
    routing.later(EVERY, this::sweep);
  }

  /** One run, then schedules the next. Routing's thread. */
  void sweep() {
    Duration next = EVERY;
    try {
      if (node.sharedState().claim("chat-retention", owner, EVERY).join()) {
        next = runOnce() >= batch ? SOON : EVERY;
      }
    } catch (RuntimeException e) {
      log.warn("retention sweep failed; the next one tries again", e);
    } finally {
      routing.later(next, this::sweep);
    }
  }

  /** Deletes up to the batch of expired conversations; returns how many. Blocks. */
  int runOnce() {
    long now = node.clock().millis();
    int left = batch;
    for (Site site : directory.sites()) {
      if (site.retention() == null || left == 0) {
        continue;
      }
      long before = now - site.retention().toMillis();
      List<ChatConversation> expired = store.resolvedBefore(site.id(), before, left).join();
      for (ChatConversation c : expired) {
        data.deleteConversation(c.id()).join();
        left--;
      }
      if (!expired.isEmpty()) {
        log.info(
            "deleted {} conversations of {} past its retention of {}",
            expired.size(),
            site.id(),
            site.retention());
      }
    }
    return batch - left;
  }
}
