package dev.parley.core;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * {@link StreamWindow} in this process's memory, for a node that runs alone: a restart of the node
 * loses every window, and each stream gets a new epoch.
 *
 * <p>Thread-safe: each stream's state is guarded by its own monitor; the map of streams is
 * concurrent; the count of unwritten streams is kept by a per-stream flag that is cleared once, by
 * compare-and-set (at the first append or when the stream leaves the map), so each stream is
 * counted in and out exactly once. Lock order: a map bin, then nothing (no stream monitor is held
 * while the map is touched). An append's continuation runs under its stream's monitor, so a
 * stream's continuations run in its seq order; it must take none of this window's locks (the node's
 * publishes there, and broker listeners only hop to event loops). Never blocks: a sweep already
 * under way is not waited for.
 *
 * <p>Bounded, so memory follows the streams in use, not every stream ever named (a client may join
 * any name in an anonymous namespace):
 *
 * <ul>
 *   <li>a stream keeps at most its {@link StreamWindow.Limits#size} frames;
 *   <li>a stream idle for {@link StreamWindow#IDLE_KEEP}, or only read and idle for {@link
 *       StreamWindow#UNWRITTEN_KEEP}, is forgotten: made anew when next used. Every {@value
 *       #SWEEP_EVERY} reads and appends together (so a loop of reads alone sweeps too), the next
 *       {@value #SWEEP_STEP} streams of the map are looked at, from where the last sweep stopped:
 *       no caller's thread walks the whole map, whatever its size (a few streams a call on
 *       average), and a pass over N streams takes N / {@value #SWEEP_STEP} sweeps;
 *   <li>at most {@link #MAX_UNWRITTEN} unwritten streams (made by a read, never appended to), plus
 *       the reads in flight on other threads: a read that would make one beyond the cap first
 *       sweeps, then, if still over, forgets unwritten streams (any of them) down to 90% of the
 *       cap, so the cost is paid once per tenth of the cap. Written streams are never evicted.
 * </ul>
 *
 * <p>Forgetting an unwritten stream is safe: its holders are told {@code continuity_lost} at the
 * first append, which makes a new epoch; nothing was in it to lose.
 */
public final class InMemoryStreamWindow implements StreamWindow {
  /** Reads and appends between two sweeps of idle streams. */
  static final int SWEEP_EVERY = 256;

  /** Streams a sweep looks at, from where the last one stopped. */
  static final int SWEEP_STEP = 1024;

  /** Most unwritten streams kept: a few hundred bytes each (name, epoch, entry), some 40 MB. */
  static final int MAX_UNWRITTEN = 100_000;

  private final LongSupplier nowMillis;
  private final int maxUnwritten;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Stream> streams = new ConcurrentHashMap<>();

  /** Reads and appends so far, for the sweep's period. */
  private final AtomicLong operations = new AtomicLong();

  /** Streams whose {@link Stream#unwritten} flag is set: made and not yet appended to or gone. */
  private final AtomicInteger unwritten = new AtomicInteger();

  /** Held by the thread that sweeps or evicts; others go on without waiting. */
  private final AtomicBoolean sweeping = new AtomicBoolean();

  /** Where the next sweep goes on; null: from the start. Touched only holding {@code sweeping}. */
  private Iterator<Map.Entry<String, Stream>> cursor;

  /** A window whose ages are read from {@code nowMillis} (epoch ms; the node's clock). */
  public InMemoryStreamWindow(LongSupplier nowMillis) {
    this(nowMillis, MAX_UNWRITTEN);
  }

  /** A window that keeps at most {@code maxUnwritten} unwritten streams (tests: a small cap). */
  InMemoryStreamWindow(LongSupplier nowMillis, int maxUnwritten) {
    this.nowMillis = nowMillis;
    this.maxUnwritten = maxUnwritten;
  }

  /** One stream's epoch, seq and kept frames. Guarded by its own monitor. */
  private static final class Stream {
    final String epoch;
    long lastSeq;

    /** When it was last written or read (epoch ms); volatile: read by the map's compute. */
    volatile long touchedAt;

    /**
     * Set from its making until its first append or until it leaves the map, whichever is first;
     * while set it is counted in the window's count of unwritten streams. Cleared only by
     * compare-and-set.
     */
    final AtomicBoolean unwritten = new AtomicBoolean(true);

    /** Kept messages, oldest first, with the time each was appended. */
    final ArrayDeque<Kept> kept = new ArrayDeque<>();

    Stream(String epoch, long now) {
      this.epoch = epoch;
      this.touchedAt = now;
    }

    /** Whether it was unused longer than it is kept ({@code now}: epoch ms). Any thread. */
    boolean idle(long now) {
      long keep = (unwritten.get() ? UNWRITTEN_KEEP : IDLE_KEEP).toMillis();
      return now - touchedAt > keep;
    }

    void trim(Limits limits, long now) {
      long oldest = now - limits.ttl().toMillis();
      while (!kept.isEmpty() && (kept.size() > limits.size() || kept.peekFirst().at < oldest)) {
        kept.pollFirst();
      }
    }
  }

  private record Kept(long at, Entry entry) {}

  /**
   * The stream {@code name}, made (with a new epoch, unwritten) when absent or idle too long, and
   * touched at {@code now} — for an append ({@code writing}) also counted as written — in the same
   * step under the map's lock for the name, which {@link #forget} takes too: a stream an append
   * holds is never forgotten as unwritten or idle between its lookup and its numbering.
   */
  private Stream stream(String name, long now, boolean writing) {
    return streams.compute(
        name,
        (n, old) -> {
          Stream s = old;
          if (s == null || s.idle(now)) {
            if (s != null) {
              uncount(s);
            }
            unwritten.incrementAndGet();
            s = new Stream(newEpoch(), now);
          }
          s.touchedAt = now;
          if (writing) {
            uncount(s);
          }
          return s;
        });
  }

  /** Takes {@code s} out of the unwritten count, once: at its first append or when it is gone. */
  private void uncount(Stream s) {
    if (s.unwritten.compareAndSet(true, false)) {
      unwritten.decrementAndGet();
    }
  }

  private String newEpoch() {
    byte[] b = new byte[9];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Runs {@code then} under the stream's monitor, so continuations follow the seq order. */
  @Override
  public <T> CompletableFuture<T> append(
      String name,
      Limits limits,
      Template template,
      Function<? super Position, ? extends CompletionStage<T>> then) {
    long now = nowMillis.getAsLong();
    Stream s = stream(name, now, true);
    CompletableFuture<T> done;
    synchronized (s) {
      long seq = ++s.lastSeq;
      s.kept.addLast(new Kept(now, new Entry(seq, template.frame(seq))));
      s.trim(limits, now);
      done = CompletableFuture.completedFuture(new Position(s.epoch, seq)).thenCompose(then);
    }
    counted(now);
    return done;
  }

  /**
   * The stream {@code name} for a read at {@code now}, made when missing: first making room under
   * the cap of unwritten streams when this read would add one.
   */
  private Stream read(String name, long now) {
    if (unwritten.get() >= maxUnwritten) {
      Stream known = streams.get(name);
      if (known == null || known.idle(now)) {
        makeRoom(now); // this read makes one more
      }
    }
    Stream s = stream(name, now, false);
    counted(now);
    return s;
  }

  @Override
  public CompletableFuture<Replay> since(String name, Limits limits, String epoch, long after) {
    long now = nowMillis.getAsLong();
    Stream s = read(name, now);
    synchronized (s) {
      s.trim(limits, now);
      if (after == LIVE) { // a live join: no copy of the window (a crowd joins at once)
        return CompletableFuture.completedFuture(new Replay(s.epoch, s.lastSeq, true, List.of()));
      }
      List<Entry> all = new ArrayList<>(s.kept.size());
      for (Kept k : s.kept) {
        all.add(k.entry());
      }
      return CompletableFuture.completedFuture(replay(s.epoch, s.lastSeq, all, epoch, after));
    }
  }

  @Override
  public CompletableFuture<Page> before(String name, Limits limits, long before, int limit) {
    long now = nowMillis.getAsLong();
    Stream s = read(name, now);
    synchronized (s) {
      s.trim(limits, now);
      ArrayDeque<Entry> page = new ArrayDeque<>(Math.min(limit, s.kept.size()));
      Iterator<Kept> newestFirst = s.kept.descendingIterator();
      boolean more = false;
      while (newestFirst.hasNext()) {
        Entry e = newestFirst.next().entry();
        if (e.seq() >= before) {
          continue;
        }
        if (page.size() == limit) {
          more = true;
          break;
        }
        page.addFirst(e);
      }
      return CompletableFuture.completedFuture(new Page(s.epoch, List.copyOf(page), more));
    }
  }

  /** The answer to {@link #since} from a window's state: {@code kept}, oldest first. */
  private static Replay replay(
      String current, long lastSeq, List<Entry> kept, String epoch, long after) {
    boolean sameEpoch = epoch == null ? after == 0 : epoch.equals(current);
    long oldest = kept.isEmpty() ? lastSeq + 1 : kept.get(0).seq();
    if (after == LIVE || (sameEpoch && after >= lastSeq)) {
      return new Replay(current, lastSeq, true, List.of());
    }
    if (sameEpoch && after >= oldest - 1) {
      return new Replay(
          current,
          lastSeq,
          true,
          List.copyOf(kept.subList((int) (after - oldest + 1), kept.size())));
    }
    return new Replay(current, lastSeq, false, List.copyOf(kept));
  }

  /** Counts a read or an append; every {@value #SWEEP_EVERY}th sweeps. */
  private void counted(long now) {
    if (operations.incrementAndGet() % SWEEP_EVERY == 0 && sweeping.compareAndSet(false, true)) {
      try {
        sweep(now);
      } finally {
        sweeping.set(false);
      }
    }
  }

  /**
   * Brings the unwritten streams under the cap: a sweep, then, if that was not enough, unwritten
   * streams forgotten down to 90% of the cap. Skipped when another thread is at it.
   */
  private void makeRoom(long now) {
    if (!sweeping.compareAndSet(false, true)) {
      return;
    }
    try {
      forget(streams.entrySet().iterator(), s -> s.idle(now), () -> true);
      int target = maxUnwritten - Math.max(1, maxUnwritten / 10);
      forget(streams.entrySet().iterator(), s -> s.unwritten.get(), () -> unwritten.get() > target);
    } finally {
      sweeping.set(false);
    }
  }

  /**
   * Forgets, of the next {@value #SWEEP_STEP} streams from the cursor (going round to the start at
   * most once), those idle for longer than they are kept. A writer that still holds a forgotten
   * stream numbers into an epoch no reader is given: readers are told continuity was lost, never a
   * silent gap. Holding {@code sweeping}.
   */
  private void sweep(long now) {
    int[] looked = new int[1];
    int step = Math.min(SWEEP_STEP, streams.size());
    BooleanSupplier more = () -> looked[0]++ < step;
    for (int round = 0; round < 2 && looked[0] < step; round++) {
      if (cursor == null || !cursor.hasNext()) {
        cursor = streams.entrySet().iterator();
      }
      forget(cursor, s -> s.idle(now), more);
    }
  }

  /**
   * Forgets the streams {@code which} picks while {@code more} holds. The pick is checked again
   * under the map's lock for the name, where {@link #stream} touches and marks written: a stream an
   * append or a read took meanwhile stays, as does one made anew under the same name.
   */
  private void forget(
      Iterator<Map.Entry<String, Stream>> it, Predicate<Stream> which, BooleanSupplier more) {
    while (it.hasNext() && more.getAsBoolean()) {
      Map.Entry<String, Stream> e = it.next();
      Stream seen = e.getValue();
      if (!which.test(seen)) {
        continue;
      }
      boolean[] gone = new boolean[1];
      streams.computeIfPresent(
          e.getKey(),
          (k, v) -> {
            if (v == seen && which.test(v)) {
              gone[0] = true;
              return null;
            }
            return v;
          });
      if (gone[0]) {
        uncount(seen);
      }
    }
  }

  /** Streams held now. Any thread. */
  int size() {
    return streams.size();
  }

  /** Unwritten streams held now. Any thread. */
  int unwritten() {
    return unwritten.get();
  }

  @Override
  public void close() {
    Iterator<Stream> it = streams.values().iterator();
    while (it.hasNext()) {
      uncount(it.next());
      it.remove();
    }
  }
}
