package dev.parley.chat;

import dev.parley.chat.ReportSource.ConversationTimes;
import dev.parley.chat.ReportSource.Rated;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A site's report for a range of days in a time zone, computed from stored conversations and
 * ratings ({@link #compute}). Immutable.
 *
 * <p>Definitions (docs/OPERATIONS.md#reports says the same):
 *
 * <ul>
 *   <li>a conversation counts on the day it was opened; a rating on the day it was given;
 *   <li><b>bot only</b>: never handed off to the queue or an agent (bot containment is bot only /
 *       conversations);
 *   <li><b>first response</b>: from the hand-off to the first message an agent wrote, over the
 *       handed-off conversations an agent answered;
 *   <li><b>resolution</b>: from opening to resolving, over the resolved conversations;
 *   <li><b>busiest hours</b>: conversations opened per hour of the day (0-23, local time).
 * </ul>
 *
 * @param days one row per day from {@code from} to {@code to}, both included
 * @param byHour 24 counts, conversations opened in each local hour of the day
 */
public record ChatReport(
    String site,
    LocalDate from,
    LocalDate to,
    ZoneId zone,
    Totals totals,
    Durations firstResponse,
    Durations resolution,
    List<Day> days,
    List<Long> byHour) {

  /** The most days one report covers. */
  public static final int MAX_DAYS = 366;

  /** Counts over the whole range. */
  public record Totals(
      long conversations, long botOnly, long handedOff, long resolved, long good, long bad) {}

  /**
   * Durations in milliseconds over {@code count} conversations (all 0 when count is 0).
   *
   * @param p90Millis the 90th percentile (nearest rank)
   */
  public record Durations(long count, long medianMillis, long p90Millis, long meanMillis) {

    static Durations of(long[] values, int n) {
      if (n == 0) {
        return new Durations(0, 0, 0, 0);
      }
      long[] v = Arrays.copyOf(values, n);
      Arrays.sort(v);
      long sum = 0;
      for (long x : v) {
        sum += x;
      }
      return new Durations(n, rank(v, 50), rank(v, 90), sum / n);
    }

    private static long rank(long[] sorted, int percent) {
      int r = (int) Math.ceil(percent / 100.0 * sorted.length);
      return sorted[Math.max(0, r - 1)];
    }
  }

  /** One day's figures. */
  public record Day(
      LocalDate date,
      long conversations,
      long botOnly,
      long handedOff,
      long resolved,
      long good,
      long bad,
      Durations firstResponse,
      Durations resolution) {}

  /** The first instant of {@code from} in {@code zone} (epoch ms), where the range starts. */
  public static long startMillis(LocalDate from, ZoneId zone) {
    return from.atStartOfDay(zone).toInstant().toEpochMilli();
  }

  /** The first instant after {@code to} in {@code zone} (epoch ms), where the range ends. */
  public static long endMillis(LocalDate to, ZoneId zone) {
    return to.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
  }

  /**
   * The report of {@code site} from {@code from} to {@code to} (both included, at most {@link
   * #MAX_DAYS} days) in {@code zone}, from its conversations and ratings in that range.
   */
  public static ChatReport compute(
      String site,
      LocalDate from,
      LocalDate to,
      ZoneId zone,
      List<ConversationTimes> conversations,
      List<Rated> ratings) {
    int n = (int) ChronoUnit.DAYS.between(from, to) + 1;
    if (n < 1 || n > MAX_DAYS) {
      throw new IllegalArgumentException("a report covers 1 to " + MAX_DAYS + " days, not " + n);
    }
    DayTally[] tally = new DayTally[n];
    for (int d = 0; d < n; d++) {
      tally[d] = new DayTally();
    }
    long[] byHour = new long[24];
    for (ConversationTimes c : conversations) {
      ZonedDateTime at = Instant.ofEpochMilli(c.createdAtMillis()).atZone(zone);
      int d = (int) ChronoUnit.DAYS.between(from, at.toLocalDate());
      if (d < 0 || d >= n) {
        continue;
      }
      byHour[at.getHour()]++;
      tally[d].add(c);
    }
    for (Rated r : ratings) {
      int d =
          (int)
              ChronoUnit.DAYS.between(
                  from, Instant.ofEpochMilli(r.atMillis()).atZone(zone).toLocalDate());
      if (d >= 0 && d < n) {
        tally[d].rate(r.good());
      }
    }
    DayTally all = new DayTally();
    List<Day> days = new ArrayList<>(n);
    for (int d = 0; d < n; d++) {
      days.add(tally[d].day(from.plusDays(d)));
      all.merge(tally[d]);
    }
    List<Long> hours = new ArrayList<>(24);
    for (long h : byHour) {
      hours.add(h);
    }
    return new ChatReport(
        site,
        from,
        to,
        zone,
        new Totals(all.conversations, all.botOnly, all.handedOff, all.resolved, all.good, all.bad),
        Durations.of(all.firstResponse, all.firstResponses),
        Durations.of(all.resolution, all.resolutions),
        List.copyOf(days),
        List.copyOf(hours));
  }

  /** Bot containment: the share of conversations the bot handled alone (0 when there were none). */
  public double containment() {
    return totals.conversations == 0 ? 0 : (double) totals.botOnly / totals.conversations;
  }

  /** What one day (or the whole range) adds up to while computing. */
  private static final class DayTally {
    long conversations;
    long botOnly;
    long handedOff;
    long resolved;
    long good;
    long bad;
    long[] firstResponse = new long[16];
    int firstResponses;
    long[] resolution = new long[16];
    int resolutions;

    void add(ConversationTimes c) {
      conversations++;
      if (c.botOnly()) {
        botOnly++;
      } else {
        handedOff++;
        if (c.firstResponseAtMillis() != ConversationTimes.NEVER
            && c.firstResponseAtMillis() >= c.handedOffAtMillis()) {
          firstResponse =
              push(
                  firstResponse,
                  firstResponses++,
                  c.firstResponseAtMillis() - c.handedOffAtMillis());
        }
      }
      if (c.resolvedAtMillis() != ConversationTimes.NEVER
          && c.resolvedAtMillis() >= c.createdAtMillis()) {
        resolved++;
        resolution = push(resolution, resolutions++, c.resolvedAtMillis() - c.createdAtMillis());
      }
    }

    void rate(boolean isGood) {
      if (isGood) {
        good++;
      } else {
        bad++;
      }
    }

    void merge(DayTally d) {
      conversations += d.conversations;
      botOnly += d.botOnly;
      handedOff += d.handedOff;
      resolved += d.resolved;
      good += d.good;
      bad += d.bad;
      for (int k = 0; k < d.firstResponses; k++) {
        firstResponse = push(firstResponse, firstResponses++, d.firstResponse[k]);
      }
      for (int k = 0; k < d.resolutions; k++) {
        resolution = push(resolution, resolutions++, d.resolution[k]);
      }
    }

    Day day(LocalDate date) {
      return new Day(
          date,
          conversations,
          botOnly,
          handedOff,
          resolved,
          good,
          bad,
          Durations.of(firstResponse, firstResponses),
          Durations.of(resolution, resolutions));
    }

    private static long[] push(long[] a, int at, long v) {
      long[] b = at < a.length ? a : Arrays.copyOf(a, a.length * 2);
      b[at] = v;
      return b;
    }
  }
}
