package dev.parley.chat;

import dev.parley.core.NodeClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order in which a conversation's moves are told on this node. Each move, and each telling of
 * the agents' view again or of a rating, takes a turn in the order it is asked for; a turn goes
 * ahead once the turn before it has finished (failed or not), or after {@link #TURN_WAIT} of the
 * node's clock, whichever is first. Once a later move of the conversation has been told ({@link
 * #told}), every earlier turn still in flight is stale: it tells nothing more, since what it would
 * tell is a status the conversation has left. A turn that tells nothing (a move that lost its
 * compare-and-set, the agents' view or a rating told) makes no other stale.
 *
 * <p>Thread-safe: one {@link Line} per conversation with a turn in flight, changed only inside the
 * concurrent map's compute for its key, so taking, telling and finishing a turn are atomic per
 * conversation; a line goes when its last turn finishes, so the map holds only conversations with a
 * turn in flight (and one whose turn never finishes, for as long). Timers only hop to the common
 * pool. Never blocks.
 */
final class ConversationTurns {
  /**
   * How long a turn waits for the one before it before it goes ahead anyway: far beyond a healthy
   * store's or shared state's answer (milliseconds), and short enough that a conversation whose
   * announcement hangs is served again within a minute.
   */
  static final Duration TURN_WAIT = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(ConversationTurns.class);

  private final NodeClock clock;
  private final ConcurrentHashMap<String, Line> lines = new ConcurrentHashMap<>();

  /** Numbers turns in the order taken (per conversation, inside its line's compute). */
  private final AtomicLong taken = new AtomicLong();

  ConversationTurns(NodeClock clock) {
    this.clock = clock;
  }

  /** A conversation's turns in flight. Changed inside the map's compute for its key only. */
  private static final class Line {
    /** The last turn taken. */
    Turn last;

    /** Turns taken and not finished. */
    int inFlight;

    /** The number of the latest move told; read outside the compute, so volatile. */
    volatile long toldUpTo;
  }

  /**
   * One turn of {@code conversation}: its {@code number} in the order taken, {@code before} the
   * previous turn's completion (null if none was in flight), {@code done} when it has finished.
   */
  record Turn(
      String conversation,
      long number,
      CompletableFuture<Void> before,
      CompletableFuture<Void> done) {}

  /** Takes the next turn of conversation {@code id}. */
  Turn take(String id) {
    Turn[] mine = new Turn[1];
    lines.compute(
        id,
        (k, line) -> {
          Line l = line == null ? new Line() : line;
          mine[0] =
              new Turn(
                  id,
                  taken.incrementAndGet(),
                  l.last == null ? null : l.last.done(),
                  new CompletableFuture<>());
          l.last = mine[0];
          l.inFlight++;
          return l;
        });
    return mine[0];
  }

  /**
   * Completes when the turn before {@code t} has finished, or after {@link #TURN_WAIT} of the
   * node's clock (logged), whichever is first; never fails. Timed out, it completes on the common
   * pool (a store's threads may be the ones held).
   */
  CompletableFuture<Void> ready(Turn t) {
    if (t.before() == null) {
      return CompletableFuture.completedFuture(null);
    }
    return clock
        .within(t.before(), TURN_WAIT, ForkJoinPool.commonPool())
        .handle(
            (v, e) -> {
              if (e != null && !t.before().isDone()) { // the wait ran out, not the turn
                log.warn(
                    "{}: an earlier move's announcement has not finished within {}; the next goes"
                        + " ahead",
                    t.conversation(),
                    TURN_WAIT);
              }
              return null;
            });
  }

  /**
   * The move of {@code t} is being told: earlier turns of its conversation still going are stale.
   */
  void told(Turn t) {
    lines.computeIfPresent(
        t.conversation(),
        (k, line) -> {
          line.toldUpTo = Math.max(line.toldUpTo, t.number());
          return line;
        });
  }

  /** Whether a later move of {@code t}'s conversation was told; logs that {@code what} is not. */
  boolean stale(Turn t, String what) {
    Line line = lines.get(t.conversation());
    boolean stale = line != null && line.toldUpTo > t.number();
    if (stale) {
      log.warn("{}: a later move was told first; this one's {} is not", t.conversation(), what);
    }
    return stale;
  }

  /** {@code t} has told what it had to ({@code failed}: or failed); the next may go. */
  void finish(Turn t, Throwable failed) {
    lines.computeIfPresent(t.conversation(), (k, line) -> --line.inFlight == 0 ? null : line);
    if (failed != null) {
      t.done().completeExceptionally(failed);
    } else {
      t.done().complete(null);
    }
  }

  /** Conversations with a turn in flight (for tests). */
  int conversationsInFlight() {
    return lines.size();
  }
}
