package dev.parley.server;

import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * One setting of {@code parley run}: its key, type, default, meaning and how it reaches a {@link
 * ServerConfigBuilder}. The key is the flag without its dashes ({@code --ping-interval}), the
 * config file's key ({@code ping-interval = 30s}) and, upper-cased with underscores, the
 * environment variable ({@code PARLEY_PING_INTERVAL}). {@link Settings#ALL} lists them all; the
 * command line, {@code parley config --print} and the reference in {@code docs/OPERATIONS.md} are
 * made from that list.
 *
 * <p>Immutable.
 *
 * @param key the flag without its dashes
 * @param group where the reference lists it
 * @param label the value's placeholder in the reference ({@code N}, {@code D}, {@code FILE}); null
 *     for a flag that takes no value
 * @param type how the text becomes a value
 * @param defaultValue the value when nothing sets it, or null
 * @param defaultNote what happens when nothing sets it, where that is not a value ({@code built
 *     in}), or null
 * @param secret whether the value is masked wherever it is shown
 * @param help what it does, one sentence: the flag's help text and the reference's first words
 * @param details what the reference says beyond {@code help}, or null
 * @param apply hands the value (null when unset) to the builder; null for settings the command line
 *     itself uses ({@code config}, {@code log-format}, {@code demo-agent-password})
 */
record Setting<T>(
    String key,
    Group group,
    String label,
    ValueType<T> type,
    T defaultValue,
    String defaultNote,
    boolean secret,
    String help,
    String details,
    BiConsumer<ServerConfigBuilder, T> apply) {

  /** The sections of the configuration reference, in its order. */
  enum Group {
    NETWORK("Network"),
    CONNECTIONS("Connections"),
    STORAGE("Storage"),
    CLUSTER("Cluster"),
    ACCESS("Sites, agents and tokens"),
    BOTS("Bots"),
    MAIL("Away mail"),
    PROCESS("The process");

    final String title;

    Group(String title) {
      this.title = title;
    }
  }

  /** A setting with a value as its default. */
  static <T> Setting<T> of(
      String key, Group group, String label, ValueType<T> type, T defaultValue, String help) {
    return new Setting<>(key, group, label, type, defaultValue, null, false, help, null, null);
  }

  /** This setting, applied to the builder by {@code apply}. */
  Setting<T> applies(BiConsumer<ServerConfigBuilder, T> apply) {
    return new Setting<>(
        key, group, label, type, defaultValue, defaultNote, secret, help, details, apply);
  }

  /**
   * This setting, with a default that is not a value ({@code built in}, {@code
   * data-dir/secret.key}).
   */
  Setting<T> defaultNote(String note) {
    return new Setting<>(key, group, label, type, defaultValue, note, secret, help, details, apply);
  }

  /** This setting, masked wherever it is shown. */
  Setting<T> asSecret() {
    return new Setting<>(
        key, group, label, type, defaultValue, defaultNote, true, help, details, apply);
  }

  /** This setting, with more to say in the reference than in the flag's help. */
  Setting<T> details(String more) {
    return new Setting<>(
        key, group, label, type, defaultValue, defaultNote, secret, help, more, apply);
  }

  /** {@code --key}. */
  String flag() {
    return "--" + key;
  }

  /** {@code PARLEY_KEY}: the key upper-cased, dashes as underscores. */
  String envName() {
    return envName(key);
  }

  static String envName(String key) {
    return "PARLEY_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** Whether a config file may set it (all but {@code config} itself). */
  boolean inFile() {
    return !key.equals(Settings.CONFIG.key());
  }

  /** The default as a flag would take it, or null when there is none. */
  String defaultText() {
    return type.format(defaultValue);
  }

  /** The default as the reference and the help show it: the value, the note, or "—". */
  String defaultShown() {
    return defaultValue != null ? defaultText() : defaultNote != null ? defaultNote : "—";
  }

  /** Hands {@code value} (of this setting's type, or null) to {@code builder}. */
  @SuppressWarnings("unchecked")
  void applyTo(ServerConfigBuilder builder, Object value) {
    if (apply != null) {
      apply.accept(builder, (T) value);
    }
  }
}
