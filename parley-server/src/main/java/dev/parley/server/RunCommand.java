package dev.parley.server;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code parley run}: one option per entry of {@link Settings}, the {@link ServerConfig} they make,
 * the demo agents' password in demo mode, start-up and the banner of URLs.
 *
 * <p>Used on the main thread: parsed, then {@link #call()} serves until SIGTERM or Ctrl-C.
 */
final class RunCommand implements Callable<Integer> {
  /** The parsed command; set once by {@link #commandLine}. */
  private CommandSpec spec;

  /** The demo agents' password once demo mode starts, else null. Main thread only. */
  private String demoPassword;

  private RunCommand() {}

  /** The {@code run} command, its defaults from {@code settings}. */
  static CommandLine commandLine(SettingsProvider settings) {
    RunCommand run = new RunCommand();
    CommandSpec spec = CommandSpec.wrapWithoutInspection(run);
    spec.name("run").mixinStandardHelpOptions(true);
    spec.usageMessage().description("Start the server.");
    for (Setting<?> s : Settings.ALL) {
      spec.addOption(option(s));
    }
    run.spec = spec;
    CommandLine cli = new CommandLine(spec);
    cli.setDefaultValueProvider(settings);
    return cli;
  }

  private static OptionSpec option(Setting<?> s) {
    OptionSpec.Builder b = OptionSpec.builder(s.flag()).description(help(s));
    if (s.label() == null) {
      return b.type(boolean.class).arity("0").build();
    }
    b.paramLabel(s.label()).arity("1");
    if (s.type().isList()) {
      b.type(List.class).auxiliaryTypes(s.type().element()).splitRegex(",");
    } else {
      b.type(s.type().type());
    }
    if (s.type().converter() != null) {
      b.converters(s.type().converter());
    }
    return b.build();
  }

  /** The flag's help: what it does, its environment variable and its default. */
  static String help(Setting<?> s) {
    String text = s.help() + " Env " + s.envName();
    if (s.defaultValue() != null || s.defaultNote() != null) {
      text += ", default " + s.defaultShown();
    }
    return text + (s.secret() ? " (safer than the flag, which other users can see in ps)." : ".");
  }

  /** The parsed value of {@code setting} (its default when no flag gave it), or null when unset. */
  @SuppressWarnings("unchecked")
  <T> T value(Setting<T> setting) {
    return (T) spec.findOption(setting.flag()).getValue();
  }

  /** Whether a flag on the command line gave {@code setting}. */
  boolean fromFlag(Setting<?> setting) {
    return spec.commandLine().getParseResult().hasMatchedOption(setting.flag());
  }

  @Override
  public Integer call() throws Exception {
    ParleyServer server;
    try {
      server = start(spec.commandLine().getOut());
    } catch (RuntimeException e) {
      // A joined future's failure (the configuration import's) says what went wrong in its cause.
      Throwable why = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      spec.commandLine().getErr().println("parley: cannot start: " + why.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "parley-shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * Builds the configuration, starts the node and writes the banner to {@code out}.
   *
   * @throws IllegalArgumentException naming a setting that is wrong
   * @throws RuntimeException when the node cannot start (store, port, TLS files)
   */
  ParleyServer start(PrintWriter out) throws InterruptedException {
    ServerConfigBuilder builder = ServerConfig.newBuilder();
    for (Setting<?> s : Settings.ALL) {
      s.applyTo(builder, value(s));
    }
    if (value(AccessSettings.SITES) == null) {
      builder.demoAgentPassword(this::demoPassword);
    }
    ServerConfig config = builder.build();
    ParleyServer server = ParleyServer.start(config);
    banner(out, config, server.port(), server.adminPort(), demoPassword);
    return server;
  }

  /**
   * The demo agents' password: the setting, else the one kept in the data directory (made if
   * missing).
   */
  private String demoPassword() {
    String given = value(AccessSettings.DEMO_AGENT_PASSWORD);
    demoPassword =
        given != null ? given : DemoPassword.loadOrCreate(value(StorageSettings.DATA_DIR));
    return demoPassword;
  }

  /**
   * The URLs, how to log in ({@code password}: the demo agents', null without demo mode), where the
   * data is.
   */
  private void banner(
      PrintWriter out, ServerConfig config, int port, int adminPort, String password) {
    String address = urlHost(config.network().host()) + ":" + port;
    String http = (config.network().tlsCert() != null ? "https://" : "http://") + address;
    String ws = (config.network().tlsCert() != null ? "wss://" : "ws://") + address;
    boolean demo = password != null;
    out.println();
    out.println(
        demo ? "  Parley is running in demo mode (no --sites file)." : "  Parley is running.");
    out.println(
        "    Demo page:   "
            + http
            + "/            (the chat widget: talk to the bot, ask for a human)");
    out.println("    Console:     " + http + "/console/    (agents answer here)");
    out.println("    Dashboard:   " + http + "/dashboard/  (admins watch live figures)");
    out.println(
        "    Admin:       " + http + "/admin/      (sites, agents, bots, the widget's look)");
    if (demo) {
      String given = null;
      if (fromFlag(AccessSettings.DEMO_AGENT_PASSWORD)) {
        given = "from --demo-agent-password";
      } else if (value(AccessSettings.DEMO_AGENT_PASSWORD) != null) {
        SettingsProvider settings = (SettingsProvider) spec.commandLine().getDefaultValueProvider();
        given =
            "from "
                + settings.describe(
                    AccessSettings.DEMO_AGENT_PASSWORD,
                    settings.source(AccessSettings.DEMO_AGENT_PASSWORD));
      }
      Path kept = DemoPassword.file(config.storage().dataDir()).toAbsolutePath().normalize();
      out.println(
          "    Log in as:   maya (an admin) or sam, password "
              + (given != null ? given : password));
      if (given == null) {
        out.println("                 (kept in " + kept + ")");
      }
    } else {
      out.println(
          "    Log in as:   an agent of "
              + value(AccessSettings.SITES)
              + " (\"admin\": true for the dashboard)");
    }
    out.println(
        "    WebSocket:   "
            + ws
            + "/ws   (protocol v1, docs/PROTOCOL.md; SSE and long-polling under /rt/)");
    out.println("    Health:      " + http + "/healthz");
    if (adminPort > 0) {
      out.println(
          "    Metrics:     http://"
              + config.network().adminHost()
              + ":"
              + adminPort
              + "/metrics  (the admin listener: /metrics, /readyz)");
    }
    out.println(
        config.storage().store().equals(StoreKind.SQLITE.key())
            ? "    Data:        " + config.storage().dataDir().toAbsolutePath().normalize()
            : "    Cluster:     store postgres, broker " + config.storage().broker());
    if (demo) {
      out.println(
          "  Only this machine can connect. To serve others, give your own sites and agents:");
      out.println("  --sites FILE (docs/OPERATIONS.md#sites-and-agents).");
    }
    out.println("  Stop with Ctrl-C (or SIGTERM).");
    out.println();
    out.flush();
  }

  /**
   * How a URL names the bind address: {@code localhost} for all addresses, brackets around IPv6.
   */
  private static String urlHost(String host) {
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      return "localhost";
    }
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
