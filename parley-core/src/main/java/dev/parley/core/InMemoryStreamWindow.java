package dev.parley.core;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * {@link StreamWindow} in this process's memory, for a node that runs alone: a restart of the node
 * loses every window, and each stream gets a new epoch.
 *
 * <p>Thread-safe: each stream's state is guarded by its own monitor; the map of streams is
 * concurrent. Bounded: a stream keeps at most its {@link StreamWindow.Limits#size} frames; a stream
 * idle for {@link StreamWindow#IDLE_KEEP} is forgotten (swept every {@value #SWEEP_EVERY} appends),
 * so memory follows the streams in use, not every stream ever named.
 */
public final class InMemoryStreamWindow implements StreamWindow {
  /** Appends between two sweeps of idle streams. */
  private static final int SWEEP_EVERY = 4096;

  private final LongSupplier nowMillis;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Stream> streams = new ConcurrentHashMap<>();
  private final AtomicLong appends = new AtomicLong();

  /** A window whose ages are read from {@code nowMillis} (epoch ms; the node's clock). */
  public InMemoryStreamWindow(LongSupplier nowMillis) {
    this.nowMillis = nowMillis;
  }

  /** One stream's epoch, seq and kept frames. Guarded by its own monitor. */
  private static final class Stream {
    final String epoch;
    long lastSeq;

    /** When it was last written or read (epoch ms); volatile: read by the map's compute. */
    volatile long touchedAt;

    /** Kept messages, oldest first, with the time each was appended. */
    final ArrayDeque<Kept> kept = new ArrayDeque<>();

    Stream(String epoch, long now) {
      this.epoch = epoch;
      this.touchedAt = now;
    }

    void trim(Limits limits, long now) {
      long oldest = now - limits.ttl().toMillis();
      while (!kept.isEmpty() && (kept.size() > limits.size() || kept.peekFirst().at < oldest)) {
        kept.pollFirst();
      }
    }
  }

  private record Kept(long at, Entry entry) {}

  /** The stream {@code name}, made (with a new epoch) when absent or idle too long. */
  private Stream stream(String name, long now) {
    return streams.compute(
        name,
        (n, old) ->
            old == null || now - old.touchedAt > IDLE_KEEP.toMillis()
                ? new Stream(newEpoch(), now)
                : old);
  }

  private String newEpoch() {
    byte[] b = new byte[9];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  @Override
  public CompletableFuture<Position> append(String name, Limits limits, Template template) {
    long now = nowMillis.getAsLong();
    Stream s = stream(name, now);
    Position p;
    synchronized (s) {
      long seq = ++s.lastSeq;
      s.kept.addLast(new Kept(now, new Entry(seq, template.frame(seq))));
      s.touchedAt = now;
      s.trim(limits, now);
      p = new Position(s.epoch, seq);
    }
    if (appends.incrementAndGet() % SWEEP_EVERY == 0) {
      sweep(now);
    }
    return CompletableFuture.completedFuture(p);
  }

  @Override
  public CompletableFuture<Replay> since(String name, Limits limits, String epoch, long after) {
    long now = nowMillis.getAsLong();
    Stream s = stream(name, now);
    synchronized (s) {
      s.trim(limits, now);
      s.touchedAt = now;
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

  /**
   * Forgets streams idle for longer than {@link StreamWindow#IDLE_KEEP}. A writer that still holds
   * a forgotten stream numbers into an epoch no reader is given: readers are told continuity was
   * lost, never a silent gap.
   */
  private void sweep(long now) {
    streams.values().removeIf(s -> now - s.touchedAt > IDLE_KEEP.toMillis());
  }

  @Override
  public void close() {
    streams.clear();
  }
}
