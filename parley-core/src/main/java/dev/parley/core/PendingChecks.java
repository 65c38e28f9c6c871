package dev.parley.core;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.Command;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * The asynchronous checks a session's commands wait for, and which commands wait behind which check
 * ({@code docs/CONCURRENCY.md#commands-that-wait-for-a-check}). Two kinds of check:
 *
 * <ul>
 *   <li>a check of the whole session ({@link #awaiting}): {@code hello}'s credentials (a password
 *       hash) and the extension's admission, {@code auth}'s fresh token. Every command that arrives
 *       meanwhile waits for it;
 *   <li>a join's authorization ({@link #awaitingJoin}: an {@link Authorizer#mayJoin} that did not
 *       answer at once, a namespace's channel proxy). Only the commands about that conversation
 *       wait for it: {@code join}, {@code leave}, {@code send}, {@code receipt}, {@code history},
 *       {@code typing} and {@code presence_list} naming it ({@link #conversationOf}).
 * </ul>
 *
 * <p>A command arriving while a join is asked about goes on at once when it is {@code ping} or
 * about another conversation. Every other command — {@code hello}, {@code auth} (they change who
 * the session is) and every command of the {@link Extension} (the core cannot tell what it touches
 * or whether it depends on a pending join: a chat {@code handoff} makes a conversation) — waits for
 * every pending check, and every later command waits behind it. Held commands are carried out in
 * arrival order once what they wait for is over: those about a conversation right after its join's
 * outcome (joined, or the refusal), the others when no check is pending; a command that was held
 * behind one of the second kind is then sorted again as if it had just arrived. More than {@link
 * #MAX_HELD} commands held in all is a misbehaving client: 1008.
 *
 * <p>Not thread-safe: confined to the session's executor; checks that finish elsewhere hop back.
 */
final class PendingChecks {
  /** More commands than this held at once (every conversation together) closes with 1008. */
  static final int MAX_HELD = 256;

  /**
   * Joins of one session asked about at once. A join past it ({@link #mayAsk}), from a {@code join}
   * command or a {@code hello}'s {@code resume}, waits until one of them is answered, and the
   * commands about its conversation wait behind it: one client's burst of joins into proxied
   * namespaces, or its reconnect with many channels, takes at most this many of the node's backend
   * questions in flight.
   */
  static final int MAX_JOINS_ASKED = 8;

  private final Session session;

  /**
   * Checks of the whole session in flight; while any is, every new command goes to {@link
   * #inOrder}.
   */
  private int sessionChecks;

  /** Per conversation, its joins whose authorization is in flight; null until the first. */
  private Map<String, Integer> joins;

  /**
   * Per conversation whose join is asked about, the commands about it held behind the join, in
   * arrival order; null until the first. A conversation's entry goes when it is emptied.
   */
  private Map<String, ArrayDeque<Command>> byConversation;

  /**
   * Commands held behind a check of the whole session, or behind a command that waits for every
   * check (that command first), in arrival order; null until the first.
   */
  private ArrayDeque<Command> inOrder;

  /** How many commands are held, in {@link #byConversation} and {@link #inOrder} together. */
  private int held;

  /** Joins asked about now, every conversation together. */
  private int joinsAsked;

  /** Joins waiting for {@link #MAX_JOINS_ASKED} to allow them, in order; null until the first. */
  private ArrayDeque<Deferred> deferred;

  /** A join not yet asked about: its conversation, and what asks. */
  private record Deferred(String conv, Runnable start) {}

  PendingChecks(Session session) {
    this.session = session;
  }

  /** Whether a join of {@code conv} is being asked about. */
  boolean authorizing(String conv) {
    return joins != null && joins.containsKey(conv);
  }

  /** {@code command} arrived: carries it out now, or holds it behind what it must wait for. */
  void arrived(Command command) {
    if (sessionChecks > 0 || (inOrder != null && !inOrder.isEmpty())) {
      hold(command, null);
      return;
    }
    String conv = conversationOf(command);
    if (conv != null && authorizing(conv)) {
      hold(command, conv);
    } else if (waitsForAll(command, conv)) {
      hold(command, null);
    } else {
      session.carryOut(command);
    }
  }

  /**
   * Runs {@code then} on the loop once {@code check}, a check of the whole session, completes;
   * every command that arrives meanwhile is held, and carried out in order afterwards.
   */
  <T> void awaiting(CompletionStage<T> check, Command about, BiConsumer<T, Throwable> then) {
    sessionChecks++;
    check.whenComplete(
        (value, err) ->
            session
                .executor()
                .execute(
                    () -> {
                      sessionChecks--;
                      finish(about, value, err, then);
                    }));
  }

  /**
   * Runs {@code then} on the loop once {@code check}, the authorization of a join of {@code conv},
   * completes; the commands about {@code conv} that arrive meanwhile are held, and carried out in
   * order right after {@code then}.
   */
  <T> void awaitingJoin(String conv, CompletionStage<T> check, BiConsumer<T, Throwable> then) {
    pending(conv);
    joinsAsked++;
    check.whenComplete(
        (value, err) ->
            session
                .executor()
                .execute(
                    () -> {
                      joins.computeIfPresent(conv, (c, n) -> n == 1 ? null : n - 1);
                      joinsAsked--;
                      if (!session.isClosed()) {
                        session.loop().guarded(null, () -> then.accept(value, unwrap(err)));
                        startDeferred();
                      }
                      release();
                    }));
  }

  /**
   * Whether a join of {@code conv} may be asked about now. When {@link #MAX_JOINS_ASKED} are, it
   * may not: {@code start} (which asks) is kept, runs once one of them is answered, and the
   * commands about {@code conv} wait behind it meanwhile, as behind a join being asked about.
   */
  boolean mayAsk(String conv, Runnable start) {
    if (joinsAsked < MAX_JOINS_ASKED) {
      return true;
    }
    if (deferred == null) {
      deferred = new ArrayDeque<>();
    }
    deferred.add(new Deferred(conv, start));
    pending(conv);
    return false;
  }

  /** Asks about the kept joins, in order, while fewer than {@link #MAX_JOINS_ASKED} are. */
  private void startDeferred() {
    while (deferred != null
        && !deferred.isEmpty()
        && joinsAsked < MAX_JOINS_ASKED
        && !session.isClosed()) {
      Deferred d = deferred.poll();
      joins.computeIfPresent(d.conv(), (c, n) -> n == 1 ? null : n - 1);
      session.loop().guarded(null, d.start());
    }
  }

  private void pending(String conv) {
    if (joins == null) {
      joins = new HashMap<>();
    }
    joins.merge(conv, 1, Integer::sum);
  }

  private <T> void finish(Command about, T value, Throwable err, BiConsumer<T, Throwable> then) {
    if (!session.isClosed()) {
      session.loop().guarded(about, () -> then.accept(value, unwrap(err)));
    }
    release();
  }

  /** Carries out the held commands that need wait no more, in order (unless a check began). */
  private void release() {
    while (sessionChecks == 0 && !session.isClosed()) {
      Command next = nextReleased();
      if (next == null) {
        return;
      }
      held--;
      session.carryOut(next);
    }
  }

  /** The next held command that may be carried out now, taken off its queue; null for none. */
  private Command nextReleased() {
    if (byConversation != null) {
      Iterator<Map.Entry<String, ArrayDeque<Command>>> it = byConversation.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<String, ArrayDeque<Command>> e = it.next();
        if (!authorizing(e.getKey())) {
          Command c = e.getValue().poll();
          if (e.getValue().isEmpty()) {
            it.remove();
          }
          return c;
        }
      }
    }
    while (inOrder != null && !inOrder.isEmpty()) {
      Command head = inOrder.peek();
      String conv = conversationOf(head);
      if (conv != null && authorizing(conv)) {
        // Sorted again as if it arrived now: behind its conversation's join, after what came
        // before.
        heldBehind(conv).add(inOrder.poll());
        continue;
      }
      return waitsForAll(head, conv) ? null : inOrder.poll();
    }
    return null;
  }

  /**
   * Whether {@code command} (about {@code conv}, or null) must wait for the joins asked about now:
   * it is about no single conversation and is not {@code ping}, and some join is pending.
   */
  private boolean waitsForAll(Command command, String conv) {
    return conv == null && !(command instanceof Command.Ping) && joins != null && !joins.isEmpty();
  }

  /**
   * Keeps {@code command} behind {@code conv}'s join, or in order when null; 1008 past the bound.
   */
  private void hold(Command command, String conv) {
    if (held >= MAX_HELD) {
      session.close(CloseCode.POLICY_VIOLATION);
      return;
    }
    held++;
    if (conv != null) {
      heldBehind(conv).add(command);
    } else {
      if (inOrder == null) {
        inOrder = new ArrayDeque<>();
      }
      inOrder.add(command);
    }
  }

  /** The commands held behind {@code conv}'s join, made at the first. */
  private ArrayDeque<Command> heldBehind(String conv) {
    if (byConversation == null) {
      byConversation = new LinkedHashMap<>();
    }
    return byConversation.computeIfAbsent(conv, c -> new ArrayDeque<>());
  }

  /**
   * The one conversation {@code command} is about — the core's commands that name a {@code conv} —
   * or null: {@code hello}, {@code auth}, {@code ping} and the extension's commands.
   */
  static String conversationOf(Command command) {
    return switch (command) {
      case Command.Join j -> j.conv();
      case Command.Leave l -> l.conv();
      case Command.Send s -> s.conv();
      case Command.Receipt r -> r.conv();
      case Command.History h -> h.conv();
      case Command.Typing t -> t.conv();
      case Command.PresenceList p -> p.conv();
      default -> null;
    };
  }

  /** The session closed: nothing held, no join kept. */
  void close() {
    byConversation = null;
    inOrder = null;
    deferred = null;
    held = 0;
  }

  private static Throwable unwrap(Throwable err) {
    return err instanceof CompletionException c && c.getCause() != null ? c.getCause() : err;
  }
}
