package dev.parley.chat;

import dev.parley.core.NodeClock;
import dev.parley.core.Session;
import dev.parley.core.SessionLoop;
import dev.parley.protocol.chat.ChatEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the widget's email offer current (see {@code docs/PROTOCOL.md#away-mail}): remembers, for
 * each visitor session of this node that was told a {@code mail} event, whether it was told its
 * site is away; every {@link #RECHECK} it works out each such site's away-ness again (outside
 * business hours, or no agent online on any node) and sends a fresh {@code mail} event to the
 * sessions whose answer changed — agents went offline or came back, business hours began or ended.
 *
 * <p>A site whose away-ness cannot be told within {@link #RECHECK} is skipped for that check (the
 * next one runs regardless): one time-out timer per check, whatever the number of sites, cancelled
 * once every site answered; and a session whose fresh event could not be made keeps what it was
 * told before, so the next check tries again.
 *
 * <p>Thread-safe: the sessions live in a concurrent map; a check is a chain of futures started by
 * the node's clock timer (it never blocks), and each push goes through the session's loop.
 */
final class AwayWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AwayWatch.class);

  /** How often away-ness is worked out again: the longest a visitor sees a stale offer. */
  static final Duration RECHECK = Duration.ofSeconds(15);

  /** What a session was last told: its site, conversation and whether the site was away. */
  private record Told(String site, String conv, boolean away) {}

  /** The node's clock: checks and their time-outs. */
  private final NodeClock clock;

  /** Whether a site is away now (completes with false when it cannot tell). */
  private final Function<String, CompletableFuture<Boolean>> away;

  /** The mail event a conversation gets now. */
  private final Function<Told, CompletableFuture<ChatEvent.Mail>> state;

  /** The visitor sessions told a mail event, and what they were told. */
  private final Map<Session, Told> told = new ConcurrentHashMap<>();

  /** Set by {@link #close}: no check is scheduled after it. */
  private volatile boolean closed;

  /** The latest check: completes once its pushes are handed to the sessions' loops. */
  private volatile CompletableFuture<Void> lastCheck = CompletableFuture.completedFuture(null);

  AwayWatch(
      NodeClock clock,
      Function<String, CompletableFuture<Boolean>> away,
      Function<String, Function<String, CompletableFuture<ChatEvent.Mail>>> state) {
    this.clock = clock;
    this.away = away;
    this.state = t -> state.apply(t.site()).apply(t.conv());
  }

  /** Starts checking every {@link #RECHECK}. */
  void start() {
    schedule();
  }

  private void schedule() {
    if (!closed) {
      clock.schedule(RECHECK, this::check);
    }
  }

  /** {@code session}, a visitor of {@code site}, was told {@code mail}. Any thread. */
  void told(Session session, String site, ChatEvent.Mail mail) {
    if (!session.isClosed()) {
      told.put(session, new Told(site, mail.conv(), mail.away()));
    }
  }

  /** {@code session} was told {@code mail} (after {@code contact} or {@code transcript}). */
  void toldAgain(Session session, ChatEvent.Mail mail) {
    told.computeIfPresent(session, (s, t) -> new Told(t.site(), mail.conv(), mail.away()));
  }

  /** {@code session} ended. Any thread. */
  void forget(Session session) {
    told.remove(session);
  }

  /**
   * One check: a fresh {@code mail} event to every session whose site's away-ness changed since it
   * was told; then schedules the next. Any thread; never blocks.
   */
  CompletableFuture<Void> check() {
    Map<String, List<Session>> bySite = new HashMap<>();
    told.forEach(
        (s, t) -> {
          if (s.isClosed()) {
            told.remove(s, t);
          } else {
            bySite.computeIfAbsent(t.site(), k -> new ArrayList<>()).add(s);
          }
        });
    // One time-out for the whole check, however many sites: a site not told by then is skipped.
    CompletableFuture<Boolean> timeUp = new CompletableFuture<>();
    NodeClock.Timer timer =
        bySite.isEmpty()
            ? null
            : clock.schedule(
                RECHECK,
                () ->
                    timeUp.completeExceptionally(
                        new TimeoutException("away-ness not told in time")));
    List<CompletableFuture<Void>> sites = new ArrayList<>();
    bySite.forEach(
        (site, sessions) ->
            sites.add(
                away.apply(site)
                    .applyToEither(timeUp, now -> now)
                    .thenAccept(now -> tellChanged(sessions, now))));
    CompletableFuture<Void> done =
        CompletableFuture.allOf(sites.toArray(CompletableFuture[]::new))
            .handle(
                (v, e) -> {
                  if (timer != null) {
                    timer.cancel(); // every site answered (or the time-out ran already)
                  }
                  if (e != null) {
                    log.warn("away check failed; the next one tries again", e);
                  }
                  schedule();
                  return null;
                });
    lastCheck = done;
    return done;
  }

  private void tellChanged(List<Session> sessions, boolean away) {
    for (Session s : sessions) {
      Told t = told.get(s);
      if (t == null || t.away() == away) {
        continue;
      }
      Told now = new Told(t.site(), t.conv(), away);
      if (told.replace(s, t, now)) {
        CompletableFuture<ChatEvent.Mail> mail =
            state
                .apply(now)
                .whenComplete(
                    (m, e) -> {
                      if (e != null) {
                        told.replace(s, now, t); // not told: the next check tries again
                      }
                    });
        s.loop().then(mail, null, SessionLoop.OnFailure.LOG_ONLY, s::push);
      }
    }
  }

  /** How many sessions are watched; for tests. */
  int watched() {
    return told.size();
  }

  /** The latest check (see {@link #check}); for tests. */
  CompletableFuture<Void> lastCheck() {
    return lastCheck;
  }

  /** Schedules no more checks. Idempotent. */
  @Override
  public void close() {
    closed = true;
    told.clear();
  }
}
