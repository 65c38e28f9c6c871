package dev.parley.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Whether a server stays responsive while a scenario loads it: one connection of its own (a {@code
 * hello}, no conversation) sends the protocol's {@code ping} every {@link #EVERY_MS} ms and records
 * each {@code pong}'s round trip. A {@code ping} is answered on the session's event loop without
 * touching the store, so the round trip is the time a command waits for that loop: what every other
 * client of the loop waits too.
 *
 * <p>Threading: the pings are sent and the pongs read on the probe connection's event loop, which
 * alone touches {@link #sent} and {@link #rtt}; {@link #close} stops the pings on that loop and
 * copies the figures back to the caller.
 */
final class PingProbe implements Load.Listener {
  static final long EVERY_MS = 50;
  private static final byte[] PONG = Load.ascii("\"type\":\"pong\"");

  /** When each unanswered ping was sent, oldest first: pongs come back in order on one socket. */
  private final ArrayDeque<Long> sent = new ArrayDeque<>();

  private final Histogram rtt = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
  private Channel ch;
  private ScheduledFuture<?> ticks;

  /** Connects the probe to {@code t} and starts pinging. */
  static PingProbe start(Connections conns, Target t) throws Exception {
    PingProbe p = new PingProbe();
    Channel ch = conns.connect(t, t.dialect().uri(t, false), null, p).get(30, TimeUnit.SECONDS);
    ch.eventLoop().submit(() -> p.begin(ch)).get();
    return p;
  }

  private void begin(Channel channel) {
    ch = channel;
    ticks = ch.eventLoop().scheduleAtFixedRate(this::ping, 0, EVERY_MS, TimeUnit.MILLISECONDS);
  }

  private void ping() {
    sent.addLast(System.nanoTime());
    Load.send(ch, "{\"type\":\"ping\",\"ref\":\"probe\"}");
  }

  @Override
  public void onFrame(Channel c, ByteBuf text) {
    if (Load.contains(text, PONG) && !sent.isEmpty()) {
      rtt.recordValue(System.nanoTime() - sent.removeFirst());
    }
  }

  /**
   * Stops the probe and puts its figures into {@code f}: {@code probe_pings}, {@code probe_p50_ms},
   * {@code probe_p99_ms}, {@code probe_max_ms} and {@code probe_unanswered} (pings still waiting
   * when it stopped; the longest of them counts in the maximum).
   */
  void close(Map<String, Double> f) throws Exception {
    ch.eventLoop()
        .submit(
            () -> {
              ticks.cancel(false);
              long now = System.nanoTime();
              f.put("probe_pings", (double) (rtt.getTotalCount() + sent.size()));
              f.put("probe_p50_ms", rtt.getValueAtPercentile(50) / 1e6);
              f.put("probe_p99_ms", rtt.getValueAtPercentile(99) / 1e6);
              long oldest = sent.isEmpty() ? 0 : now - sent.peekFirst();
              f.put("probe_max_ms", Math.max(rtt.getMaxValue(), oldest) / 1e6);
              f.put("probe_unanswered", (double) sent.size());
            })
        .get(30, TimeUnit.SECONDS);
    ch.close();
  }
}
