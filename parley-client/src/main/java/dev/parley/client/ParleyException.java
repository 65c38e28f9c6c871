package dev.parley.client;

/**
 * A send that the server refused for good (a non-retryable error), a client that closed, or one
 * that was not connected.
 */
public final class ParleyException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String code;

  public ParleyException(String code, String message) {
    super(code + ": " + message);
    this.code = code;
  }

  /**
   * A {@code too_long} refusal when {@code text} has more than {@code max} code points (the unit
   * the server counts, docs/PROTOCOL.md#limits), else null: the client refuses what the server
   * would.
   */
  static ParleyException ifTooLong(String text, int max) {
    return text.codePointCount(0, text.length()) <= max
        ? null
        : new ParleyException(
            "too_long", "text is longer than " + max + " characters (Unicode code points)");
  }

  /**
   * The error code, as in {@code docs/PROTOCOL.md#error-codes}, or one the client gives itself:
   * {@code closed} (the client closed), {@code not_connected} (a ping without a connection), {@code
   * too_long} (a text the server would refuse).
   */
  public String code() {
    return code;
  }
}
