package dev.parley.protocol;

/**
 * A frame that cannot be accepted as a command. Carries the error code and, when the frame held
 * them, its {@code cid} and {@code ref}, so the error reply names the command.
 */
public final class ProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final String field;
  private final String cid;
  private final String ref;
  private final Long retryAfterMs;

  /** An error about {@code field} (may be null). */
  public ProtocolException(ErrorCode code, String message, String field) {
    this(code, message, field, null, null, null);
  }

  private ProtocolException(
      ErrorCode code, String message, String field, String cid, String ref, Long retryAfterMs) {
    super(message, null, false, false);
    this.code = code;
    this.field = field;
    this.cid = cid;
    this.ref = ref;
    this.retryAfterMs = retryAfterMs;
  }

  /** The same error, naming the command's cid and ref. */
  public ProtocolException naming(String cid, String ref) {
    return new ProtocolException(code, getMessage(), field, cid, ref, retryAfterMs);
  }

  /** The same error, saying in how many milliseconds sending again may succeed. */
  public ProtocolException retryAfter(long millis) {
    return new ProtocolException(code, getMessage(), field, cid, ref, millis);
  }

  public ErrorCode code() {
    return code;
  }

  public String field() {
    return field;
  }

  public String cid() {
    return cid;
  }

  public String ref() {
    return ref;
  }

  /** In how many milliseconds sending again may succeed; null when the error says nothing of it. */
  public Long retryAfterMs() {
    return retryAfterMs;
  }

  /** The {@code error} event that answers this. */
  public Push.Error toPush() {
    Push.Error e = Push.Error.of(code, getMessage(), cid, ref, field);
    return retryAfterMs == null ? e : e.retryAfter(retryAfterMs);
  }
}
