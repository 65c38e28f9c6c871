package dev.parley.protocol;

/**
 * Codes of the {@code error} event. Each names what went wrong and whether the same command may
 * succeed if sent again ({@link #retryable()}). An error never closes the connection. See {@code
 * docs/PROTOCOL.md#error-codes}.
 */
public enum ErrorCode {
  /** The frame is not a JSON object. */
  BAD_JSON("bad_json", false),
  /** The {@code type} field is missing or names no command. */
  UNKNOWN_TYPE("unknown_type", false),
  /** A field is missing, of the wrong JSON type, or out of range; {@code field} names it. */
  INVALID_FIELD("invalid_field", false),
  /** A command other than {@code hello} arrived before {@code hello}. */
  HELLO_REQUIRED("hello_required", false),
  /** A second {@code hello} on the same connection. */
  ALREADY_HELLO("already_hello", false),
  /** The token in {@code hello} is not valid. */
  UNAUTHORIZED("unauthorized", false),
  /** The user may not do this in this conversation. */
  FORBIDDEN("forbidden", false),
  /**
   * {@code join} of a channel {@code name:…} whose namespace {@code name} is not configured on this
   * server.
   */
  UNKNOWN_NAMESPACE("unknown_namespace", false),
  /**
   * {@code send}, {@code receipt} or {@code typing} for a conversation this connection has not
   * joined.
   */
  NOT_JOINED("not_joined", false),
  /** The message text is longer than the server accepts. */
  TOO_LONG("too_long", false),
  /**
   * A {@code send}'s {@code attachments} names a file that is not one the sender uploaded to this
   * conversation (none such, another conversation's, another user's, or erased since).
   */
  UNKNOWN_FILE("unknown_file", false),
  /** A {@code send} carries more files than the site allows in one message. */
  TOO_MANY_ATTACHMENTS("too_many_attachments", false),
  /** Sent faster than the connection's rate limit; send the same command again a little later. */
  RATE_LIMITED("rate_limited", true),
  /** The store could not write or read just now; send the same command again later. */
  STORE_UNAVAILABLE("store_unavailable", true),
  /**
   * A namespace's proxy (the application's backend, asked before a {@code join} or a {@code send})
   * gave no usable answer in time; nothing was joined or stored: send the same command again later.
   */
  PROXY_UNAVAILABLE("proxy_unavailable", true),
  /** The server is shutting down; reconnect (to another node) and send again. */
  SHUTTING_DOWN("shutting_down", true),
  /** An unexpected server fault; sending again may succeed. */
  INTERNAL("internal", true);

  private final String code;
  private final boolean retryable;

  ErrorCode(String code, boolean retryable) {
    this.code = code;
    this.retryable = retryable;
  }

  /** The code as it appears on the wire. */
  public String code() {
    return code;
  }

  /** Whether the same command, sent again unchanged, may succeed. */
  public boolean retryable() {
    return retryable;
  }
}
