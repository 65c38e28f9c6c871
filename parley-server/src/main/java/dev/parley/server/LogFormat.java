package dev.parley.server;

/** How log lines are written: the {@code log-format} setting. */
public enum LogFormat implements Choice {
  /** One line of text per event. */
  TEXT("text"),
  /** One JSON object per line (Logback's {@code JsonEncoder}). */
  JSON("json");

  private final String key;

  LogFormat(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /**
   * The log format named by {@code text}.
   *
   * @throws IllegalArgumentException {@code log-format must be text or json, was '…'}
   */
  public static LogFormat parse(String text) {
    return Choice.parse(LogFormat.class, "log-format", text);
  }
}
