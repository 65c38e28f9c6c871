package dev.parley.edge.admin;

import dev.parley.chat.BusinessHours;
import dev.parley.chat.Site;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The checks and conversions of a {@link SiteDoc}'s times: business hours, the visitor idle time
 * and the retention period. Each names its field when the value is wrong ({@link InvalidSetting}).
 * Stateless.
 */
final class SiteRules {
  /** The shortest retention period, in days. */
  static final int MIN_RETENTION_DAYS = 1;

  /** The longest retention period, in days (about ten years). */
  static final int MAX_RETENTION_DAYS = 3650;

  private SiteRules() {}

  /** The business hours {@code h} writes; always open when null. */
  static BusinessHours businessHours(SiteDoc.Hours h) {
    if (h == null) {
      return BusinessHours.always();
    }
    try {
      Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
      for (String d : h.days() == null ? List.<String>of() : h.days()) {
        days.add(DayOfWeek.valueOf(d.toUpperCase(Locale.ROOT)));
      }
      return new BusinessHours(
          days.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : days,
          LocalTime.parse(h.opens()),
          LocalTime.parse(h.closes()),
          ZoneId.of(h.zone() == null ? "UTC" : h.zone()));
    } catch (RuntimeException e) {
      throw new InvalidSetting(
          "hours",
          "is not valid (days MONDAY…, opens/closes HH:MM, zone like Europe/Berlin): "
              + e.getMessage());
    }
  }

  /** The visitor idle time {@code v} writes (1m to 7 days); the default when null. */
  static Duration idle(String v) {
    if (v == null) {
      return Site.DEFAULT_VISITOR_IDLE;
    }
    Duration d;
    try {
      d = Durations.parse(v);
    } catch (IllegalArgumentException e) {
      throw new InvalidSetting("visitorIdle", "is not a duration (like 15m): " + v);
    }
    if (d.compareTo(Duration.ofMinutes(1)) < 0 || d.compareTo(Duration.ofDays(7)) > 0) {
      throw new InvalidSetting("visitorIdle", "must be between 1m and 7 days");
    }
    return d;
  }

  /** The retention period of {@code days} (1 to 3650); null (keep forever) when null. */
  static Duration retention(Integer days) {
    if (days == null) {
      return null;
    }
    if (days < MIN_RETENTION_DAYS || days > MAX_RETENTION_DAYS) {
      throw new InvalidSetting(
          "retentionDays",
          "must be from "
              + MIN_RETENTION_DAYS
              + " to "
              + MAX_RETENTION_DAYS
              + " days, or absent to keep conversations forever");
    }
    return Duration.ofDays(days);
  }

  /** Checks a text field: at most {@code max} code points, no control characters. */
  static void text(String field, String v, int max, boolean multiline) {
    if (v == null) {
      return;
    }
    if (v.codePointCount(0, v.length()) > max) {
      throw new InvalidSetting(field, "is longer than " + max + " characters");
    }
    if (v.chars().anyMatch(c -> c < 0x20 && !(multiline && (c == '\n' || c == '\t')))) {
      throw new InvalidSetting(field, "must not hold control characters");
    }
  }
}
