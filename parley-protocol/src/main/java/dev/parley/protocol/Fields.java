package dev.parley.protocol;

import java.util.regex.Pattern;

/**
 * Field checks shared by the command records (the core's and extensions'). Stateless; any thread.
 */
public final class Fields {
  /** Conversation ids: 1 to 64 characters of letters, digits and {@code _ . : -}. */
  public static final Pattern CONVERSATION_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  private Fields() {}

  public static ProtocolException missing(String field) {
    return new ProtocolException(ErrorCode.INVALID_FIELD, "missing field \"" + field + "\"", field);
  }

  public static ProtocolException invalid(String field, String why) {
    return new ProtocolException(ErrorCode.INVALID_FIELD, "field \"" + field + "\" " + why, field);
  }

  public static void conversation(String field, String value) {
    if (value == null) {
      throw missing(field);
    }
    if (!CONVERSATION_ID.matcher(value).matches()) {
      throw invalid(field, "must be 1-64 characters of A-Z a-z 0-9 _ . : -");
    }
  }

  public static void id(String field, String value) {
    if (value == null) {
      throw missing(field);
    }
    if (value.isEmpty() || value.length() > Command.MAX_ID_CHARS) {
      throw invalid(field, "must be 1-" + Command.MAX_ID_CHARS + " characters");
    }
  }

  public static void optionalRef(String ref) {
    if (ref != null && (ref.isEmpty() || ref.length() > Command.MAX_ID_CHARS)) {
      throw invalid("ref", "must be 1-" + Command.MAX_ID_CHARS + " characters");
    }
  }
}
