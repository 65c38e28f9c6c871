package dev.parley.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;

/**
 * Where a setting of {@code parley run} comes from when no flag gives it: the environment variable
 * {@code PARLEY_<KEY>} (key upper-cased, dashes as underscores), then the config file ({@code
 * --config FILE} or {@code PARLEY_CONFIG}: Java properties, {@code key = value}, keys as the flags
 * without their dashes), then the built-in default. Flags win over all three.
 *
 * <p>Immutable; used on the main thread while the command line is parsed.
 */
final class SettingsProvider implements CommandLine.IDefaultValueProvider {
  /** Keys whose values are never printed. */
  static final Set<String> SECRETS =
      Set.of("pg-password", "token-secret", "llm-api-key", "webhook-secret", "demo-agent-password", "jwt-secret");

  private final Map<String, String> env;
  private final Properties file;
  private final Path fileName;

  private SettingsProvider(Map<String, String> env, Properties file, Path fileName) {
    this.env = env;
    this.file = file;
    this.fileName = fileName;
  }

  /**
   * Reads the config file named by {@code --config}/{@code --config=} in {@code args} or by {@code
   * PARLEY_CONFIG}, if any, and checks its keys.
   *
   * @throws IllegalArgumentException naming the file and the unknown key, or why it cannot be read
   */
  static SettingsProvider from(Map<String, String> env, String[] args) {
    String name = env.get("PARLEY_CONFIG");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        name = args[i + 1];
      } else if (args[i].startsWith("--config=")) {
        name = args[i].substring("--config=".length());
      }
    }
    Properties props = new Properties();
    Path path = null;
    if (name != null) {
      path = Path.of(name);
      try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
        props.load(r);
      } catch (IOException e) {
        throw new IllegalArgumentException("config file " + path + " cannot be read: " + e.getMessage());
      }
      Set<String> unknown = new TreeSet<>(props.stringPropertyNames());
      unknown.removeAll(Main.DEFAULTS.keySet());
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException("config file " + path + ": unknown key" + (unknown.size() > 1 ? "s " : " ")
            + String.join(", ", unknown) + " (keys are the flags of 'parley run' without their dashes)");
      }
    }
    return new SettingsProvider(env, props, path);
  }

  /**
   * A setting needed before the command line is parsed (the log format: logging starts first):
   * {@code --key=value} or {@code --key value} in {@code args}, else the environment, file, default.
   */
  String preParsed(String key, String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--" + key) && i + 1 < args.length) {
        return args[i + 1];
      }
      if (args[i].startsWith("--" + key + "=")) {
        return args[i].substring(key.length() + 3);
      }
    }
    String v = env.get(envName(key));
    if (v != null) {
      return v;
    }
    v = file.getProperty(key);
    return v != null ? v.trim() : Main.DEFAULTS.get(key);
  }

  static String envName(String key) {
    return "PARLEY_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  @Override
  public String defaultValue(CommandLine.Model.ArgSpec arg) {
    if (!(arg instanceof CommandLine.Model.OptionSpec o)) {
      return null;
    }
    String key = o.longestName().replaceFirst("^-+", "");
    if (!Main.DEFAULTS.containsKey(key)) {
      return null;
    }
    String v = env.get(envName(key));
    if (v != null) {
      return v;
    }
    v = file.getProperty(key);
    if (v != null) {
      return v.trim();
    }
    return Main.DEFAULTS.get(key);
  }

  /** Where {@code key}'s value comes from when no flag gives it: env, file or default. */
  String source(String key) {
    if (env.containsKey(envName(key))) {
      return "env " + envName(key);
    }
    if (file.containsKey(key)) {
      return "file " + fileName;
    }
    return "default";
  }
}
