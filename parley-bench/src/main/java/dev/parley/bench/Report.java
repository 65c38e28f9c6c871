package dev.parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes what a bench run measured: {@code results.jsonl} (one JSON object per measurement, with
 * the date and the machine) and {@code report.md} (a table per scenario; Parley's ratio to each
 * peer — the raw Netty baseline and Socket.IO — for every figure they share; for the cluster, what
 * each node count gives against the smallest; an SVG chart of the headline figure by size). Used by
 * the bench's main thread.
 */
final class Report {
  /** The figure each scenario is judged by (charted). */
  private static final Map<String, String> HEADLINE =
      Map.ofEntries(
          Map.entry("idle", "heap_per_conn_bytes"),
          Map.entry("fanout", "deliveries_per_s"),
          Map.entry("ephemeral-fanout", "deliveries_per_s"),
          Map.entry("chat", "delivered_p99_ms"),
          Map.entry("latency", "delivered_p99_ms"),
          Map.entry("handshake", "handshakes_per_s"),
          Map.entry("cluster-chat", "messages_per_s"),
          Map.entry("cluster-fanout", "deliveries_per_s"),
          Map.entry("pg", "achieved_per_s"),
          Map.entry("pg-recovery", "recovery_s"),
          Map.entry("joins", "joins_per_s"),
          Map.entry("server-publish", "publications_per_s"),
          Map.entry("small-channels", "deliveries_per_s"));

  /** The peers, as named in results, and as shown. */
  private static final Map<String, String> PEERS = new LinkedHashMap<>();

  static {
    PEERS.put("netty", "raw Netty");
    PEERS.put("socketio", "Socket.IO");
  }

  /** Counts, not figures to compare. */
  private static final List<String> NOT_RATIOS =
      List.of(
          "connections_closed", "errors", "failed", "published", "offered_per_s", "probes_sent");

  private Report() {}

  /** Whether less of {@code figure} is better (times, memory, CPU), judged by its name. */
  static boolean lowerIsBetter(String figure) {
    return figure.endsWith("_ms")
        || figure.contains("_bytes")
        || figure.endsWith("_mib")
        || figure.contains("cpu_")
        || figure.endsWith("_cores")
        || (figure.endsWith("_s") && figure.startsWith("recovery"))
        || figure.equals("store_unavailable")
        || figure.startsWith("normal_before");
  }

  static String machine() {
    String mem = "?";
    try {
      for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (l.startsWith("MemTotal:")) {
          mem = Math.round(Long.parseLong(l.replaceAll("[^0-9]", "")) / 1048576.0) + " GiB";
        }
      }
    } catch (IOException | NumberFormatException e) {
      // leave "?"
    }
    return Runtime.getRuntime().availableProcessors()
        + " cores, "
        + mem
        + ", "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.version")
        + ", Java "
        + Runtime.version();
  }

  static void write(Path dir, List<Scenarios.Result> results, String date, String notes)
      throws IOException {
    Files.createDirectories(dir);
    String machine = machine();
    StringBuilder jsonl = new StringBuilder();
    for (Scenarios.Result r : results) {
      jsonl
          .append('{')
          .append(q("date"))
          .append(':')
          .append(q(date))
          .append(',')
          .append(q("machine"))
          .append(':')
          .append(q(machine))
          .append(',')
          .append(q("scenario"))
          .append(':')
          .append(q(r.scenario()))
          .append(',')
          .append(q("target"))
          .append(':')
          .append(q(r.target()));
      r.params()
          .forEach(
              (k, v) ->
                  jsonl
                      .append(',')
                      .append(q(k))
                      .append(':')
                      .append(v instanceof String s ? q(s) : String.valueOf(v)));
      r.figures().forEach((k, v) -> jsonl.append(',').append(q(k)).append(':').append(num(v)));
      if (r.note() != null) {
        jsonl.append(',').append(q("note")).append(':').append(q(r.note()));
      }
      jsonl.append("}\n");
    }
    Files.writeString(dir.resolve("results.jsonl"), jsonl);

    StringBuilder md =
        new StringBuilder("# Parley bench report\n\n")
            .append("- Date: ")
            .append(date)
            .append('\n')
            .append("- Machine: ")
            .append(machine)
            .append(" (client and servers share it)\n")
            .append(
                "- Servers: Parley (`parley-server.jar`, SQLite unless said, defaults but rate and per-address limits "
                    + "raised); the raw Netty baseline (`BaselineServer`: frames encoded once, one task per event loop per "
                    + "batch, one flush per subscriber per batch), each its own JVM with the same options (below); Socket.IO 4 "
                    + "on Node.js (`parley-bench/socketio`, nothing stored)\n");
    if (notes != null && !notes.isBlank()) {
      md.append("- Notes: ").append(notes).append('\n');
    }
    md.append('\n');
    Map<String, List<Scenarios.Result>> byScenario = new LinkedHashMap<>();
    for (Scenarios.Result r : results) {
      byScenario.computeIfAbsent(r.scenario(), k -> new ArrayList<>()).add(r);
    }
    for (var e : byScenario.entrySet()) {
      String scenario = e.getKey();
      List<Scenarios.Result> rs = e.getValue();
      md.append("## ").append(scenario).append("\n\n");
      table(md, rs);
      ratios(md, rs);
      scaling(md, rs);
      notes(md, rs);
      String head = HEADLINE.getOrDefault(scenario, rs.get(0).figures().keySet().iterator().next());
      List<String> labels = new ArrayList<>();
      List<double[]> chart = new ArrayList<>();
      for (Scenarios.Result p : rs) {
        if (!p.target().equals("parley")) {
          continue;
        }
        labels.add(
            p.params().entrySet().stream()
                .limit(2)
                .map(x -> String.valueOf(x.getValue()))
                .collect(Collectors.joining(" @ ")));
        double[] bars = new double[1 + PEERS.size()];
        bars[0] = value(p, head);
        int j = 1;
        for (String peer : PEERS.keySet()) {
          Scenarios.Result n = peer(rs, p, peer);
          bars[j++] = n == null ? 0 : value(n, head);
        }
        chart.add(bars);
      }
      String svg = scenario + ".svg";
      Files.writeString(
          dir.resolve(svg),
          bars(
              scenario
                  + ": "
                  + head
                  + " ("
                  + (lowerIsBetter(head) ? "lower" : "higher")
                  + " is better)",
              labels,
              chart));
      md.append("\n![").append(scenario).append("](").append(svg).append(")\n\n");
    }
    Files.writeString(dir.resolve("report.md"), md);
  }

  private static double value(Scenarios.Result r, String figure) {
    Double v = r.figures().get(figure);
    return v == null || !Double.isFinite(v) ? 0 : v;
  }

  /** The peer's result at Parley's parameters, or null. */
  private static Scenarios.Result peer(
      List<Scenarios.Result> rs, Scenarios.Result parley, String peer) {
    return rs.stream()
        .filter(x -> x.target().equals(peer) && x.params().equals(parley.params()))
        .findFirst()
        .orElse(null);
  }

  /** Every result, one row each. */
  private static void table(StringBuilder md, List<Scenarios.Result> rs) {
    List<String> figures = new ArrayList<>();
    List<String> params = new ArrayList<>();
    for (Scenarios.Result r : rs) {
      r.figures().keySet().stream().filter(k -> !figures.contains(k)).forEach(figures::add);
      r.params().keySet().stream().filter(k -> !params.contains(k)).forEach(params::add);
    }
    md.append("| target | ")
        .append(String.join(" | ", params))
        .append(" | ")
        .append(String.join(" | ", figures))
        .append(" |\n|")
        .append("---|".repeat(1 + params.size() + figures.size()))
        .append('\n');
    for (Scenarios.Result r : rs) {
      md.append("| ").append(r.target());
      params.forEach(k -> md.append(" | ").append(r.params().getOrDefault(k, "")));
      for (String k : figures) {
        Double v = r.figures().get(k);
        md.append(" | ").append(v == null ? "" : fmt(v));
      }
      md.append(" |\n");
    }
    md.append('\n');
  }

  /** Parley's ratio to each peer, for every figure both have, at the same parameters. */
  private static void ratios(StringBuilder md, List<Scenarios.Result> rs) {
    for (Scenarios.Result p : rs) {
      if (!p.target().equals("parley")) {
        continue;
      }
      Map<String, Scenarios.Result> peers = new LinkedHashMap<>();
      PEERS
          .keySet()
          .forEach(
              k -> {
                Scenarios.Result n = peer(rs, p, k);
                if (n != null) {
                  peers.put(k, n);
                }
              });
      if (peers.isEmpty()) {
        continue;
      }
      md.append("Ratios at ").append(p.params()).append(":\n\n| figure | Parley |");
      peers
          .keySet()
          .forEach(
              k ->
                  md.append(' ')
                      .append(PEERS.get(k))
                      .append(" | Parley / ")
                      .append(PEERS.get(k))
                      .append(" |"));
      md.append("\n|---|---|").append("---|---|".repeat(peers.size())).append('\n');
      for (var f : p.figures().entrySet()) {
        if (NOT_RATIOS.contains(f.getKey())) {
          continue;
        }
        md.append("| ")
            .append(f.getKey())
            .append(lowerIsBetter(f.getKey()) ? " (lower is better)" : " (higher is better)")
            .append(" | ")
            .append(fmt(f.getValue()))
            .append(" |");
        for (Scenarios.Result n : peers.values()) {
          Double v = n.figures().get(f.getKey());
          md.append(' ')
              .append(v == null ? "" : fmt(v))
              .append(" | ")
              .append(
                  v == null || v == 0 || !Double.isFinite(f.getValue())
                      ? ""
                      : fmt(f.getValue() / v))
              .append(" |");
        }
        md.append('\n');
      }
      md.append('\n');
    }
  }

  /**
   * For results by node count: each count's headline rate against the smallest count's (what more
   * nodes add).
   */
  private static void scaling(StringBuilder md, List<Scenarios.Result> rs) {
    if (rs.isEmpty() || !rs.get(0).params().containsKey("nodes")) {
      return;
    }
    Scenarios.Result first = rs.get(0);
    String head = HEADLINE.get(first.scenario());
    int n0 = (Integer) first.params().get("nodes");
    for (Scenarios.Result r : rs) {
      int n = (Integer) r.params().get("nodes");
      md.append("- ")
          .append(n)
          .append(n == 1 ? " node: " : " nodes: ")
          .append(head)
          .append(' ')
          .append(fmt(value(r, head)));
      if (n != n0) {
        md.append(" (")
            .append(fmt(value(r, head) / Math.max(1e-9, value(first, head))))
            .append(" × ")
            .append(n0)
            .append(n0 == 1 ? " node's)" : " nodes')");
      }
      md.append(", per node ")
          .append(fmt(value(r, head) / n))
          .append("; p99 ")
          .append(fmt(value(r, head.startsWith("messages") ? "delivered_p99_ms" : "p99_ms")))
          .append(" ms; nodes' CPU ")
          .append(fmt(value(r, "server_cpu_cores")))
          .append(" cores\n");
    }
    md.append('\n');
  }

  private static void notes(StringBuilder md, List<Scenarios.Result> rs) {
    rs.stream()
        .filter(r -> r.note() != null)
        .map(r -> "- " + r.target() + " " + r.params() + ": " + r.note() + "\n")
        .distinct()
        .forEach(md::append);
  }

  /** A grouped bar chart: per label, Parley and each peer. */
  static String bars(String title, List<String> labels, List<double[]> values) {
    int w = 640;
    int h = 300;
    int left = 70;
    int bottom = 40;
    double max = 1;
    for (double[] v : values) {
      for (double x : v) {
        max = Math.max(max, x);
      }
    }
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns='http://www.w3.org/2000/svg' width='")
        .append(w)
        .append("' height='")
        .append(h)
        .append(
            "' font-family='sans-serif' font-size='12'>\n<rect width='100%' height='100%' fill='white'/>\n")
        .append("<text x='10' y='18' font-size='14'>")
        .append(esc(title))
        .append("</text>\n");
    int plotH = h - bottom - 30;
    for (int g = 0; g <= 4; g++) {
      double v = max * g / 4;
      int y = h - bottom - (int) (plotH * g / 4.0);
      s.append("<line x1='")
          .append(left)
          .append("' x2='")
          .append(w - 10)
          .append("' y1='")
          .append(y)
          .append("' y2='")
          .append(y)
          .append("' stroke='#ddd'/><text x='5' y='")
          .append(y + 4)
          .append("'>")
          .append(fmt(v))
          .append("</text>\n");
    }
    int groups = Math.max(1, values.size());
    double groupW = (w - left - 20) / (double) groups;
    String[] colors = {"#3451d1", "#e8710a", "#2e9e4f"};
    int series = 1 + PEERS.size();
    for (int i = 0; i < values.size(); i++) {
      for (int j = 0; j < series; j++) {
        int bh = (int) (plotH * values.get(i)[j] / max);
        double x = left + i * groupW + 10 + j * (groupW - 20) / series;
        s.append("<rect x='")
            .append(fmt(x))
            .append("' y='")
            .append(h - bottom - bh)
            .append("' width='")
            .append(fmt((groupW - 20) / series - 4))
            .append("' height='")
            .append(bh)
            .append("' fill='")
            .append(colors[j])
            .append("'/>\n");
      }
      s.append("<text x='")
          .append(fmt(left + i * groupW + groupW / 2 - 20))
          .append("' y='")
          .append(h - bottom + 16)
          .append("'>")
          .append(esc(labels.get(i)))
          .append("</text>\n");
    }
    List<String> names = new ArrayList<>(List.of("Parley"));
    names.addAll(PEERS.values());
    for (int j = 0; j < series; j++) {
      int x = w - 260 + j * 85;
      s.append("<rect x='")
          .append(x)
          .append("' y='26' width='10' height='10' fill='")
          .append(colors[j])
          .append("'/><text x='")
          .append(x + 14)
          .append("' y='35'>")
          .append(names.get(j))
          .append("</text>");
    }
    s.append("\n</svg>\n");
    return s.toString();
  }

  static String fmt(double v) {
    if (Math.abs(v) >= 100 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, Math.abs(v) >= 1 ? "%.2f" : "%.3f", v);
  }

  private static String num(double v) {
    return Double.isFinite(v)
        ? String.format(Locale.ROOT, "%.4f", v).replaceAll("\\.?0+$", "")
        : "null";
  }

  private static String q(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;");
  }
}
