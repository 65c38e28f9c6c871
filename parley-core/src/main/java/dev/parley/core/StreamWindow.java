package dev.parley.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The bounded recent history of ephemeral streams (conversations whose messages are not stored,
 * {@code docs/PROTOCOL.md#ephemeral-channels}): per stream an <b>epoch</b> and a <b>window</b> of
 * its last messages, numbered by a seq that grows by one within an epoch.
 *
 * <p>Guarantees, for every implementation (held by {@code StreamWindowContract}):
 *
 * <ul>
 *   <li>{@link #append} numbers a stream's messages 1, 2, 3, … without gaps within an epoch, and
 *       the window keeps them in that order.
 *   <li>The window holds at most {@link Limits#size} messages, none older than {@link Limits#ttl}:
 *       older ones are dropped on append and on read.
 *   <li>The epoch is a random id made when a stream's window is first needed and made anew whenever
 *       the window was lost (the only node restarted, Redis flushed or restarted, the stream idle
 *       longer than it is kept); seq starts again at 1 in a new epoch.
 *   <li>A stream that was appended to is kept {@link #IDLE_KEEP} after its last append or read. A
 *       stream only read (a join: last seq 0) is kept {@link #UNWRITTEN_KEEP} after its last read,
 *       and an implementation may forget it sooner to bound its memory, since a read of any name
 *       makes state. A reader that still holds a forgotten stream's epoch is told continuity was
 *       lost at the next append (a new epoch): nothing was lost, and no gap goes unreported.
 *   <li>{@link #since} answers exactly the messages after a position of the current epoch while the
 *       window still holds the next one; otherwise it says continuity is lost, never leaving a gap
 *       unreported.
 *   <li>The continuations of {@link #append(String, Limits, Template, Function)} made through one
 *       window run in each stream's seq order, whichever threads appended.
 * </ul>
 *
 * <p>Implementations are thread-safe and never block the caller: results complete on the
 * implementation's threads (the caller's, in memory), and an append's continuation runs there.
 * Failures complete the future exceptionally; a continuation that throws, or whose stage fails,
 * fails the future its append returned, and the message stays in the window.
 */
public interface StreamWindow extends AutoCloseable {
  /** How long a stream's epoch and seq outlive its last append or read, once appended to. */
  Duration IDLE_KEEP = Duration.ofDays(1);

  /**
   * How long the epoch of a stream nobody appended to outlives its last read: joins of names nobody
   * writes into cost memory for minutes, not a day.
   */
  Duration UNWRITTEN_KEEP = Duration.ofMinutes(10);

  /** The position of a reader that wants no history, only the epoch and the last seq. */
  long LIVE = Long.MAX_VALUE;

  /** Most messages a window may keep. */
  int MAX_SIZE = 10_000;

  /** Longest time a window may keep a message. */
  Duration MAX_TTL = Duration.ofDays(1);

  /**
   * How much a stream's window keeps: at most {@code size} messages (1–{@value #MAX_SIZE}), none
   * older than {@code ttl} (1 s – {@link #MAX_TTL}).
   */
  record Limits(int size, Duration ttl) {
    public Limits {
      if (size < 1 || size > MAX_SIZE) {
        throw new IllegalArgumentException("size must be 1-" + MAX_SIZE);
      }
      if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_TTL) > 0) {
        throw new IllegalArgumentException("ttl must be 1 s - 1 day");
      }
    }
  }

  /**
   * A message's encoded event split around its seq, so the window can number it and keep the frame
   * in one atomic step: the frame is {@code head}, the seq in decimal, {@code tail}.
   */
  record Template(byte[] head, byte[] tail) {
    /** The frame with {@code seq} in place. */
    public byte[] frame(long seq) {
      byte[] n = Long.toString(seq).getBytes(StandardCharsets.US_ASCII);
      byte[] f = new byte[head.length + n.length + tail.length];
      System.arraycopy(head, 0, f, 0, head.length);
      System.arraycopy(n, 0, f, head.length, n.length);
      System.arraycopy(tail, 0, f, head.length + n.length, tail.length);
      return f;
    }
  }

  /** Where an appended message went: its stream's epoch and its seq there. */
  record Position(String epoch, long seq) {}

  /** One kept message: its seq and its frame. */
  record Entry(long seq, byte[] frame) {}

  /**
   * What a reader may deliver after a position.
   *
   * @param epoch the stream's current epoch
   * @param lastSeq the newest seq of the epoch (0 when nothing was appended in it yet)
   * @param continuous true when {@code entries} are exactly the messages after the asked position;
   *     false when some are gone (another epoch, or older than the window keeps): then {@code
   *     entries} are all the window still holds
   * @param entries in seq order, contiguous
   */
  record Replay(String epoch, long lastSeq, boolean continuous, List<Entry> entries) {
    /** The position these entries follow: the reader's position from now on, before them. */
    public long from() {
      return entries.isEmpty() ? lastSeq : entries.get(0).seq() - 1;
    }
  }

  /**
   * A page of a window, back from a seq ({@link #before}).
   *
   * @param epoch the stream's current epoch
   * @param entries in seq order, contiguous, the newest below the asked seq
   * @param more true when the window holds older messages than these
   */
  record Page(String epoch, List<Entry> entries, boolean more) {}

  /**
   * Numbers the next message of {@code stream} and keeps {@code template.frame(seq)} in its window,
   * trimmed to {@code limits}.
   */
  default CompletableFuture<Position> append(String stream, Limits limits, Template template) {
    return append(stream, limits, template, CompletableFuture::completedFuture);
  }

  /**
   * Numbers and keeps the next message of {@code stream} as {@link #append(String, Limits,
   * Template)} does, then runs {@code then} with its position where the append completes, before
   * any later append of the stream through this window completes (another node's, on a shared
   * window, may complete first); the returned future completes with what {@code then}'s stage does.
   *
   * <p>So what {@code then} starts follows the stream's seq order whichever threads appended:
   * {@link WindowedStreams} publishes here. Chained to the other append's future instead, it could
   * run late, on the caller's thread, when the append completed before the caller chained it (a
   * later seq's publish having gone first: a subscriber then parks that one and reads the gap from
   * the window). An implementation attaches {@code then} before the append can complete. {@code
   * then} must not block (it may run on the window's I/O thread, or under a stream's lock); it is
   * not run if the append fails, which fails the returned future.
   */
  <T> CompletableFuture<T> append(
      String stream,
      Limits limits,
      Template template,
      Function<? super Position, ? extends CompletionStage<T>> then);

  /**
   * The messages of {@code stream} after {@code after} of {@code epoch} (null epoch: the reader
   * holds nothing yet, which is continuous only from 0), or, when the window no longer holds the
   * next one, everything it does hold with {@code continuous} false; at {@link #LIVE}, nothing but
   * the epoch and the last seq, continuous. Makes the stream's epoch when it has none, kept {@link
   * #UNWRITTEN_KEEP} unless appended to.
   */
  CompletableFuture<Replay> since(String stream, Limits limits, String epoch, long after);

  /**
   * The newest {@code limit} (at least 1) messages of {@code stream}'s window below seq {@code
   * before}, in the stream's current epoch (the caller compares it with its reader's), copying no
   * more of the window than that. Reads like {@link #since}: makes the epoch when there is none,
   * and counts as a use.
   */
  CompletableFuture<Page> before(String stream, Limits limits, long before, int limit);

  @Override
  void close();
}
