package dev.parley.edge.admin;

import static dev.parley.edge.admin.AdminGate.done;
import static dev.parley.edge.admin.AdminGate.error;

import dev.parley.chat.ChatReport;
import dev.parley.chat.ReportSource;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A site's report, {@code GET /api/admin/sites/{id}/report} (admins only): conversations, bot
 * containment, time to first agent response, resolution time, ratings and busiest hours, per day
 * and in all, computed from the store ({@link ReportSource}, {@link ChatReport}) so they hold
 * across restarts and nodes.
 *
 * <p>Parameters: {@code from} and {@code to} (ISO dates, both included; default the 30 days ending
 * today), {@code tz} (an IANA zone the days and hours are counted in; default UTC), {@code format}
 * ({@code json}, default, or {@code csv}: one row per day, as a download). Limits: at most {@link
 * ChatReport#MAX_DAYS} days, and at most {@link #MAX_CONVERSATIONS} conversations or ratings in one
 * report ({@code 422 report_too_large}: ask for fewer days). Documented in the OpenAPI document and
 * docs/OPERATIONS.md#reports.
 *
 * <p>Thread-safe; never blocks the caller.
 */
public final class ReportsApi implements HttpApi {
  /** The most conversations (and, separately, ratings) one report reads. */
  public static final int MAX_CONVERSATIONS = 200_000;

  private static final Pattern PATH =
      Pattern.compile("/api/admin/sites/([A-Za-z0-9_.-]{1,64})/report");

  private final HttpApi next;
  private final AdminGate gate;
  private final Configuration config;
  private final ReportSource source;
  private final Clock clock;

  /**
   * @param next what handles every other path
   * @param clock what "today" is when no range is given
   */
  public ReportsApi(
      HttpApi next, AdminGate gate, Configuration config, ReportSource source, Clock clock) {
    this.next = next;
    this.gate = gate;
    this.config = config;
    this.source = source;
    this.clock = clock;
  }

  @Override
  public CompletableFuture<Response> handle(Request r) {
    Matcher m = PATH.matcher(r.path());
    if (!m.matches()) {
      return next.handle(r);
    }
    String site = m.group(1);
    return gate.admit(
            r,
            admin -> {
              if (!r.method().equals("GET")) {
                return done(error(405, "method_not_allowed", null, r.method() + " " + r.path()));
              }
              Range range;
              try {
                range = Range.of(r, clock);
              } catch (InvalidSetting bad) {
                return done(error(400, "invalid_field", bad.field(), bad.getMessage()));
              }
              return config
                  .site(site)
                  .thenCompose(
                      s ->
                          s.isEmpty()
                              ? done(error(404, "not_found", null, "no site " + site))
                              : report(site, range));
            })
        .exceptionally(
            t -> error(503, "store_unavailable", null, "the report could not be read; try again"));
  }

  private CompletableFuture<Response> report(String site, Range range) {
    long from = ChatReport.startMillis(range.from, range.zone);
    long to = ChatReport.endMillis(range.to, range.zone);
    return source
        .conversations(site, from, to, MAX_CONVERSATIONS + 1)
        .thenCombine(
            source.ratings(site, from, to, MAX_CONVERSATIONS + 1),
            (conversations, ratings) -> {
              if (conversations.size() > MAX_CONVERSATIONS || ratings.size() > MAX_CONVERSATIONS) {
                return error(
                    422,
                    "report_too_large",
                    null,
                    "more than "
                        + MAX_CONVERSATIONS
                        + " conversations or ratings in this range; ask for fewer days");
              }
              ChatReport report =
                  ChatReport.compute(
                      site, range.from, range.to, range.zone, conversations, ratings);
              return range.csv
                  ? csv(report)
                  : Response.json(200, Json.write(ReportView.json(report)));
            });
  }

  private static Response csv(ChatReport report) {
    String name =
        "parley-report-" + report.site() + "-" + report.from() + "-" + report.to() + ".csv";
    return new Response(
        200,
        "text/csv; charset=utf-8",
        ReportView.csv(report).getBytes(StandardCharsets.UTF_8),
        Map.of("content-disposition", "attachment; filename=\"" + name + "\""));
  }

  /** The days and zone a request asks for, validated. */
  record Range(LocalDate from, LocalDate to, ZoneId zone, boolean csv) {

    static Range of(Request r, Clock clock) {
      ZoneId zone;
      try {
        zone = r.param("tz") == null ? ZoneId.of("UTC") : ZoneId.of(r.param("tz"));
      } catch (DateTimeException e) {
        throw new InvalidSetting("tz", "must be a time zone such as Europe/Berlin or UTC");
      }
      LocalDate today = LocalDate.now(clock.withZone(zone));
      LocalDate to = date(r, "to", today);
      LocalDate from = date(r, "from", to.minusDays(29));
      if (from.getYear() < 2000 || to.getYear() > 2100) {
        throw new InvalidSetting(
            from.getYear() < 2000 ? "from" : "to", "must be from 2000 to 2100");
      }
      if (from.isAfter(to)) {
        throw new InvalidSetting("from", "must not be after to");
      }
      if (ChronoUnit.DAYS.between(from, to) + 1 > ChatReport.MAX_DAYS) {
        throw new InvalidSetting(
            "from", "a report covers at most " + ChatReport.MAX_DAYS + " days");
      }
      String format = r.param("format") == null ? "json" : r.param("format");
      if (!List.of("json", "csv").contains(format)) {
        throw new InvalidSetting("format", "must be json or csv");
      }
      return new Range(from, to, zone, format.equals("csv"));
    }

    private static LocalDate date(Request r, String name, LocalDate dflt) {
      String v = r.param(name);
      if (v == null) {
        return dflt;
      }
      try {
        return LocalDate.parse(v);
      } catch (DateTimeParseException e) {
        throw new InvalidSetting(name, "must be a date such as 2026-12-01");
      }
    }
  }
}
