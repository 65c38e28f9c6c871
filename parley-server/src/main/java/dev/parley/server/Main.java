package dev.parley.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code parley} command line. */
@Command(
    name = "parley",
    mixinStandardHelpOptions = true,
    version = "Parley 0.1.0",
    description = "Self-hosted real-time chat server.",
    subcommands = {Main.Run.class, Main.Config.class, Main.HashPassword.class})
public final class Main implements Runnable {

  /** Held so the JDK keeps the level: Lucene's note about the incubating Vector API is noise here. */
  private static final java.util.logging.Logger LUCENE_VECTORS =
      java.util.logging.Logger.getLogger("org.apache.lucene.internal.vectorization");

  public static void main(String[] args) {
    LUCENE_VECTORS.setLevel(java.util.logging.Level.SEVERE);
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code (what {@code main} exits with). */
  public static int execute(String... args) {
    return execute(System.getenv(), args);
  }

  /** Like {@link #execute(String...)} with the given environment (for tests). */
  public static int execute(Map<String, String> env, String... args) {
    SettingsProvider settings;
    try {
      settings = SettingsProvider.from(env, args);
    } catch (IllegalArgumentException e) {
      System.err.println("parley: " + e.getMessage());
      return 2;
    }
    String format = settings.preParsed("log-format", args);
    if (!format.equals("text") && !format.equals("json")) {
      System.err.println("parley: log-format must be text or json, was '" + format + "'");
      return 2;
    }
    if (format.equals("json") && System.getProperty("logback.configurationFile") == null) {
      // Before anything logs: Logback reads this once, at its first use.
      System.setProperty("logback.configurationFile", "logback-json.xml");
    }
    CommandLine cli = commandLine(settings);
    cli.setErr(new java.io.PrintWriter(System.err, true));
    cli.setOut(new java.io.PrintWriter(System.out, true));
    return cli.execute(args);
  }

  static CommandLine commandLine(SettingsProvider settings) {
    CommandLine cli = new CommandLine(new Main());
    cli.registerConverter(Duration.class, Main::duration);
    cli.setDefaultValueProvider(settings);
    ((Config) cli.getSubcommands().get("config").getCommand()).settings = settings;
    return cli;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Durations as {@code 500ms}, {@code 30s}, {@code 2m}, {@code 12h} or ISO-8601 ({@code PT30S}). */
  static Duration duration(String s) {
    String v = s.trim().toLowerCase(java.util.Locale.ROOT);
    try {
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      if (v.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      if (v.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      if (v.endsWith("h")) {
        return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      return Duration.parse(s);
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new CommandLine.TypeConversionException("'" + s + "' is not a duration (use 500ms, 30s, 2m, 12h)");
    }
  }

  /**
   * {@code parley config --print [run's flags]}: the effective settings, where each comes from, with
   * secrets masked.
   */
  @Command(name = "config", mixinStandardHelpOptions = true,
      description = "Show the effective configuration of 'parley run' (secrets masked).")
  static final class Config implements Callable<Integer> {
    SettingsProvider settings;

    @Option(names = "--print", required = true, description = "Print every setting, its value and its source.")
    boolean print;

    /** Flags of 'parley run' to take into account. */
    @CommandLine.Unmatched
    List<String> runArgs = new java.util.ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      CommandLine run = new CommandLine(new Run());
      run.registerConverter(Duration.class, Main::duration);
      run.setDefaultValueProvider(settings);
      CommandLine.ParseResult parsed;
      try {
        parsed = run.parseArgs(runArgs.toArray(String[]::new));
      } catch (CommandLine.ParameterException e) {
        System.err.println("parley: " + e.getMessage());
        return 2;
      }
      java.io.PrintWriter out = spec.commandLine().getOut();
      for (CommandLine.Model.OptionSpec o : run.getCommandSpec().options()) {
        String key = o.longestName().replaceFirst("^-+", "");
        if (!DEFAULTS.containsKey(key)) {
          continue;
        }
        Object value = o.getValue();
        String shown = value == null ? "(unset)" : SettingsProvider.SECRETS.contains(key) ? "****" : value.toString();
        String source = parsed.hasMatchedOption(o) ? "flag" : settings.source(key);
        out.printf("%-26s = %-40s # %s%n", key, shown, source);
      }
      out.flush();
      return 0;
    }
  }

  /** {@code parley hash-password}: reads a password from standard input, prints its hash. */
  @Command(name = "hash-password", mixinStandardHelpOptions = true,
      description = "Read a password from standard input and print its PBKDF2 hash for a sites file.")
  static final class HashPassword implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      java.io.Console console = System.console();
      String password = console != null
          ? new String(console.readPassword("Password: "))
          : new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))
              .readLine();
      if (password == null || password.isEmpty()) {
        System.err.println("parley: no password given");
        return 1;
      }
      System.out.println(dev.parley.edge.Passwords.hash(password));
      return 0;
    }
  }

  /** Built-in defaults of {@code parley run}'s settings, by key (the option without its dashes). */
  static final Map<String, String> DEFAULTS = defaults();

  private static Map<String, String> defaults() {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, String> e : List.of(
      new java.util.AbstractMap.SimpleEntry<String, String>("port", "8080"),
      new java.util.AbstractMap.SimpleEntry<String, String>("host", "0.0.0.0"),
      new java.util.AbstractMap.SimpleEntry<String, String>("data-dir", "./data"),
      new java.util.AbstractMap.SimpleEntry<String, String>("ping-interval", "30s"),
      new java.util.AbstractMap.SimpleEntry<String, String>("pong-timeout", "10s"),
      new java.util.AbstractMap.SimpleEntry<String, String>("fsync", "false"),
      new java.util.AbstractMap.SimpleEntry<String, String>("shutdown-grace", "10s"),
      new java.util.AbstractMap.SimpleEntry<String, String>("store", "sqlite"),
      new java.util.AbstractMap.SimpleEntry<String, String>("pg-url", "jdbc:postgresql://127.0.0.1:5432/parley"),
      new java.util.AbstractMap.SimpleEntry<String, String>("pg-user", null),
      new java.util.AbstractMap.SimpleEntry<String, String>("pg-password", null),
      new java.util.AbstractMap.SimpleEntry<String, String>("pg-schema", "public"),
      new java.util.AbstractMap.SimpleEntry<String, String>("broker", "memory"),
      new java.util.AbstractMap.SimpleEntry<String, String>("redis-url", "redis://127.0.0.1:6379"),
      new java.util.AbstractMap.SimpleEntry<String, String>("token-secret", null),
      new java.util.AbstractMap.SimpleEntry<String, String>("bot-pacing", "20ms"),
      new java.util.AbstractMap.SimpleEntry<String, String>("kb-dir", null),
      new java.util.AbstractMap.SimpleEntry<String, String>("open-channels", "true"),
      new java.util.AbstractMap.SimpleEntry<String, String>("demo-agent-password", "parley-demo"),
      new java.util.AbstractMap.SimpleEntry<String, String>("agent-offline-grace", "20s"),
      new java.util.AbstractMap.SimpleEntry<String, String>("bot", "kb"),
      new java.util.AbstractMap.SimpleEntry<String, String>("llm-url", "http://127.0.0.1:11434/v1"),
      new java.util.AbstractMap.SimpleEntry<String, String>("llm-model", "llama3.2"),
      new java.util.AbstractMap.SimpleEntry<String, String>("llm-api-key", null),
      new java.util.AbstractMap.SimpleEntry<String, String>("llm-first-token-timeout", "15s"),
      new java.util.AbstractMap.SimpleEntry<String, String>("llm-stall-timeout", "10s"),
      new java.util.AbstractMap.SimpleEntry<String, String>("llm-timeout", "60s"),
      new java.util.AbstractMap.SimpleEntry<String, String>("webhook-url", null),
      new java.util.AbstractMap.SimpleEntry<String, String>("webhook-secret", null),
      new java.util.AbstractMap.SimpleEntry<String, String>("sites", null))) {
      m.put(e.getKey(), e.getValue());
    }
    m.put("log-format", "text");
    m.put("send-rate", "10");
    m.put("max-connections", "100000");
    m.put("max-connections-per-ip", "1000");
    m.put("handshake-timeout", "10s");
    m.put("tls-cert", null);
    m.put("tls-key", null);
    m.put("send-burst", "20");
    m.put("slow-consumer-grace", "10s");
    m.put("jwt-secret", null);
    m.put("jwt-public-key", null);
    m.put("jwt-jwks-url", null);
    m.put("jwt-jwks-cache-ttl", "5m");
    m.put("jwt-issuer", null);
    m.put("jwt-audience", null);
    m.put("jwt-clock-skew", "30s");
    m.put("require-token", "false");
    m.put("require-origin", "false");
    m.put("agent-token-lifetime", "12h");
    m.put("trusted-proxies", null);
    m.put("store-commit-delay", "1ms");
    m.put("admin-host", "127.0.0.1");
    m.put("admin-port", "8081");
    return java.util.Collections.unmodifiableMap(m);
  }

  /** {@code parley run}: starts a node and serves until SIGTERM or Ctrl-C. */
  @Command(name = "run", mixinStandardHelpOptions = true, description = "Start the server.")
  static final class Run implements Callable<Integer> {
    @Option(names = "--port",
        description = "TCP port (env PARLEY_PORT, default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host",
        description = "Bind address (env PARLEY_HOST, default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--data-dir",
        description = "Directory for the SQLite store and secrets (env PARLEY_DATA_DIR, default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--ping-interval",
        description = "WebSocket ping interval (env PARLEY_PING_INTERVAL, default ${DEFAULT-VALUE}).")
    Duration pingInterval;

    @Option(names = "--pong-timeout",
        description = "Silence allowed after a ping before closing with 4408 (env PARLEY_PONG_TIMEOUT, default ${DEFAULT-VALUE}).")
    Duration pongTimeout;

    @Option(names = "--fsync",
        description = "fsync every commit batch to survive power loss (env PARLEY_FSYNC, default ${DEFAULT-VALUE}).")
    boolean fsync;

    @Option(names = "--shutdown-grace",
        description = "How long a graceful shutdown may take (env PARLEY_SHUTDOWN_GRACE, default ${DEFAULT-VALUE}).")
    Duration shutdownGrace;

    @Option(names = "--store",
        description = "sqlite (one node) or postgres (a cluster) (env PARLEY_STORE, default ${DEFAULT-VALUE}).")
    String store;

    @Option(names = "--pg-url",
        description = "JDBC URL of the PostgreSQL store (env PARLEY_PG_URL, default ${DEFAULT-VALUE}).")
    String pgUrl;

    @Option(names = "--pg-user",
        description = "PostgreSQL user (env PARLEY_PG_USER).")
    String pgUser;

    @Option(names = "--pg-password",
        description = "PostgreSQL password (env PARLEY_PG_PASSWORD; prefer the environment to the command line).")
    String pgPassword;

    @Option(names = "--pg-schema",
        description = "PostgreSQL schema, created if missing (env PARLEY_PG_SCHEMA, default ${DEFAULT-VALUE}).")
    String pgSchema;

    @Option(names = "--broker",
        description = "memory (one node) or redis (a cluster) (env PARLEY_BROKER, default ${DEFAULT-VALUE}).")
    String broker;

    @Option(names = "--redis-url",
        description = "Redis URI of the broker (env PARLEY_REDIS_URL, default ${DEFAULT-VALUE}).")
    String redisUrl;

    @Option(names = "--token-secret",
        description = "Base64 of >= 32 random bytes signing visitor tokens; the same on every node of a cluster "
            + "(env PARLEY_TOKEN_SECRET; default: data-dir/secret.key).")
    String tokenSecret;

    @Option(names = "--bot-pacing",
        description = "Pause between chunks of a streamed knowledge-base answer (env PARLEY_BOT_PACING, default ${DEFAULT-VALUE}).")
    Duration botPacing;

    @Option(names = "--kb-dir",
        description = "Folder of Markdown files for the demo site's knowledge base (env PARLEY_KB_DIR; default: built in).")
    Path kbDir;

    @Option(names = "--open-channels", arity = "1",
        description = "Whether non-chat conversation ids are open channels any client may join "
            + "(env PARLEY_OPEN_CHANNELS, default ${DEFAULT-VALUE}).")
    boolean openChannels;

    @Option(names = "--demo-agent-password",
        description = "Password of the demo agents maya and sam (env PARLEY_DEMO_AGENT_PASSWORD, default ${DEFAULT-VALUE}).")
    String demoAgentPassword;

    @Option(names = "--agent-offline-grace",
        description = "How long an agent may be gone before its conversations are queued again "
            + "(env PARLEY_AGENT_OFFLINE_GRACE, default ${DEFAULT-VALUE}).")
    Duration agentOfflineGrace;

    @Option(names = "--bot",
        description = "The demo site's bot: kb (knowledge base) or llm (env PARLEY_BOT, default ${DEFAULT-VALUE}).")
    String bot;

    @Option(names = "--llm-url",
        description = "OpenAI-compatible base URL (env PARLEY_LLM_URL, default ${DEFAULT-VALUE}, Ollama).")
    String llmUrl;

    @Option(names = "--llm-model",
        description = "Model name (env PARLEY_LLM_MODEL, default ${DEFAULT-VALUE}).")
    String llmModel;

    @Option(names = "--llm-api-key",
        description = "API key, sent as a bearer token (env PARLEY_LLM_API_KEY; prefer the environment).")
    String llmApiKey;

    @Option(names = "--llm-first-token-timeout",
        description = "Give up when no token came this long after asking (default ${DEFAULT-VALUE}).")
    Duration llmFirstToken;

    @Option(names = "--llm-stall-timeout",
        description = "Give up when the stream is silent this long (default ${DEFAULT-VALUE}).")
    Duration llmStall;

    @Option(names = "--llm-timeout",
        description = "Give up when a whole answer takes longer (default ${DEFAULT-VALUE}).")
    Duration llmTimeout;

    @Option(names = "--webhook-url",
        description = "With --bot webhook: where visitor messages are POSTed (env PARLEY_WEBHOOK_URL).")
    String webhookUrl;

    @Option(names = "--webhook-secret",
        description = "With --bot webhook: HMAC-SHA256 secret signing both directions (env PARLEY_WEBHOOK_SECRET).")
    String webhookSecret;

    @Option(names = "--log-format", description = "text, or json for one JSON object per line "
        + "(env PARLEY_LOG_FORMAT, default ${DEFAULT-VALUE}).")
    String logFormat;

    @Option(names = "--send-rate", description = "send commands per second per connection (env PARLEY_SEND_RATE, default ${DEFAULT-VALUE}).")
    double sendRate;

    @Option(names = "--send-burst", description = "send commands a connection may make at once (env PARLEY_SEND_BURST, default ${DEFAULT-VALUE}).")
    int sendBurst;

    @Option(names = "--slow-consumer-grace", description = "How long a connection may read too slowly before it is closed with 4503 "
        + "(env PARLEY_SLOW_CONSUMER_GRACE, default ${DEFAULT-VALUE}).")
    Duration slowConsumerGrace;

    @Option(names = "--max-connections", description = "Connections held at once; 503 beyond "
        + "(env PARLEY_MAX_CONNECTIONS, default ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-connections-per-ip", description = "Connections from one address at once; 503 beyond "
        + "(env PARLEY_MAX_CONNECTIONS_PER_IP, default ${DEFAULT-VALUE}).")
    int maxConnectionsPerIp;

    @Option(names = "--handshake-timeout", description = "Time to send the HTTP request or upgrade (slowloris) "
        + "(env PARLEY_HANDSHAKE_TIMEOUT, default ${DEFAULT-VALUE}).")
    Duration handshakeTimeout;

    @Option(names = "--tls-cert", description = "PEM certificate chain: serve https and wss (env PARLEY_TLS_CERT).")
    Path tlsCert;

    @Option(names = "--tls-key", description = "PEM private key (PKCS#8) of --tls-cert (env PARLEY_TLS_KEY).")
    Path tlsKey;

    @Option(names = "--jwt-secret", description = "HS256 secret (>= 32 bytes) of the identity provider's JWTs "
        + "(env PARLEY_JWT_SECRET; prefer the environment).")
    String jwtSecret;

    @Option(names = "--jwt-public-key", split = ",", description = "PEM public key files (RSA or EC P-256) of the "
        + "identity provider's RS256/ES256 JWTs, comma-separated (env PARLEY_JWT_PUBLIC_KEY).")
    List<Path> jwtPublicKeys;

    @Option(names = "--jwt-jwks-url", description = "The identity provider's JWKS URL, cached and refreshed "
        + "(env PARLEY_JWT_JWKS_URL).")
    java.net.URI jwtJwksUrl;

    @Option(names = "--jwt-jwks-cache-ttl", description = "How long fetched JWKS keys are used "
        + "(env PARLEY_JWT_JWKS_CACHE_TTL, default ${DEFAULT-VALUE}).")
    Duration jwtJwksCacheTtl;

    @Option(names = "--jwt-issuer", description = "Required iss claim of JWTs (env PARLEY_JWT_ISSUER).")
    String jwtIssuer;

    @Option(names = "--jwt-audience", description = "Required aud claim of JWTs (env PARLEY_JWT_AUDIENCE).")
    String jwtAudience;

    @Option(names = "--jwt-clock-skew", description = "Tolerance for exp and nbf (env PARLEY_JWT_CLOCK_SKEW, "
        + "default ${DEFAULT-VALUE}).")
    Duration jwtClockSkew;

    @Option(names = "--require-token", arity = "1", description = "Refuse (401) every WebSocket handshake without a "
        + "token (env PARLEY_REQUIRE_TOKEN, default ${DEFAULT-VALUE}).")
    boolean requireToken;

    @Option(names = "--require-origin", arity = "1", description = "Refuse (403) WebSocket handshakes without an "
        + "Origin header, i.e. from non-browsers (env PARLEY_REQUIRE_ORIGIN, default ${DEFAULT-VALUE}).")
    boolean requireOrigin;

    @Option(names = "--agent-token-lifetime", description = "How long an agent's login token is valid "
        + "(env PARLEY_AGENT_TOKEN_LIFETIME, default ${DEFAULT-VALUE}).")
    Duration agentTokenLifetime;

    @Option(names = "--store-commit-delay", description = "In a steady stream of writes, how long the store's writer "
        + "waits for more before it commits, so one commit carries several (0ms: never waits) "
        + "(env PARLEY_STORE_COMMIT_DELAY, default ${DEFAULT-VALUE}).")
    Duration storeCommitDelay;

    @Option(names = "--trusted-proxies", split = ",", description = "IP addresses of reverse proxies whose "
        + "X-Forwarded-For names the client, comma-separated (env PARLEY_TRUSTED_PROXIES).")
    List<String> trustedProxies;

    @Option(names = "--admin-host", description = "Address of the admin listener: /metrics, /readyz, /healthz "
        + "(env PARLEY_ADMIN_HOST, default ${DEFAULT-VALUE}; keep it private).")
    String adminHost;

    @Option(names = "--admin-port", description = "Port of the admin listener; 0 any free port, -1 off "
        + "(env PARLEY_ADMIN_PORT, default ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--config", description = "Config file (Java properties: key = value, keys as these flags "
        + "without dashes); env PARLEY_CONFIG. Environment variables override it, flags override both.")
    Path configFile;

    @Option(names = "--sites",
        description = "JSON file of sites and agents (env PARLEY_SITES; default: the demo site with agents maya and sam).")
    Path sitesFile;

    @Override
    public Integer call() throws Exception {
      ServerConfig config;
      ParleyServer server;
      try {
        config = ServerConfig.newBuilder()
            .host(host)
            .port(port)
            .dataDir(dataDir)
            .pingInterval(pingInterval)
            .pongTimeout(pongTimeout)
            .fsync(fsync)
            .shutdownGrace(shutdownGrace)
            .store(store)
            .postgresUrl(pgUrl)
            .postgresUser(pgUser)
            .postgresPassword(pgPassword)
            .postgresSchema(pgSchema)
            .broker(broker)
            .redisUrl(redisUrl)
            .tokenSecret(tokenSecret)
            .botPacing(botPacing)
            .kbDir(kbDir)
            .openChannels(openChannels)
            .sites(sitesFile == null ? null : SitesFile.load(sitesFile))
            .agents(sitesFile == null ? ServerConfig.demoAgents(demoAgentPassword) : null)
            .agentOfflineGrace(agentOfflineGrace)
            .sendRate(sendRate)
            .sendBurst(sendBurst)
            .slowConsumerGrace(slowConsumerGrace)
            .maxConnections(maxConnections)
            .maxConnectionsPerIp(maxConnectionsPerIp)
            .handshakeTimeout(handshakeTimeout)
            .tls(tlsCert, tlsKey)
            .jwt(new dev.parley.edge.JwtVerifier.Settings(jwtSecret, jwtPublicKeys == null ? List.of() : jwtPublicKeys,
                jwtJwksUrl, jwtIssuer, jwtAudience, jwtJwksCacheTtl, jwtClockSkew))
            .requireToken(requireToken)
            .requireOrigin(requireOrigin)
            .agentTokenLifetime(agentTokenLifetime)
            .trustedProxies(trustedProxies == null ? List.of() : trustedProxies)
            .storeCommitDelay(storeCommitDelay)
            .adminHost(adminHost)
            .adminPort(adminPort)
            .bot(bot)
            .webhook(webhookUrl == null ? null
                : new dev.parley.bots.WebhookBot.Config(webhookUrl, webhookSecret, 4, Duration.ofMillis(500), Duration.ofSeconds(10)))
            .llm(new dev.parley.bots.LlmBot.Config(llmUrl, llmModel, llmApiKey, llmFirstToken, llmStall, llmTimeout, 3))
            .build();
        server = ParleyServer.start(config);
      } catch (RuntimeException e) {
        System.err.println("parley: cannot start: " + e.getMessage());
        return 1;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        server.close();
        stopped.countDown();
      }, "parley-shutdown"));
      String local = "localhost:" + server.port();
      String http = config.tlsCert() != null ? "https://" : "http://";
      String ws = config.tlsCert() != null ? "wss://" : "ws://";
      boolean demo = sitesFile == null;
      System.out.println();
      System.out.println("  Parley is running.");
      System.out.println("    Demo page:   " + http + local + "/            (the chat widget: talk to the bot, ask for a human)");
      System.out.println("    Console:     " + http + local + "/console/    (agents answer here)");
      System.out.println("    Dashboard:   " + http + local + "/dashboard/  (admins watch live figures)");
      if (demo) {
        System.out.println("    Log in as:   maya (an admin) or sam, password "
            + (demoAgentPassword.equals(DEFAULTS.get("demo-agent-password")) ? demoAgentPassword
                : "from --demo-agent-password"));
      } else {
        System.out.println("    Log in as:   an agent of " + sitesFile + " (\"admin\": true for the dashboard)");
      }
      System.out.println("    WebSocket:   " + ws + local + "/ws   (protocol v1, docs/PROTOCOL.md; SSE and long-polling under /rt/)");
      System.out.println("    Health:      " + http + local + "/healthz");
      if (server.adminPort() > 0) {
        System.out.println("    Metrics:     http://" + config.adminHost() + ":" + server.adminPort() + "/metrics"
            + "  (admin listener: /metrics, /readyz)");
      }
      System.out.println(config.store().equals("sqlite")
          ? "    Data:        " + dataDir.toAbsolutePath().normalize()
          : "    Cluster:     store postgres, broker " + config.broker());
      System.out.println("  Stop with Ctrl-C (or SIGTERM).");
      System.out.println();
      stopped.await();
      return 0;
    }
  }
}
