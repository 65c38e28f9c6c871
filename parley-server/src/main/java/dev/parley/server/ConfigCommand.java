package dev.parley.server;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code parley config --print [run's flags]}: every setting of {@code parley run}, its effective
 * value and where it comes from (flag, env, file or default), secrets and the passwords in URLs
 * masked; first, whether the node would run in demo mode and with which agents.
 *
 * <p>Used on the main thread.
 */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Show the effective configuration of 'parley run' (secrets masked).")
final class ConfigCommand implements Callable<Integer> {
  /** Where values come from; set by {@link Main} before it runs. */
  SettingsProvider settings;

  @Option(
      names = "--print",
      required = true,
      description = "Print every setting, its value and its source.")
  boolean print;

  /** Flags of 'parley run' to take into account. */
  @CommandLine.Unmatched List<String> runArgs = new ArrayList<>();

  @CommandLine.Spec CommandSpec spec;

  @Override
  public Integer call() {
    CommandLine cli = RunCommand.commandLine(settings);
    try {
      cli.parseArgs(runArgs.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      spec.commandLine().getErr().println("parley: " + e.getMessage());
      return 2;
    }
    RunCommand run = cli.getCommand();
    PrintWriter out = spec.commandLine().getOut();
    boolean demo = run.value(AccessSettings.SITES) == null;
    out.println("# " + mode(run, demo));
    for (Setting<?> s : Settings.ALL) {
      SettingsProvider.Source source =
          run.fromFlag(s) ? SettingsProvider.Source.FLAG : settings.source(s);
      String where = settings.describe(s, source);
      Object value = run.value(s);
      String shown;
      if (s.equals(NetworkSettings.HOST) && value == null) {
        shown = demo ? DemoGuard.LOOPBACK : "0.0.0.0";
        where += demo ? " (demo mode)" : " (with --sites)";
      } else if (s.equals(AccessSettings.DEMO_AGENT_PASSWORD) && value == null) {
        shown =
            demo
                ? "(random, in " + DemoPassword.file(run.value(StorageSettings.DATA_DIR)) + ")"
                : "(unused: --sites)";
      } else if (value == null) {
        shown = "(" + (s.defaultNote() != null ? s.defaultNote() : "unset") + ")";
      } else {
        shown = s.secret() ? SecretMask.MASK : SecretMask.url(s.type().format(value));
      }
      out.printf("%-26s = %-40s # %s%n", s.key(), shown, where);
    }
    out.flush();
    return 0;
  }

  /** One line on demo mode or the sites file, and the demo agents' password. */
  private String mode(RunCommand run, boolean demo) {
    if (!demo) {
      return "sites and agents from " + run.value(AccessSettings.SITES);
    }
    Path kept = DemoPassword.file(run.value(StorageSettings.DATA_DIR));
    String password =
        run.value(AccessSettings.DEMO_AGENT_PASSWORD) == null
            ? "a random password kept in " + kept + " (made on first start)"
            : "the password of demo-agent-password";
    return "demo mode (no --sites): the demo agents "
        + String.join(" and ", ServerConfig.DEMO_AGENTS)
        + " with "
        + password
        + "; only on a loopback host without TLS, PostgreSQL or Redis";
  }
}
