package dev.parley.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;

/**
 * Where a setting of {@code parley run} comes from when no flag gives it: the environment variable
 * {@code PARLEY_<KEY>} (key upper-cased, dashes as underscores), then the config file ({@code
 * --config FILE} or {@code PARLEY_CONFIG}: Java properties, {@code key = value}, keys as the flags
 * without their dashes), then the default of {@link Settings}. Flags win over all three. An empty
 * environment variable counts as unset.
 *
 * <p>Immutable; used on the main thread while the command line is parsed.
 */
final class SettingsProvider implements CommandLine.IDefaultValueProvider {
  /** Where a value came from, as {@code parley config --print} shows it. */
  enum Source {
    DEFAULT,
    FILE,
    ENV,
    FLAG
  }

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
    String name = blankToNull(env.get(Settings.CONFIG.envName()));
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(Settings.CONFIG.flag()) && i + 1 < args.length) {
        name = args[i + 1];
      } else if (args[i].startsWith(Settings.CONFIG.flag() + "=")) {
        name = args[i].substring(Settings.CONFIG.flag().length() + 1);
      }
    }
    Properties props = new Properties();
    Path path = null;
    if (name != null) {
      path = Path.of(name);
      try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
        props.load(r);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "config file " + path + " cannot be read: " + e.getMessage());
      }
      Set<String> unknown = new TreeSet<>();
      for (String key : props.stringPropertyNames()) {
        Setting<?> s = Settings.byKey(key);
        if (s == null || !s.inFile()) {
          unknown.add(key);
        }
      }
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException(
            "config file "
                + path
                + ": unknown key"
                + (unknown.size() > 1 ? "s " : " ")
                + String.join(", ", unknown)
                + " (keys are the flags of 'parley run' without their dashes)");
      }
    }
    return new SettingsProvider(env, props, path);
  }

  /**
   * A setting needed before the command line is parsed (the log format: logging starts first):
   * {@code --key=value} or {@code --key value} in {@code args}, else the environment, file,
   * default.
   */
  String preParsed(Setting<?> setting, String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(setting.flag()) && i + 1 < args.length) {
        return args[i + 1];
      }
      if (args[i].startsWith(setting.flag() + "=")) {
        return args[i].substring(setting.flag().length() + 1);
      }
    }
    return value(setting);
  }

  @Override
  public String defaultValue(CommandLine.Model.ArgSpec arg) {
    if (!(arg instanceof CommandLine.Model.OptionSpec o)) {
      return null;
    }
    Setting<?> s = Settings.byKey(o.longestName().replaceFirst("^-+", ""));
    return s == null ? null : value(s);
  }

  /** {@code setting}'s text from the environment, else the file, else its default (null: none). */
  String value(Setting<?> setting) {
    String v = blankToNull(env.get(setting.envName()));
    if (v != null) {
      return v;
    }
    v = setting.inFile() ? file.getProperty(setting.key()) : null;
    return v != null ? v.trim() : setting.defaultText();
  }

  /** Where {@code setting}'s value comes from when no flag gives it. */
  Source source(Setting<?> setting) {
    if (blankToNull(env.get(setting.envName())) != null) {
      return Source.ENV;
    }
    return setting.inFile() && file.containsKey(setting.key()) ? Source.FILE : Source.DEFAULT;
  }

  /**
   * The source as {@code config --print} writes it: {@code env PARLEY_PORT}, {@code file
   * x.properties}, {@code default}.
   */
  String describe(Setting<?> setting, Source source) {
    return switch (source) {
      case ENV -> "env " + setting.envName();
      case FILE -> "file " + fileName;
      case FLAG -> "flag";
      case DEFAULT -> "default";
    };
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
