package dev.parley.chat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;

/**
 * When agents answer: the same opening and closing time on some days of the week, in one time zone.
 * Immutable.
 */
public record BusinessHours(Set<DayOfWeek> days, LocalTime opens, LocalTime closes, ZoneId zone) {

  /** Open every day, all day. */
  public static BusinessHours always() {
    return new BusinessHours(
        Set.of(DayOfWeek.values()), LocalTime.MIN, LocalTime.MAX, ZoneId.of("UTC"));
  }

  /** Whether agents answer at {@code t}. */
  public boolean isOpen(Instant t) {
    ZonedDateTime z = t.atZone(zone);
    LocalTime time = z.toLocalTime();
    return days.contains(z.getDayOfWeek()) && !time.isBefore(opens) && time.isBefore(closes);
  }

  /** The next time agents answer, at or after {@code t}. */
  public ZonedDateTime nextOpening(Instant t) {
    ZonedDateTime z = t.atZone(zone);
    if (isOpen(t)) {
      return z;
    }
    for (int i = 0; i <= 7; i++) {
      ZonedDateTime open = z.plusDays(i).with(opens);
      if (days.contains(open.getDayOfWeek()) && open.isAfter(z)) {
        return open;
      }
    }
    return z;
  }
}
