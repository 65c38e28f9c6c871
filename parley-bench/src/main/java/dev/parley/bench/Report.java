package dev.parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes what a bench run measured: {@code results.jsonl} (one JSON object per measurement, with
 * the date and the machine) and {@code report.md} (a table per scenario, Parley next to the raw
 * Netty baseline and their ratio, and an SVG chart of the headline figure by size).
 */
final class Report {
  /** The figure each scenario is judged by, and whether more is better. */
  private static final Map<String, String[]> HEADLINE = Map.of(
      "idle", new String[] {"rss_per_conn_bytes", "lower"},
      "fanout", new String[] {"deliveries_per_s", "higher"},
      "chat", new String[] {"delivered_p99_ms", "lower"},
      "handshake", new String[] {"handshakes_per_s", "higher"});

  private Report() {}

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
    return Runtime.getRuntime().availableProcessors() + " cores, " + mem + ", " + System.getProperty("os.name") + " "
        + System.getProperty("os.version") + ", Java " + Runtime.version();
  }

  static void write(Path dir, List<Scenarios.Result> results, String date, String notes) throws IOException {
    Files.createDirectories(dir);
    String machine = machine();
    StringBuilder jsonl = new StringBuilder();
    for (Scenarios.Result r : results) {
      jsonl.append('{').append(q("date")).append(':').append(q(date)).append(',').append(q("machine")).append(':')
          .append(q(machine)).append(',').append(q("scenario")).append(':').append(q(r.scenario())).append(',')
          .append(q("target")).append(':').append(q(r.target()));
      r.params().forEach((k, v) -> jsonl.append(',').append(q(k)).append(':')
          .append(v instanceof String s ? q(s) : String.valueOf(v)));
      r.figures().forEach((k, v) -> jsonl.append(',').append(q(k)).append(':').append(num(v)));
      if (r.note() != null) {
        jsonl.append(',').append(q("note")).append(':').append(q(r.note()));
      }
      jsonl.append("}\n");
    }
    Files.writeString(dir.resolve("results.jsonl"), jsonl);

    StringBuilder md = new StringBuilder("# Parley bench report\n\n")
        .append("- Date: ").append(date).append('\n')
        .append("- Machine: ").append(machine).append(" (client and servers share it)\n")
        .append("- Servers: Parley (`parley-server.jar`, SQLite, defaults but rate and per-address limits raised) and the raw "
            + "Netty baseline (`BaselineServer`), each its own JVM with the same options (below)\n");
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
      String[] head = HEADLINE.get(scenario);
      md.append("## ").append(scenario).append("\n\n");
      List<String> figures = new ArrayList<>();
      for (Scenarios.Result r : e.getValue()) {
        for (String k : r.figures().keySet()) {
          if (!figures.contains(k)) {
            figures.add(k);
          }
        }
      }
      md.append("| target | ").append(String.join(" | ", e.getValue().get(0).params().keySet())).append(" | ")
          .append(String.join(" | ", figures)).append(" |\n|");
      int cols = 1 + e.getValue().get(0).params().size() + figures.size();
      md.append("---|".repeat(cols)).append('\n');
      List<double[]> chart = new ArrayList<>(); // size, parley, netty
      List<String> labels = new ArrayList<>();
      for (Scenarios.Result r : e.getValue()) {
        md.append("| ").append(r.target());
        r.params().values().forEach(v -> md.append(" | ").append(v));
        for (String k : figures) {
          Double v = r.figures().get(k);
          md.append(" | ").append(v == null ? "" : fmt(v));
        }
        md.append(" |\n");
      }
      md.append('\n');
      // Ratios: Parley's headline figure over the baseline's at the same parameters.
      for (Scenarios.Result p : e.getValue()) {
        if (!p.target().equals("parley")) {
          continue;
        }
        Scenarios.Result n = e.getValue().stream().filter(x -> x.target().equals("netty") && x.params().equals(p.params()))
            .findFirst().orElse(null);
        Double pv = p.figures().get(head[0]);
        Double nv = n == null ? null : n.figures().get(head[0]);
        String first = p.params().keySet().iterator().next();
        labels.add(p.params().get(first) + (first.equals("rate") ? "/s" : p.params().containsKey("rate") ? "@" + p.params().get("rate") + "/s" : ""));
        chart.add(new double[] {pv == null ? 0 : pv, nv == null ? 0 : nv});
        if (pv != null && nv != null && nv != 0) {
          md.append("- ").append(p.params()).append(": ").append(head[0]).append(" Parley ").append(fmt(pv))
              .append(", Netty ").append(fmt(nv)).append(", ratio Parley/Netty ").append(fmt(pv / nv))
              .append(" (").append(head[1]).append(" is better)\n");
        }
      }
      String svg = scenario + ".svg";
      Files.writeString(dir.resolve(svg), bars(scenario + ": " + head[0] + " (" + head[1] + " is better)", labels, chart));
      md.append("\n![").append(scenario).append("](").append(svg).append(")\n\n");
    }
    Files.writeString(dir.resolve("report.md"), md);
  }

  /** A grouped bar chart: per label, Parley and Netty. */
  static String bars(String title, List<String> labels, List<double[]> values) {
    int w = 640;
    int h = 300;
    int left = 70;
    int bottom = 40;
    double max = 1;
    for (double[] v : values) {
      max = Math.max(max, Math.max(v[0], v[1]));
    }
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns='http://www.w3.org/2000/svg' width='").append(w).append("' height='").append(h)
        .append("' font-family='sans-serif' font-size='12'>\n<rect width='100%' height='100%' fill='white'/>\n")
        .append("<text x='10' y='18' font-size='14'>").append(esc(title)).append("</text>\n");
    int plotH = h - bottom - 30;
    for (int g = 0; g <= 4; g++) {
      double v = max * g / 4;
      int y = h - bottom - (int) (plotH * g / 4.0);
      s.append("<line x1='").append(left).append("' x2='").append(w - 10).append("' y1='").append(y).append("' y2='")
          .append(y).append("' stroke='#ddd'/><text x='5' y='").append(y + 4).append("'>").append(fmt(v)).append("</text>\n");
    }
    int groups = Math.max(1, values.size());
    double groupW = (w - left - 20) / (double) groups;
    String[] colors = {"#3451d1", "#e8710a"};
    for (int i = 0; i < values.size(); i++) {
      for (int j = 0; j < 2; j++) {
        int bh = (int) (plotH * values.get(i)[j] / max);
        double x = left + i * groupW + 10 + j * (groupW - 20) / 2;
        s.append("<rect x='").append(fmt(x)).append("' y='").append(h - bottom - bh).append("' width='")
            .append(fmt((groupW - 20) / 2 - 4)).append("' height='").append(bh).append("' fill='").append(colors[j])
            .append("'/>\n");
      }
      s.append("<text x='").append(fmt(left + i * groupW + groupW / 2 - 20)).append("' y='").append(h - bottom + 16)
          .append("'>").append(esc(labels.get(i))).append("</text>\n");
    }
    s.append("<rect x='").append(w - 180).append("' y='8' width='10' height='10' fill='").append(colors[0])
        .append("'/><text x='").append(w - 165).append("' y='17'>Parley</text>")
        .append("<rect x='").append(w - 100).append("' y='8' width='10' height='10' fill='").append(colors[1])
        .append("'/><text x='").append(w - 85).append("' y='17'>raw Netty</text>\n</svg>\n");
    return s.toString();
  }

  static String fmt(double v) {
    if (Math.abs(v) >= 100 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, Math.abs(v) >= 1 ? "%.2f" : "%.3f", v);
  }

  private static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v).replaceAll("\\.?0+$", "") : "null";
  }

  private static String q(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;");
  }
}
