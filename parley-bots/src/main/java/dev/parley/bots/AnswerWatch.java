package dev.parley.bots;

import dev.parley.chat.Bot;
import dev.parley.core.NodeClock;
import java.time.Duration;

/**
 * One LLM answer's watchdog: every {@link #CHECK_EVERY} it interrupts the answering thread while
 * the first token is late ({@code firstTokenTimeout} since the last progress, before any token),
 * the stream has stalled ({@code stallTimeout} since the last progress, after a token), the whole
 * answer is late ({@code totalTimeout} since the start), or the visitor stopped it. The time is
 * read from a {@link NodeClock}, and the checks run on its timer, so tests drive it with a manual
 * clock.
 *
 * <p>Thread-safe: the answering thread (the one that made it) reports progress through volatile
 * fields; the checks run on the clock's timer thread. A check and {@link #end} hold the lock, so
 * once {@code end} returns no interrupt from this watch can land.
 */
final class AnswerWatch {
  /** How often a watchdog looks at its answer: the time-outs are kept to within this. */
  static final Duration CHECK_EVERY = Duration.ofMillis(50);

  private final Thread answering = Thread.currentThread();
  private final NodeClock clock;
  private final LlmBot.Config config;
  private final Bot.AnswerSink sink;
  private final long start;

  /** When the stream last moved (clock nanos); written by the answering thread. */
  private volatile long lastProgress;

  /** A token came; written by the answering thread. */
  private volatile boolean gotToken;

  /** Why it first interrupted, or null; guarded by this. */
  private String reason;

  /** The answer is over: no more checks; guarded by this. */
  private boolean ended;

  /** The next check; guarded by this. */
  private NodeClock.Timer next;

  /** Starts watching the calling thread's answer, from now. */
  AnswerWatch(NodeClock clock, LlmBot.Config config, Bot.AnswerSink sink) {
    this.clock = clock;
    this.config = config;
    this.sink = sink;
    this.start = clock.nanoTime();
    this.lastProgress = start;
    synchronized (this) {
      next = clock.schedule(CHECK_EVERY, this::check);
    }
  }

  /** The stream moved (a chunk, or a comment a server sends while it thinks). */
  void progress() {
    lastProgress = clock.nanoTime();
  }

  /** A token of the answer came. */
  void token() {
    gotToken = true;
  }

  /** Whether a token came: the visitor has seen part of the answer. */
  boolean gotToken() {
    return gotToken;
  }

  private synchronized void check() {
    if (ended) {
      return;
    }
    String late = late(clock.nanoTime());
    if (late != null) {
      if (reason == null) {
        reason = late;
      }
      answering.interrupt(); // again at each check: an interrupt swallowed somewhere is not lost
    }
    next = clock.schedule(CHECK_EVERY, this::check);
  }

  private String late(long now) {
    if (sink.cancelled()) {
      return "stopped";
    }
    if (now - start > config.totalTimeout().toNanos()) {
      return "no end within " + config.totalTimeout().toMillis() + " ms";
    }
    if (!gotToken && now - lastProgress > config.firstTokenTimeout().toNanos()) {
      return "no first token within " + config.firstTokenTimeout().toMillis() + " ms";
    }
    if (gotToken && now - lastProgress > config.stallTimeout().toNanos()) {
      return "stalled for " + config.stallTimeout().toMillis() + " ms";
    }
    return null;
  }

  /** The answer is over: no more checks, no more interrupts. Idempotent. */
  synchronized void end() {
    ended = true;
    next.cancel();
  }

  /** Why the watchdog interrupted the answer, or null when it did not. */
  synchronized String reason() {
    return reason;
  }

  long elapsedMillis() {
    return (clock.nanoTime() - start) / 1_000_000;
  }
}
