package dev.parley.protocol;

import java.util.regex.Pattern;

/** Field checks shared by the {@link Command} records. Stateless; any thread. */
final class Fields {
  /** Conversation ids: 1 to 64 characters of letters, digits and {@code _ . : -}. */
  static final Pattern CONVERSATION_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  private Fields() {}

  static ProtocolException missing(String field) {
    return new ProtocolException(ErrorCode.INVALID_FIELD, "missing field \"" + field + "\"", field);
  }

  static ProtocolException invalid(String field, String why) {
    return new ProtocolException(ErrorCode.INVALID_FIELD, "field \"" + field + "\" " + why, field);
  }

  static void conversation(String field, String value) {
    if (value == null) {
      throw missing(field);
    }
    if (!CONVERSATION_ID.matcher(value).matches()) {
      throw invalid(field, "must be 1-64 characters of A-Z a-z 0-9 _ . : -");
    }
  }

  static void id(String field, String value) {
    if (value == null) {
      throw missing(field);
    }
    if (value.isEmpty() || value.length() > Command.MAX_ID_CHARS) {
      throw invalid(field, "must be 1-" + Command.MAX_ID_CHARS + " characters");
    }
  }

  static void optionalRef(String ref) {
    if (ref != null && (ref.isEmpty() || ref.length() > Command.MAX_ID_CHARS)) {
      throw invalid("ref", "must be 1-" + Command.MAX_ID_CHARS + " characters");
    }
  }
}
