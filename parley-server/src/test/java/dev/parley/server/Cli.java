package dev.parley.server;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs the {@code parley} command line in this JVM with a given environment, capturing what it
 * prints.
 */
final class Cli {
  private Cli() {}

  record Outcome(int code, String out, String err) {
    /** The line {@code config --print} printed for {@code key}. */
    String line(String key) {
      return out.lines()
          .filter(l -> l.startsWith(key + " "))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no line for " + key + " in:\n" + out));
    }
  }

  /** A node started by {@code parley run}'s code, and the banner it printed. */
  record Started(ParleyServer server, String banner) {}

  /**
   * {@code parley args…} to its exit code; not for {@code run} that starts (it serves until
   * stopped).
   */
  static synchronized Outcome run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream savedOut = System.out;
    PrintStream savedErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = Main.execute(env, args);
      return new Outcome(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
    }
  }

  /**
   * Parses {@code parley run args…} and starts the node as {@code run} does, without waiting for it
   * to stop.
   */
  static Started start(Map<String, String> env, String... args) throws InterruptedException {
    String[] all = new String[args.length + 1];
    all[0] = "run";
    System.arraycopy(args, 0, all, 1, args.length);
    CommandLine cli = Main.commandLine(SettingsProvider.from(env, all));
    cli.parseArgs(all);
    CommandLine run = cli.getSubcommands().get("run");
    StringWriter banner = new StringWriter();
    ParleyServer server = run.<RunCommand>getCommand().start(new PrintWriter(banner));
    return new Started(server, banner.toString());
  }
}
