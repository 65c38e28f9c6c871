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

  /** An error about {@code field} (may be null). */
  public ProtocolException(ErrorCode code, String message, String field) {
    this(code, message, field, null, null);
  }

  private ProtocolException(ErrorCode code, String message, String field, String cid, String ref) {
    super(message, null, false, false);
    this.code = code;
    this.field = field;
    this.cid = cid;
    this.ref = ref;
  }

  /** The same error, naming the command's cid and ref. */
  public ProtocolException naming(String cid, String ref) {
    return new ProtocolException(code, getMessage(), field, cid, ref);
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

  /** The {@code error} event that answers this. */
  public Push.Error toPush() {
    return Push.Error.of(code, getMessage(), cid, ref, field);
  }
}
