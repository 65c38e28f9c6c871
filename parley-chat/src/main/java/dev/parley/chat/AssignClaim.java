package dev.parley.chat;

import dev.parley.core.NodeClock;
import dev.parley.core.SharedState;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One assignment pass's claim on its site ({@code assign:<site>} in the shared state): across
 * nodes, one pass at a time counts a site's agents' load and assigns its queue.
 *
 * <p>The claim lasts {@link #LENGTH}; before each move the pass asks {@link #keep}, which renews it
 * once {@link #RENEW_AFTER} has passed since the last renewal (a pass that moves quickly renews
 * once every few seconds, not once per move: a shared-state round trip each, Redis in a cluster).
 * Once the pass has moved, a renewal that finds the claim last renewed a whole {@link #LENGTH} or
 * more ago, by the time it answered, ends the pass: a move outlived the claim, another node's pass
 * may have assigned meanwhile, and this pass's counts are stale. The reads before the first move
 * are not held against the pass, so a slow store still assigns, a move a pass.
 *
 * <p>Not thread-safe: one pass's, used on the routing thread, which blocks on each answer through
 * the routing's bounded wait.
 */
final class AssignClaim {
  /** How long a claim lasts unless renewed. */
  static final Duration LENGTH = Duration.ofSeconds(10);

  /**
   * How long after the last renewal {@link #keep} renews again: a third of the claim, so a renewal
   * lands well before the claim could lapse.
   */
  static final Duration RENEW_AFTER = LENGTH.dividedBy(3);

  private final SharedState shared;
  private final NodeClock clock;
  private final Function<CompletableFuture<Boolean>, Boolean> await;
  private final String key;
  private final String owner;

  /** The node's nanoTime when the claim was last asked for (taken or renewed). */
  private long renewedAt;

  /** Whether the pass has made a move since it took the claim. */
  private boolean moved;

  /**
   * @param await waits for a shared-state answer, bounded (the routing's step wait)
   */
  AssignClaim(
      SharedState shared,
      NodeClock clock,
      Function<CompletableFuture<Boolean>, Boolean> await,
      String site,
      String owner) {
    this.shared = shared;
    this.clock = clock;
    this.await = await;
    this.key = "assign:" + site;
    this.owner = owner;
  }

  /** Takes the claim; whether this node holds it (false: another node's pass is assigning). */
  boolean take() {
    renewedAt = clock.nanoTime();
    return await.apply(shared.claim(key, owner, LENGTH));
  }

  /**
   * Before a move: whether the pass may go on. Renews the claim if {@link #RENEW_AFTER} has passed;
   * not if another node holds the site, nor, once the pass moved, if the claim may have lapsed.
   */
  boolean keep() {
    long asked = clock.nanoTime();
    if (asked - renewedAt < RENEW_AFTER.toNanos()) {
      return true;
    }
    if (moved && lapsed()) {
      return false;
    }
    boolean kept = await.apply(shared.claim(key, owner, LENGTH));
    if (!kept || (moved && lapsed())) {
      return false;
    }
    renewedAt = asked;
    return true;
  }

  /** The pass made a move: from now on a lapsed claim ends it. */
  void moved() {
    moved = true;
  }

  /** Lets the site's claim go, for another node's pass. */
  void release() {
    shared.release(key, owner);
  }

  private boolean lapsed() {
    return clock.nanoTime() - (renewedAt + LENGTH.toNanos()) >= 0;
  }
}
