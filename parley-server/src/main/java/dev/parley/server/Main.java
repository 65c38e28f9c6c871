package dev.parley.server;

import java.io.PrintWriter;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code parley} command line: {@code run} ({@link RunCommand}), {@code config --print} ({@link
 * ConfigCommand}) and {@code hash-password} ({@link HashPasswordCommand}).
 *
 * <p>Used on the main thread.
 */
@Command(
    name = "parley",
    mixinStandardHelpOptions = true,
    version = "Parley 0.1.0",
    description = "Self-hosted real-time chat server.")
public final class Main implements Runnable {

  /**
   * Held so the JDK keeps the level: Lucene's note about the incubating Vector API is noise here.
   */
  private static final Logger LUCENE_VECTORS =
      Logger.getLogger("org.apache.lucene.internal.vectorization");

  public static void main(String[] args) {
    LUCENE_VECTORS.setLevel(Level.SEVERE);
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code (what {@code main} exits with). */
  public static int execute(String... args) {
    return execute(System.getenv(), args);
  }

  /** Like {@link #execute(String...)} with the given environment (for tests). */
  public static int execute(Map<String, String> env, String... args) {
    SettingsProvider settings;
    LogFormat format;
    try {
      settings = SettingsProvider.from(env, args);
      format = LogFormat.parse(settings.preParsed(Settings.LOG_FORMAT, args));
    } catch (IllegalArgumentException e) {
      System.err.println("parley: " + e.getMessage());
      return 2;
    }
    if (format == LogFormat.JSON && System.getProperty("logback.configurationFile") == null) {
      // Before anything logs: Logback reads this once, at its first use.
      System.setProperty("logback.configurationFile", "logback-json.xml");
    }
    CommandLine cli = commandLine(settings);
    cli.setErr(new PrintWriter(System.err, true, System.err.charset()));
    cli.setOut(new PrintWriter(System.out, true, System.out.charset()));
    return cli.execute(args);
  }

  static CommandLine commandLine(SettingsProvider settings) {
    CommandLine cli = new CommandLine(new Main());
    cli.addSubcommand("run", RunCommand.commandLine(settings));
    ConfigCommand config = new ConfigCommand();
    config.settings = settings;
    cli.addSubcommand("config", config);
    cli.addSubcommand("hash-password", new HashPasswordCommand());
    return cli;
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
