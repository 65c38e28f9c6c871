package dev.parley.edge.admin;

/**
 * A setting that is not acceptable, naming its field (a JSON path like {@code bot.llm.baseUrl} or
 * {@code allowedOrigins[1]}) and saying what is wrong. The admin API answers it {@code 400
 * invalid_field}; the sites file prefixes the entry ({@code sites[0].}).
 */
public final class InvalidSetting extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;

  public InvalidSetting(String field, String problem) {
    super(field + " " + problem, null);
    this.field = field;
  }

  /** The offending field. */
  public String field() {
    return field;
  }
}
