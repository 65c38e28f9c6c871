package dev.parley.bench;

import dev.parley.bench.Scenarios.Result;
import io.netty.channel.Channel;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The channel scenarios (issue 19, "Speed"), in the namespaces {@link ChannelAdmin} puts:
 * ephemeral-fanout (a fan-out in an ephemeral namespace, against the peers as fanout is),
 * server-publish (publications through the server API at a fixed rate, open loop, into one channel
 * or round robin into many, each with one subscriber) and small-channels (N connections, each on a
 * channel of its own, then one server-API publication into each). Used by the bench's main thread;
 * the subscribers' listeners run on the load generator's event loops, the API's answers on the HTTP
 * client's threads.
 */
final class ChannelScenarios {
  private final Connections conns;
  private final Scenarios scenarios;
  private final String run = Long.toString(System.currentTimeMillis(), 36);

  /** The API key made on each Parley server, made at its first channel scenario. Main thread. */
  private final IdentityHashMap<Target, String> keys = new IdentityHashMap<>();

  ChannelScenarios(Connections conns, Scenarios scenarios) {
    this.conns = conns;
    this.scenarios = scenarios;
  }

  /** The server API key on {@code t}, its namespaces put first (once per server). */
  private String key(Target t) throws Exception {
    String k = keys.get(t);
    if (k == null) {
      k = ChannelAdmin.setUp(t);
      keys.put(t, k);
    }
    return k;
  }

  /**
   * ephemeral-fanout: {@link Scenarios#fanout} into a channel of the ephemeral namespace (Parley;
   * nothing stored), or the same load on a peer — the raw Netty baseline's broadcast, a Socket.IO
   * room — so that each ratio is to the same baseline as fanout's.
   */
  Result ephemeralFanout(Target t, int subscribers, int rate, int seconds) throws Exception {
    String room = "fanout-" + run + "-" + subscribers + "-" + rate;
    String what;
    String conv;
    if (t.name.equals("parley")) {
      key(t);
      conv = ChannelAdmin.LIVE + ":" + room;
      what = "ephemeral namespace (nothing stored, a window of 100), presence off";
    } else {
      conv = "bench-ephemeral-" + room;
      what = t.name.equals("netty") ? "the raw Netty baseline, as in fanout" : "one room";
    }
    Result r = scenarios.fanout(t, "ephemeral-fanout", conv, subscribers, rate, seconds);
    return new Result(
        r.scenario(),
        r.target(),
        r.params(),
        r.figures(),
        r.note() == null ? what : what + "; " + r.note());
  }

  /**
   * server-publish: {@code channels} channels of the durable notifications namespace, one
   * subscriber each; {@code rate} publications a second through the server API, round robin, open
   * loop, at most {@code inFlight} requests at once: one second of warm-up, then {@code seconds}
   * measured. Publications a second (answered {@code 200} within the window), the HTTP round trip
   * and publish→receive latency, server CPU per publication.
   */
  Result serverPublish(Target t, int channels, int rate, int seconds, int inFlight)
      throws Exception {
    conns.begin();
    String key = key(t);
    IntFunction<String> channel =
        i -> ChannelAdmin.NOTIFY + ":pub-" + run + "-" + channels + "-" + i;
    Histogram delivered = new ConcurrentHistogram(3_600_000_000_000L, 3);
    AtomicLong deliveredCount = new AtomicLong();
    AtomicLongArray window = new AtomicLongArray(new long[] {Long.MAX_VALUE, Long.MAX_VALUE});
    Load.Listener onData =
        (ch, text) -> {
          if (!Dialect.PARLEY.isDelivery(text)) {
            return;
          }
          long meant = Load.numberAfter(text, Dialect.TEXT);
          long now = System.nanoTime();
          if (meant > 0 && meant >= window.get(0) && meant < window.get(1)) {
            deliveredCount.incrementAndGet();
            delivered.recordValue(Math.max(0, now - meant));
          }
        };
    double[] secs = new double[1];
    List<Channel> subs = conns.openMany(t, channels, channel, onData, secs);
    try (ServerPublisher pub = new ServerPublisher(t, key, inFlight)) {
      long start = System.nanoTime();
      long from = start + TimeUnit.SECONDS.toNanos(1);
      long to = from + TimeUnit.SECONDS.toNanos(seconds);
      window.set(0, from);
      window.set(1, to);
      pub.window(from, to);
      Profiler p = scenarios.profiler(t, "server-publish", Integer.toString(channels));
      double cpu0 = Double.NaN;
      long cpuFrom = 0;
      long period = 1_000_000_000L / rate;
      long inWindow = 0;
      for (long i = 0; ; i++) {
        long meant = start + i * period;
        if (meant >= to) {
          break;
        }
        Scenarios.waitUntil(meant);
        if (meant >= from && Double.isNaN(cpu0)) { // the CPU of the window, not the warm-up
          cpu0 = t.cpuSeconds();
          cpuFrom = System.nanoTime();
        }
        pub.publish(channel.apply((int) (i % channels)), meant);
        if (meant >= from) {
          inWindow++;
        }
      }
      double cores =
          Double.isNaN(cpu0) ? 0 : (t.cpuSeconds() - cpu0) / ((System.nanoTime() - cpuFrom) / 1e9);
      pub.awaitAnswers(10);
      awaitCount(deliveredCount, inWindow, 10);
      String note = Scenarios.stopProfiler(p, "durable: each publication stored, then sent");
      Map<String, Double> f = new LinkedHashMap<>();
      f.put("publications_per_s", pub.answeredInWindow.get() / (double) seconds);
      f.put("offered_per_s", (double) rate);
      f.put("http_p50_ms", pub.roundTripMs(50));
      f.put("http_p99_ms", pub.roundTripMs(99));
      f.put("http_p999_ms", pub.roundTripMs(99.9));
      f.put("delivered_fraction", inWindow == 0 ? 0 : deliveredCount.get() / (double) inWindow);
      f.put("delivered_p50_ms", ms(delivered, 50));
      f.put("delivered_p99_ms", ms(delivered, 99));
      f.put("failed", (double) pub.failed.get());
      if (t.local()) {
        f.put("server_cpu_cores", cores);
        // Per publication answered, not offered: a server that falls behind is not flattered.
        double answered = pub.answeredInWindow.get() / (double) seconds;
        f.put("server_cpu_us_per_publication", answered > 0 ? cores * 1e6 / answered : 0);
      }
      conns.diagnostics(f);
      return new Result(
          "server-publish",
          t.name,
          Scenarios.params(
              "channels", channels, "rate", rate, "seconds", seconds, "in_flight", inFlight),
          f,
          failed(pub, note));
    } finally {
      Connections.closeAll(subs);
    }
  }

  /**
   * small-channels: {@code n} connections, each joined to a channel of its own in the durable
   * notifications namespace; then one server-API publication into each, as fast as {@code inFlight}
   * requests at once allow. Deliveries a second (from the first publication to the last delivery),
   * publish→receive latency, the time to subscribe them all, server CPU per delivery.
   */
  Result smallChannels(Target t, int n, int inFlight) throws Exception {
    conns.begin();
    String key = key(t);
    IntFunction<String> channel = i -> ChannelAdmin.NOTIFY + ":" + run + "-" + n + "-" + i;
    Histogram latency = new ConcurrentHistogram(3_600_000_000_000L, 3);
    AtomicLong delivered = new AtomicLong();
    AtomicLong lastDelivery = new AtomicLong();
    Load.Listener onData =
        (ch, text) -> {
          if (!Dialect.PARLEY.isDelivery(text)) {
            return;
          }
          long meant = Load.numberAfter(text, Dialect.TEXT);
          long now = System.nanoTime();
          if (meant > 0) {
            delivered.incrementAndGet();
            latency.recordValue(Math.max(0, now - meant));
            lastDelivery.accumulateAndGet(now, Math::max);
          }
        };
    double[] secs = new double[1];
    List<Channel> subs = conns.openMany(t, n, channel, onData, secs);
    try (ServerPublisher pub = new ServerPublisher(t, key, inFlight)) {
      Profiler p = scenarios.profiler(t, "small-channels", Integer.toString(n));
      double cpu0 = t.cpuSeconds();
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        pub.publishNow(channel.apply(i));
      }
      pub.awaitAnswers(60);
      awaitCount(delivered, pub.published.get(), 30);
      double cpu = t.cpuSeconds() - cpu0;
      long last = lastDelivery.get();
      // Nothing delivered: no span (rates and cores 0), not one of a nanosecond.
      double span = last > start ? (last - start) / 1e9 : Double.POSITIVE_INFINITY;
      String note = Scenarios.stopProfiler(p, "durable: each publication stored, then sent");
      Map<String, Double> f = new LinkedHashMap<>();
      f.put("deliveries_per_s", delivered.get() / span);
      f.put(
          "publications_per_s",
          pub.published.get() / (Math.max(1, pub.lastAnswer.get() - start) / 1e9));
      f.put("delivered_fraction", delivered.get() / (double) n);
      f.put("p50_ms", ms(latency, 50));
      f.put("p99_ms", ms(latency, 99));
      f.put("p999_ms", ms(latency, 99.9));
      f.put("http_p99_ms", pub.roundTripMs(99));
      f.put("subscribe_per_s", n / secs[0]);
      f.put("failed", (double) pub.failed.get());
      if (t.local()) {
        f.put("server_cpu_cores", cpu / span);
        f.put("server_cpu_us_per_delivery", cpu * 1e6 / Math.max(1, delivered.get()));
      }
      conns.diagnostics(f);
      return new Result(
          "small-channels",
          t.name,
          Scenarios.params("channels", n, "in_flight", inFlight),
          f,
          failed(pub, note));
    } finally {
      Connections.closeAll(subs);
    }
  }

  /**
   * Waits up to {@code seconds} until {@code count} (advanced by the event loops) reaches {@code
   * n}.
   */
  private static void awaitCount(AtomicLong count, long n, int seconds)
      throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (count.get() < n && System.nanoTime() < until) {
      Thread.sleep(50); // polling a counter the event loops advance; a bounded wait for stragglers
    }
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e6;
  }

  /** {@code note}, and the first refusal when any publication failed. */
  private static String failed(ServerPublisher pub, String note) {
    String first = pub.firstFailure.get();
    return first == null ? note : note + "; first failure: " + first;
  }
}
