package dev.parley.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * An open-loop chat load in phases: connection {@code i} sends into its conversation, round robin,
 * at each phase's rate; every message carries the time it was <em>meant</em> to be sent (as its
 * {@code cid} and at the start of its text), so a late sender or a slow server shows as latency,
 * never as fewer measurements. Acks and deliveries are recorded into the phase whose time span the
 * message was meant for. {@link #drive} runs on the bench's main thread; {@link #onFrame} on the
 * load generator's event loops.
 */
final class OpenLoop implements Load.Listener {
  /** One stretch of the load: {@code rate} messages a second in all for {@code seconds}. */
  record Phase(String label, int rate, int seconds) {}

  /**
   * What one phase measured. The histograms and atomic counters are written by the event loops; the
   * plain fields only by the driver (the bench's main thread), which also reads them.
   */
  static final class Stats {
    final Phase phase;

    /**
     * Intended send times of this phase: [from, to) in System.nanoTime. Set before its first send.
     */
    volatile long from = Long.MAX_VALUE;

    volatile long to = Long.MAX_VALUE;
    final Histogram ack = new ConcurrentHistogram(3_600_000_000_000L, 3);
    final Histogram delivered = new ConcurrentHistogram(3_600_000_000_000L, 3);
    final AtomicLong deliveredCount = new AtomicLong();

    /**
     * Acks (deliveries, for a server without acks) that arrived during this phase's span: the
     * achieved rate.
     */
    final AtomicLong arrived = new AtomicLong();

    /** Messages sent in this phase. */
    long sent;

    /** Server CPU seconds and error counts over the phase, read by the driver at its bounds. */
    double serverCpuSeconds;

    long errors;
    long storeUnavailable;

    Stats(Phase phase) {
      this.phase = phase;
    }

    double p(Histogram h, double percentile) {
      return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e6;
    }
  }

  private final Dialect dialect;
  private final List<Stats> stats;

  OpenLoop(Dialect dialect, List<Phase> phases) {
    this.dialect = dialect;
    this.stats = phases.stream().map(Stats::new).toList();
  }

  List<Stats> stats() {
    return stats;
  }

  private Stats meantFor(long intended) {
    for (Stats s : stats) {
      if (intended >= s.from && intended < s.to) {
        return s;
      }
    }
    return null;
  }

  @Override
  public void onFrame(Channel ch, ByteBuf text) {
    long now = System.nanoTime();
    boolean ack = dialect.isAck(text);
    if (!ack && !dialect.isDelivery(text)) {
      return;
    }
    long intended = Load.numberAfter(text, ack ? Dialect.CID : Dialect.TEXT);
    Stats s = intended < 0 ? null : meantFor(intended);
    if (ack == hasAcks()) {
      Stats at = meantFor(now);
      if (at != null) {
        at.arrived.incrementAndGet();
      }
    }
    if (s == null) {
      return;
    }
    if (ack) {
      s.ack.recordValue(Math.max(0, now - intended));
    } else {
      s.deliveredCount.incrementAndGet();
      s.delivered.recordValue(Math.max(0, now - intended));
    }
  }

  /** Whether the server acknowledges sends (the raw baseline only echoes). */
  private boolean hasAcks() {
    return dialect != Dialect.RAW;
  }

  /**
   * Sends through {@code channels} (channel i into {@code conv(i)}) phase after phase from now;
   * returns when the last phase's span is over (stragglers may still arrive: {@link
   * #awaitDelivered}).
   */
  void drive(Target t, Connections conns, List<Channel> channels, IntFunction<String> conv)
      throws InterruptedException {
    long start = System.nanoTime();
    long n = 0;
    for (Stats s : stats) {
      s.from = start;
      s.to = start + TimeUnit.SECONDS.toNanos(s.phase.seconds());
      double cpu0 = t.cpuSeconds();
      long errors0 = conns.errors();
      long unavailable0 = conns.errors("store_unavailable");
      long period = 1_000_000_000L / s.phase.rate();
      for (long i = 0; ; i++) {
        long intended = start + i * period;
        if (intended >= s.to) {
          break;
        }
        Scenarios.waitUntil(intended);
        int who = (int) (n % channels.size());
        Load.send(
            channels.get(who),
            dialect.send(conv.apply(who), intended, intended + Scenarios.PAD, n));
        n++;
        s.sent++;
      }
      s.serverCpuSeconds = t.cpuSeconds() - cpu0;
      s.errors = conns.errors() - errors0;
      s.storeUnavailable = conns.errors("store_unavailable") - unavailable0;
      start = s.to;
    }
  }

  /** Waits up to {@code seconds} until every message sent in {@code phases} was delivered. */
  void awaitDelivered(List<Stats> phases, int seconds) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < until
        && phases.stream().anyMatch(s -> s.deliveredCount.get() < s.sent)) {
      Thread.sleep(50); // polling counters the event loops advance; a bounded wait for stragglers
    }
  }
}
