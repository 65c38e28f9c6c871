package dev.parley.bench;

import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of the channel scenarios ({@link ChannelScenarios}: ephemeral-fanout, server-publish,
 * small-channels), a picocli mixin of {@link Bench}: their sizes, the tiny ones of a smoke run, and
 * the small-channels count fitted to the open-files limit. Set on the bench's main thread before
 * the run and only read after.
 */
final class ChannelOptions {
  @Option(
      names = "--ephemeral-fanout-sizes",
      split = ",",
      description =
          "ephemeral-fanout: subscribers of one channel of an ephemeral namespace, the publisher at "
              + "--fanout-rate (default 1000,10000).")
  List<Integer> ephemeralFanoutSizes = List.of(1000, 10000);

  @Option(
      names = "--server-publish-channels",
      split = ",",
      description =
          "server-publish: channels published into through the server API, round robin, one "
              + "subscriber each (default 1,1000).")
  List<Integer> serverPublishChannels = List.of(1, 1000);

  @Option(
      names = "--server-publish-rate",
      description = "server-publish: publications a second, open loop (default 1000).")
  int serverPublishRate = 1000;

  @Option(
      names = "--small-channels",
      description =
          "small-channels: connections, each subscribed to a channel of its own, then one "
              + "publication into each (default 19000; lowered to the open-files limit).")
  int smallChannels = 19_000;

  @Option(
      names = "--publish-in-flight",
      description =
          "server-publish, small-channels: server API requests in flight at most (default 64).")
  int publishInFlight = 64;

  /** A smoke run's sizes: a second or so each. */
  void smoke() {
    ephemeralFanoutSizes = List.of(50);
    serverPublishChannels = List.of(1, 10);
    serverPublishRate = 100;
    smallChannels = 50;
    publishInFlight = 8;
  }

  /**
   * Lowers {@link #smallChannels} to what a server started here and this process may both hold
   * under {@code limit} open files each (its subscribers, the API's connections and 300 to spare),
   * and says so in {@code notes}. The server is one process whatever the client processes, so more
   * of them would not help; {@code limit} -1 (unknown) leaves it.
   */
  void fit(long limit, StringBuilder notes) {
    if (limit <= 0) {
      return;
    }
    long cap = limit - 300 - publishInFlight;
    if (smallChannels > cap) {
      notes
          .append("small-channels ")
          .append(smallChannels)
          .append(" lowered to ")
          .append(cap)
          .append(": this machine allows ")
          .append(limit)
          .append(" open files per process (ulimit -n), and the server started here is one. ");
      smallChannels = (int) Math.max(1, cap);
    }
  }
}
