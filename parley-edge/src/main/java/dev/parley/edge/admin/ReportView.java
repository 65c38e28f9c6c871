package dev.parley.edge.admin;

import dev.parley.chat.ChatReport;
import dev.parley.chat.ChatReport.Day;
import dev.parley.chat.ChatReport.Durations;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How {@link ReportsApi} writes a {@link ChatReport}: JSON for the dashboard, CSV for a sheet. */
final class ReportView {
  /** The CSV's header row; one row per day follows. Durations are in seconds. */
  static final String CSV_HEADER =
      "date,conversations,bot_only,handed_off,resolved,rated_good,rated_bad,"
          + "first_response_median_s,first_response_p90_s,resolution_median_s,resolution_p90_s";

  private ReportView() {}

  static Map<String, Object> json(ChatReport r) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("site", r.site());
    v.put("from", r.from().toString());
    v.put("to", r.to().toString());
    v.put("timeZone", r.zone().getId());
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("conversations", r.totals().conversations());
    t.put("botOnly", r.totals().botOnly());
    t.put("handedOff", r.totals().handedOff());
    t.put("resolved", r.totals().resolved());
    t.put("containment", Math.round(r.containment() * 1000) / 1000.0);
    t.put("ratings", Map.of("good", r.totals().good(), "bad", r.totals().bad()));
    v.put("totals", t);
    v.put("firstResponse", durations(r.firstResponse()));
    v.put("resolution", durations(r.resolution()));
    v.put("byHour", r.byHour());
    v.put("days", r.days().stream().map(ReportView::day).toList());
    return v;
  }

  private static Map<String, Object> day(Day d) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("date", d.date().toString());
    v.put("conversations", d.conversations());
    v.put("botOnly", d.botOnly());
    v.put("handedOff", d.handedOff());
    v.put("resolved", d.resolved());
    v.put("good", d.good());
    v.put("bad", d.bad());
    v.put("firstResponse", durations(d.firstResponse()));
    v.put("resolution", durations(d.resolution()));
    return v;
  }

  private static Map<String, Object> durations(Durations d) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("count", d.count());
    v.put("medianMs", d.medianMillis());
    v.put("p90Ms", d.p90Millis());
    v.put("meanMs", d.meanMillis());
    return v;
  }

  static String csv(ChatReport r) {
    StringBuilder b = new StringBuilder(CSV_HEADER).append("\r\n");
    for (Day d : r.days()) {
      List<Object> cells =
          List.of(
              d.date(),
              d.conversations(),
              d.botOnly(),
              d.handedOff(),
              d.resolved(),
              d.good(),
              d.bad(),
              seconds(d.firstResponse(), d.firstResponse().medianMillis()),
              seconds(d.firstResponse(), d.firstResponse().p90Millis()),
              seconds(d.resolution(), d.resolution().medianMillis()),
              seconds(d.resolution(), d.resolution().p90Millis()));
      for (int k = 0; k < cells.size(); k++) {
        b.append(k == 0 ? "" : ",").append(cells.get(k));
      }
      b.append("\r\n");
    }
    return b.toString();
  }

  /** Seconds with one decimal, or empty when nothing was measured. */
  private static String seconds(Durations d, long millis) {
    return d.count() == 0 ? "" : String.format(Locale.ROOT, "%.1f", millis / 1000.0);
  }
}
