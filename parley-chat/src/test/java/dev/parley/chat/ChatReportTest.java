package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.ReportSource.ConversationTimes;
import dev.parley.chat.ReportSource.Rated;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatReportTest {
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final LocalDate DAY1 = LocalDate.of(2026, 11, 2);
  static final LocalDate DAY2 = DAY1.plusDays(1);

  static long at(LocalDate d, int hour, int minute) {
    return ZonedDateTime.of(d.atTime(hour, minute), BERLIN).toInstant().toEpochMilli();
  }

  static final long MIN = 60_000;

  static ConversationTimes botOnly(long opened, long resolved) {
    return new ConversationTimes("b" + opened, opened, 0, 0, resolved);
  }

  static ConversationTimes handedOff(long opened, long handoff, long answer, long resolved) {
    return new ConversationTimes("h" + opened, opened, handoff, answer, resolved);
  }

  @Test
  void countsBotContainmentFirstResponseAndResolutionPerDayAndInAll() {
    long a = at(DAY1, 9, 0);
    long b = at(DAY1, 9, 30);
    long c = at(DAY2, 14, 0);
    ChatReport r =
        ChatReport.compute(
            "demo",
            DAY1,
            DAY2,
            BERLIN,
            List.of(
                botOnly(a, a + 2 * MIN),
                handedOff(b, b + MIN, b + 3 * MIN, b + 20 * MIN),
                handedOff(c, c + MIN, c + 5 * MIN, 0)),
            List.of(new Rated(b + 21 * MIN, true), new Rated(c + 30 * MIN, false)));

    assertThat(r.totals()).isEqualTo(new ChatReport.Totals(3, 1, 2, 2, 1, 1));
    assertThat(r.containment()).isEqualTo(1 / 3.0);
    assertThat(r.firstResponse().count()).isEqualTo(2);
    assertThat(r.firstResponse().medianMillis()).isEqualTo(2 * MIN);
    assertThat(r.firstResponse().p90Millis()).isEqualTo(4 * MIN);
    assertThat(r.firstResponse().meanMillis()).isEqualTo(3 * MIN);
    assertThat(r.resolution().count()).isEqualTo(2);
    assertThat(r.resolution().p90Millis()).isEqualTo(20 * MIN);

    assertThat(r.days()).hasSize(2);
    ChatReport.Day first = r.days().get(0);
    assertThat(first.date()).isEqualTo(DAY1);
    assertThat(first.conversations()).isEqualTo(2);
    assertThat(first.botOnly()).isEqualTo(1);
    assertThat(first.good()).isEqualTo(1);
    assertThat(first.firstResponse().medianMillis()).isEqualTo(2 * MIN);
    ChatReport.Day second = r.days().get(1);
    assertThat(second.conversations()).isEqualTo(1);
    assertThat(second.resolved()).isZero();
    assertThat(second.resolution().count()).isZero();
    assertThat(second.bad()).isEqualTo(1);
  }

  @Test
  void busiestHoursAreCountedInTheReportsTimeZone() {
    // 23:30 in Berlin on DAY1 is 22:30 UTC: the Berlin report counts hour 23 of DAY1.
    long late = at(DAY1, 23, 30);
    ChatReport berlin =
        ChatReport.compute("demo", DAY1, DAY2, BERLIN, List.of(botOnly(late, 0)), List.of());
    assertThat(berlin.byHour().get(23)).isEqualTo(1);
    assertThat(berlin.days().get(0).conversations()).isEqualTo(1);

    ChatReport tokyo =
        ChatReport.compute(
            "demo", DAY1, DAY2, ZoneId.of("Asia/Tokyo"), List.of(botOnly(late, 0)), List.of());
    assertThat(tokyo.byHour().get(7)).isEqualTo(1);
    assertThat(tokyo.days().get(1).conversations()).isEqualTo(1);
  }

  @Test
  void anAnswerThatCameBeforeTheHandoffOrNoneIsNotAFirstResponse() {
    long t = at(DAY1, 10, 0);
    ChatReport r =
        ChatReport.compute(
            "demo",
            DAY1,
            DAY1,
            BERLIN,
            List.of(handedOff(t, t + MIN, 0, 0), handedOff(t, t + 2 * MIN, t + MIN, 0)),
            List.of());
    assertThat(r.totals().handedOff()).isEqualTo(2);
    assertThat(r.firstResponse().count()).isZero();
    assertThat(r.firstResponse().medianMillis()).isZero();
  }

  @Test
  void conversationsOutsideTheRangeAreLeftOut() {
    ChatReport r =
        ChatReport.compute(
            "demo", DAY2, DAY2, BERLIN, List.of(botOnly(at(DAY1, 12, 0), 0)), List.of());
    assertThat(r.totals().conversations()).isZero();
    assertThat(r.containment()).isZero();
    assertThat(r.byHour()).hasSize(24).containsOnly(0L);
  }

  @Test
  void aReportCoversOneToMaxDays() {
    assertThatThrownBy(() -> ChatReport.compute("demo", DAY2, DAY1, BERLIN, List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(
            ChatReport.compute(
                    "demo",
                    DAY1,
                    DAY1.plusDays(ChatReport.MAX_DAYS - 1),
                    BERLIN,
                    List.of(),
                    List.of())
                .days())
        .hasSize(ChatReport.MAX_DAYS);
    assertThatThrownBy(
            () ->
                ChatReport.compute(
                    "demo", DAY1, DAY1.plusDays(ChatReport.MAX_DAYS), BERLIN, List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theRangeStartsAndEndsAtLocalMidnight() {
    assertThat(ChatReport.startMillis(DAY1, BERLIN)).isEqualTo(at(DAY1, 0, 0));
    assertThat(ChatReport.endMillis(DAY1, BERLIN)).isEqualTo(at(DAY2, 0, 0));
  }
}
