package dev.parley.client;

import dev.parley.protocol.Command;
import dev.parley.protocol.Push;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client half of resume ({@code docs/CLIENTS.md#resume-and-de-duplication}) for one {@link
 * ParleyClient}: per joined conversation the highest contiguous seq held (the position, -1 until
 * the server names it), messages that came early parked until the gap before them fills, and
 * duplicates dropped. It decides; the client writes the joins and delivers.
 *
 * <p>An ephemeral channel's position is the pair (epoch, seq) ({@code
 * docs/PROTOCOL.md#ephemeral-channels}): the epoch comes with the {@code joined} that places the
 * position and is replaced by a {@code continuity_lost}, which also moves the seq to its {@code
 * from}. Such a position resumes with {@code join {after, epoch}}, never in {@code hello.resume}
 * (which carries no epoch, so the server would report a loss). Mirrors the JS SDK's {@code
 * sdk/positions.js}.
 *
 * <p>Not thread-safe: confined to the client's thread, like all of the client's state, except
 * {@link #duplicatesDropped}, which any thread may read.
 */
final class Positions {
  /** One conversation's position. */
  private static final class Held {
    /** The highest contiguous seq held, or -1 until the server tells us. */
    long seq;

    /** An ephemeral channel's epoch, which {@link #seq} belongs to; null for a durable one. */
    String epoch;

    /** A {@code join} went out to fill a gap; parked messages wait for it. */
    boolean resyncing;

    /** Messages past a gap, by seq. */
    final TreeMap<Long, Push.Message> ahead = new TreeMap<>();

    Held(long seq, String epoch) {
      this.seq = seq;
      this.epoch = epoch;
    }
  }

  /**
   * What to do with an incoming message.
   *
   * @param deliver the messages now deliverable, in seq order: the message itself and any parked
   *     ones it unblocked; empty for a duplicate or a message parked past a gap
   * @param resyncAfter when present, ask for the gap: {@code join} with {@code after} this seq
   */
  record Accepted(List<Push.Message> deliver, OptionalLong resyncAfter) {
    static final Accepted NOTHING = new Accepted(List.of(), OptionalLong.empty());
  }

  /** The conversations the client joined, in the order joined. */
  private final Map<String, Held> byConv = new LinkedHashMap<>();

  /**
   * Read by any thread ({@link ParleyClient#duplicatesDropped}); written on the client's thread.
   */
  private final AtomicLong duplicatesDropped = new AtomicLong();

  /**
   * Starts tracking a durable {@code conv}; see {@link #track(String, long, String)}.
   *
   * @return true when the client should send a {@code join}; false when it holds {@code conv}
   */
  boolean track(String conv, long afterSeq) {
    return track(conv, afterSeq, null);
  }

  /**
   * Starts tracking {@code conv} from {@code afterSeq} of {@code epoch} (-1: from the {@code
   * joined} the server will send; a null epoch: a durable conversation, or an ephemeral channel's
   * to learn from that {@code joined}). A conversation whose position is known already keeps it.
   *
   * @return true when the client should send a {@code join}; false when it holds {@code conv}
   */
  boolean track(String conv, long afterSeq, String epoch) {
    Held held = byConv.get(conv);
    if (held != null && held.seq >= 0) {
      return false;
    }
    byConv.put(conv, new Held(afterSeq, afterSeq < 0 ? null : epoch));
    return true;
  }

  /** Stops tracking {@code conv}; false when it was not held. */
  boolean forget(String conv) {
    return byConv.remove(conv) != null;
  }

  /** Whether the client joined (or is joining) {@code conv}. */
  boolean holds(String conv) {
    return byConv.containsKey(conv);
  }

  /** The {@code join} that starts tracking {@code conv} as {@link #track} set it. */
  Command.Join join(String conv) {
    Held p = byConv.get(conv);
    return p == null || p.seq < 0
        ? new Command.Join(null, conv, null)
        : new Command.Join(null, conv, p.seq, p.epoch);
  }

  /**
   * A {@code joined}: a conversation the server joined us to (a visitor's) is adopted like our own,
   * and a position still unknown becomes {@code from} (of {@code epoch}, for an ephemeral channel).
   * A known position stays: a loss moves it with {@link #continuityLost}, never a {@code joined}.
   */
  void joined(Push.Joined j) {
    Held p = byConv.computeIfAbsent(j.conv(), c -> new Held(-1, null));
    if (p.seq < 0) {
      p.seq = j.from();
    }
    if (p.epoch == null && j.epoch() != null && j.from() >= p.seq) {
      // Also for a known seq joined without an epoch (join(conv, n)), when the window answers from
      // there on. Below it the continuity_lost that follows (a resume without an epoch is never
      // continuous) must move the position, not look like a stale repeat of the epoch held.
      p.epoch = j.epoch();
    }
  }

  /**
   * A {@code continuity_lost} ({@code docs/PROTOCOL.md#continuity_lost}): the position moves to
   * ({@code epoch}, {@code from}), whatever was held; parked messages are void (another epoch's, or
   * past a gap that will never fill), and so is a gap request in flight. The messages after {@code
   * from} follow. One of the epoch held with {@code from} below the position is stale (a second
   * subscription's answer to what the first already reported): nothing after the position is
   * missing, so it stays, the repeats drop as duplicates, and this answers false.
   *
   * @return whether the client lost messages: the listener is told only then
   */
  boolean continuityLost(Push.ContinuityLost c) {
    Held p = byConv.get(c.conv());
    if (p == null) {
      return false;
    }
    if (p.epoch != null && p.epoch.equals(c.epoch()) && c.from() < p.seq) {
      return false;
    }
    p.seq = c.from();
    p.epoch = c.epoch();
    p.ahead.clear();
    p.resyncing = false;
    return true;
  }

  /** A {@code message}: deliver it (and what it unblocked), drop it as a duplicate, or park it. */
  Accepted accept(Push.Message m) {
    Held p = byConv.get(m.conv());
    if (p == null || p.seq < 0) {
      return Accepted.NOTHING;
    }
    if (m.seq() <= p.seq || p.ahead.containsKey(m.seq())) {
      duplicatesDropped.incrementAndGet();
      return Accepted.NOTHING;
    }
    if (m.seq() > p.seq + 1) {
      p.ahead.put(m.seq(), m);
      if (p.resyncing) {
        return Accepted.NOTHING;
      }
      p.resyncing = true;
      return new Accepted(List.of(), OptionalLong.of(p.seq));
    }
    List<Push.Message> deliver = new ArrayList<>();
    deliver.add(m);
    p.seq = m.seq();
    while (!p.ahead.isEmpty() && p.ahead.firstKey() == p.seq + 1) {
      Push.Message next = p.ahead.pollFirstEntry().getValue();
      deliver.add(next);
      p.seq = next.seq();
    }
    if (p.ahead.isEmpty()) {
      p.resyncing = false;
    }
    return new Accepted(deliver, OptionalLong.empty());
  }

  /**
   * A new connection is opening: parked messages and gap requests belong to the old one.
   *
   * @return every known durable position, for {@code hello.resume}, in the order joined (an
   *     ephemeral channel's is resumed by {@link #rejoins})
   */
  Map<String, Long> reconnecting() {
    Map<String, Long> resume = new LinkedHashMap<>();
    byConv.forEach(
        (conv, p) -> {
          p.resyncing = false;
          p.ahead.clear();
          if (p.seq >= 0 && p.epoch == null) {
            resume.put(conv, p.seq);
          }
        });
    return resume;
  }

  /**
   * The joins the client sends after a {@code welcome}, in the order joined: a live {@code join}
   * for each conversation whose position is still unknown, and {@code join {after, epoch}} for each
   * ephemeral channel's (those {@code hello.resume} left out).
   */
  List<Command.Join> rejoins() {
    List<Command.Join> out = new ArrayList<>();
    byConv.forEach(
        (conv, p) -> {
          if (p.seq < 0 || p.epoch != null) {
            out.add(join(conv));
          }
        });
    return out;
  }

  /** The position of {@code conv}, or -1. */
  long seq(String conv) {
    Held p = byConv.get(conv);
    return p == null ? -1 : p.seq;
  }

  /** The epoch of {@code conv}'s position: null for a durable conversation or one not held. */
  String epoch(String conv) {
    Held p = byConv.get(conv);
    return p == null ? null : p.epoch;
  }

  /** The position of {@code conv}: (-1, null) when not held. */
  Position position(String conv) {
    Held p = byConv.get(conv);
    return p == null ? new Position(-1, null) : new Position(p.seq, p.epoch);
  }

  /** Duplicate messages dropped so far. Any thread. */
  long duplicatesDropped() {
    return duplicatesDropped.get();
  }
}
