package dev.parley.client;

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
 * <p>Not thread-safe: confined to the client's thread, like all of the client's state, except
 * {@link #duplicatesDropped}, which any thread may read.
 */
final class Positions {
  /** One conversation's position. */
  private static final class Position {
    /** The highest contiguous seq held, or -1 until the server tells us. */
    long seq;

    /** A {@code join} went out to fill a gap; parked messages wait for it. */
    boolean resyncing;

    /** Messages past a gap, by seq. */
    final TreeMap<Long, Push.Message> ahead = new TreeMap<>();

    Position(long seq) {
      this.seq = seq;
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
  private final Map<String, Position> byConv = new LinkedHashMap<>();

  /**
   * Read by any thread ({@link ParleyClient#duplicatesDropped}); written on the client's thread.
   */
  private final AtomicLong duplicatesDropped = new AtomicLong();

  /**
   * Starts tracking {@code conv} from {@code afterSeq} (-1: from the {@code joined} the server will
   * send). A conversation whose position is known already keeps it.
   *
   * @return true when the client should send a {@code join}; false when it holds {@code conv}
   */
  boolean track(String conv, long afterSeq) {
    Position held = byConv.get(conv);
    if (held != null && held.seq >= 0) {
      return false;
    }
    byConv.put(conv, new Position(afterSeq));
    return true;
  }

  /**
   * A {@code joined}: a conversation the server joined us to (a visitor's) is adopted like our own,
   * and a position still unknown becomes {@code from}.
   */
  void joined(Push.Joined j) {
    Position p = byConv.computeIfAbsent(j.conv(), c -> new Position(-1));
    if (p.seq < 0) {
      p.seq = j.from();
    }
  }

  /** A {@code message}: deliver it (and what it unblocked), drop it as a duplicate, or park it. */
  Accepted accept(Push.Message m) {
    Position p = byConv.get(m.conv());
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
   * @return every known position, for {@code hello.resume}, in the order joined
   */
  Map<String, Long> reconnecting() {
    Map<String, Long> resume = new LinkedHashMap<>();
    byConv.forEach(
        (conv, p) -> {
          p.resyncing = false;
          p.ahead.clear();
          if (p.seq >= 0) {
            resume.put(conv, p.seq);
          }
        });
    return resume;
  }

  /** The conversations whose position is still unknown: the client joins them after a welcome. */
  List<String> unknown() {
    List<String> out = new ArrayList<>();
    byConv.forEach(
        (conv, p) -> {
          if (p.seq < 0) {
            out.add(conv);
          }
        });
    return out;
  }

  /** The position of {@code conv}, or -1. */
  long seq(String conv) {
    Position p = byConv.get(conv);
    return p == null ? -1 : p.seq;
  }

  /** Duplicate messages dropped so far. Any thread. */
  long duplicatesDropped() {
    return duplicatesDropped.get();
  }
}
