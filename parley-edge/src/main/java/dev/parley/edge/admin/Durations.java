package dev.parley.edge.admin;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Durations as operators write them: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 12h}, or
 * ISO-8601 ({@code PT15M}); and back, in the largest unit that writes them whole. Used by the
 * settings, the sites file and the admin API alike. Stateless.
 */
public final class Durations {
  private Durations() {}

  /**
   * Parses a duration written as a number and a unit ({@code 30s}, {@code 5m}, {@code 250ms}).
   *
   * @throws IllegalArgumentException saying how to write one
   */
  public static Duration parse(String s) {
    String v = s.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      if (v.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      if (v.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      if (v.endsWith("h")) {
        return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      return Duration.parse(s.trim());
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException("'" + s + "' is not a duration (use 500ms, 30s, 2m, 12h)");
    }
  }

  /**
   * {@code d} in the largest unit that writes it whole: {@code 12h}, {@code 5m}, {@code 30s},
   * {@code 20ms}.
   */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0ms";
    }
    if (d.toNanosPart() % 1_000_000 != 0) {
      return d.toString();
    }
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }
}
