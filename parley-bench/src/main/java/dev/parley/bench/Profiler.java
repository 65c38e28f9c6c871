package dev.parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A JFR recording of a server JVM over one measurement window ({@code --profile}): started with
 * {@code jcmd <pid> JFR.start settings=profile} (JDK 11+ records without {@code
 * -XX:+FlightRecorder}), stopped into {@code <logs>/jfr-<label>.jfr}, and summarised into {@code
 * <logs>/jfr-<label>.txt}: execution samples by thread (event loops, the store's writer…), the hot
 * methods ({@code jfr view hot-methods}) and the recording's event counts ({@code jfr summary}).
 * async-profiler is not available here; JFR samples Java frames only, so time in the kernel or in
 * SQLite's native code shows as the Java method that called it. Used by the bench's main thread.
 */
final class Profiler {
  private final Target target;
  private final Path logs;
  private final String label;

  private Profiler(Target target, Path logs, String label) {
    this.target = target;
    this.logs = logs;
    this.label = label;
  }

  /**
   * Starts recording {@code t} (a JVM started by the bench), or returns null when it is not one.
   */
  static Profiler start(Target t, Path logs, String label)
      throws IOException, InterruptedException {
    if (!t.jvm() || logs == null) {
      return null;
    }
    Files.createDirectories(logs);
    String out =
        Target.run(
            jcmd(), Long.toString(t.pid()), "JFR.start", "name=bench-" + label, "settings=profile");
    if (!out.contains("Started recording")) {
      System.err.println("bench: JFR did not start in " + t.name + ": " + out.strip());
      return null;
    }
    return new Profiler(t, logs, label);
  }

  /** Stops the recording, writes the summary, and returns its file. */
  Path stop() throws IOException, InterruptedException {
    Path jfr = logs.resolve("jfr-" + label + ".jfr").toAbsolutePath();
    Target.run(
        jcmd(), Long.toString(target.pid()), "JFR.stop", "name=bench-" + label, "filename=" + jfr);
    String jfrTool = Path.of(System.getProperty("java.home"), "bin", "jfr").toString();
    String samples =
        Target.run(
            jfrTool,
            "print",
            "--events",
            "jdk.ExecutionSample",
            "--stack-depth",
            "64",
            jfr.toString());
    String hot = Target.run(jfrTool, "view", "--width", "160", "hot-methods", jfr.toString());
    String summary = Target.run(jfrTool, "summary", jfr.toString());
    Path txt = logs.resolve("jfr-" + label + ".txt");
    Files.writeString(
        txt,
        "JFR profile of "
            + target.name
            + " ("
            + label
            + "), "
            + jfr.getFileName()
            + "\n\n"
            + "Execution samples by thread (digits in names folded):\n"
            + byThread(samples)
            + "\n"
            + "Execution samples by package (incl: a sample counts for every package on its stack, 64 frames deep; "
            + "excl: for its top frame's):\n"
            + byPackage(samples, 25)
            + "\n"
            + hot
            + "\n"
            + summary);
    return txt;
  }

  private static final Pattern THREAD = Pattern.compile("sampledThread = \"([^\"]*)\"");

  /** Counts of execution samples per thread kind, most first, with their share. */
  static String byThread(String jfrPrint) {
    Map<String, Integer> counts = new TreeMap<>();
    Matcher m = THREAD.matcher(jfrPrint);
    int total = 0;
    while (m.find()) {
      counts.merge(m.group(1).replaceAll("\\d+", "N"), 1, Integer::sum);
      total++;
    }
    int all = Math.max(1, total);
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .map(
            e ->
                String.format(
                    Locale.ROOT,
                    "  %5.1f %%  %6d  %s",
                    100.0 * e.getValue() / all,
                    e.getValue(),
                    e.getKey()))
        .collect(Collectors.joining("\n", "", "\n  total " + total + " samples\n"));
  }

  /**
   * A stack frame line of {@code jfr print}: {@code a.b.c.Class.method(Args) line: N}; group 1 is
   * the class.
   */
  private static final Pattern FRAME =
      Pattern.compile("^\\s+([\\w$.]+)\\.[\\w$<>]+\\(.*\\)\\s+line:", Pattern.MULTILINE);

  /**
   * Samples per package (its first three name segments, e.g. {@code io.netty.handler}): inclusive,
   * counted once per sample whose stack holds it (where the time goes, callees included), and
   * exclusive, the package of the sample's top frame (where the CPU burns). The {@code limit}
   * largest by inclusive count.
   */
  static String byPackage(String jfrPrint, int limit) {
    Map<String, Integer> inclusive = new TreeMap<>();
    Map<String, Integer> exclusive = new TreeMap<>();
    int total = 0;
    for (String event : jfrPrint.split("jdk\\.ExecutionSample \\{")) {
      Set<String> seen = new HashSet<>();
      String top = null;
      Matcher m = FRAME.matcher(event);
      while (m.find()) {
        String[] parts = m.group(1).split("\\.");
        String pkg =
            String.join(".", Arrays.copyOf(parts, Math.min(3, Math.max(1, parts.length - 1))));
        seen.add(pkg);
        top = top == null ? pkg : top;
      }
      if (top != null) {
        total++;
        seen.forEach(k -> inclusive.merge(k, 1, Integer::sum));
        exclusive.merge(top, 1, Integer::sum);
      }
    }
    double all = Math.max(1, total);
    return "   incl %   excl %  package\n"
        + inclusive.entrySet().stream()
            .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
            .limit(limit)
            .map(
                e ->
                    String.format(
                        Locale.ROOT,
                        "  %6.1f   %6.1f   %s",
                        100.0 * e.getValue() / all,
                        100.0 * exclusive.getOrDefault(e.getKey(), 0) / all,
                        e.getKey()))
            .collect(Collectors.joining("\n", "", "\n  total " + total + " samples\n"));
  }

  private static String jcmd() {
    return Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
  }
}
