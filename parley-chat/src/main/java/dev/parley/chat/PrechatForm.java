package dev.parley.chat;

import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A site's pre-chat form ({@code docs/OPERATIONS.md#pre-chat-form}): the fields a visitor fills in
 * before its first message when the site switches it on. The widget gets it with the site's
 * appearance and checks the answers as it can; {@link #check} checks them again on the server,
 * which is what counts. Immutable.
 *
 * @param enabled whether the widget shows the form
 * @param fields the fields, in the order shown (at most {@link #MAX_FIELDS})
 */
public record PrechatForm(boolean enabled, List<Field> fields) {
  /** The most fields a form has. */
  public static final int MAX_FIELDS = 6;

  /** The longest label, in characters. */
  public static final int MAX_LABEL = 80;

  /** An email address: a local part, one {@code @}, and a domain of dot-separated labels. */
  private static final Pattern EMAIL =
      Pattern.compile(
          "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
              + "@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");

  /** A phone number as people write it: digits, spaces and {@code + ( ) . / -}. */
  private static final Pattern PHONE = Pattern.compile("\\+?[0-9 ()./-]{3,32}");

  public PrechatForm {
    fields = fields == null ? List.of() : List.copyOf(fields);
  }

  /** What a field asks for, which decides how its answer is checked. */
  public enum Kind {
    /** A person's name: 1-100 characters. */
    NAME(100),
    /** An email address (RFC 5321 shape), at most 254 characters. */
    EMAIL(254),
    /** A phone number: 3-32 of digits, spaces and {@code + ( ) . / -}, at least 3 digits. */
    PHONE(32),
    /** Free text: at most 500 characters. */
    TEXT(500);

    private final int maxLength;

    Kind(int maxLength) {
      this.maxLength = maxLength;
    }

    /** The longest answer, in code points. */
    public int maxLength() {
      return maxLength;
    }

    /** The name in settings: {@code name}, {@code email}, {@code phone}, {@code text}. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The kind named {@code s}, or null. */
    public static Kind ofWire(String s) {
      for (Kind k : values()) {
        if (k.wire().equals(s)) {
          return k;
        }
      }
      return null;
    }
  }

  /**
   * One field of the form.
   *
   * @param key the answer's key on the wire and in the store: 1-32 of {@code a-z 0-9 _}, starting
   *     with a letter
   * @param kind what it asks for
   * @param label what the widget shows beside it (null: the widget's word for the kind)
   * @param required whether the form may not be sent without it
   */
  public record Field(String key, Kind kind, String label, boolean required) {}

  /**
   * The answers in {@code values} cleaned (trimmed; blank optional answers left out), in the form's
   * order.
   *
   * @throws ProtocolException {@code invalid_field} naming the first field whose answer is missing
   *     (when required), too long or not of its kind, or a key the form does not have
   */
  public Map<String, String> check(Map<String, String> values) {
    for (String key : values.keySet()) {
      if (fields.stream().noneMatch(f -> f.key().equals(key))) {
        throw wrong(key, "is not a field of this site's form");
      }
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Field f : fields) {
      String v = values.get(f.key());
      v = v == null ? "" : v.strip();
      if (v.isEmpty()) {
        if (f.required()) {
          throw wrong(f.key(), "is required");
        }
        continue;
      }
      if (v.codePointCount(0, v.length()) > f.kind().maxLength()
          || v.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
        throw wrong(f.key(), "is at most " + f.kind().maxLength() + " characters on one line");
      }
      switch (f.kind()) {
        case EMAIL -> {
          if (!EMAIL.matcher(v).matches()) {
            throw wrong(f.key(), "must be an email address such as ana@example.com");
          }
        }
        case PHONE -> {
          if (!PHONE.matcher(v).matches() || v.chars().filter(Character::isDigit).count() < 3) {
            throw wrong(f.key(), "must be a phone number such as +49 30 1234567");
          }
        }
        case NAME, TEXT -> {}
      }
      out.put(f.key(), v);
    }
    return out;
  }

  private static ProtocolException wrong(String key, String why) {
    return new ProtocolException(ErrorCode.INVALID_FIELD, "\"" + key + "\" " + why, key);
  }
}
