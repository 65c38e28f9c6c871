package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class SentimentAndHoursTest {
  @Test
  void frustratedVisitorsScoreBelowHappyOnes() {
    assertThat(Sentiment.score("This is useless, still broken and I'm frustrated!!"))
        .isLessThan(-0.5);
    assertThat(Sentiment.score("Thanks, that was really helpful, great")).isGreaterThan(0.5);
    assertThat(Sentiment.score("What time is it in Berlin")).isZero();
    assertThat(Sentiment.score("not good")).isNegative();
    assertThat(Sentiment.score("no problem")).isPositive();
  }

  @Test
  void businessHoursSayWhenTheTeamAnswersNext() {
    BusinessHours weekdays =
        new BusinessHours(
            EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
            LocalTime.of(9, 0),
            LocalTime.of(17, 0),
            ZoneId.of("Europe/Berlin"));
    Instant wednesdayNoon = Instant.parse("2026-11-25T11:00:00Z");
    Instant fridayEvening = Instant.parse("2026-11-27T18:30:00Z");
    assertThat(weekdays.isOpen(wednesdayNoon)).isTrue();
    assertThat(weekdays.isOpen(fridayEvening)).isFalse();
    assertThat(weekdays.nextOpening(fridayEvening).toLocalDateTime().toString())
        .isEqualTo("2026-11-30T09:00");
    assertThat(
            weekdays
                .nextOpening(Instant.parse("2026-11-25T06:00:00Z"))
                .toLocalDateTime()
                .toString())
        .isEqualTo("2026-11-25T09:00");
    assertThat(BusinessHours.always().isOpen(fridayEvening)).isTrue();
  }
}
