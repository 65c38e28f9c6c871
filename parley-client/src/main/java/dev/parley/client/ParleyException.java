package dev.parley.client;

/** A send that the server refused for good (a non-retryable error), or a client that closed. */
public final class ParleyException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String code;

  public ParleyException(String code, String message) {
    super(code + ": " + message);
    this.code = code;
  }

  /** The error code, as in {@code docs/PROTOCOL.md#error-codes}, or {@code closed}. */
  public String code() {
    return code;
  }
}
